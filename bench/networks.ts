/**
 * The four reference networks of the benchmark: Nielsen's three sigmoid networks of chapter 1–2
 * and a modern ReLU + softmax network. Both engines train exactly these.
 */
import { BenchError } from './errors';
import { DEFAULT_TRAIN_SETTINGS, type NetworkSpec, type TrainSettings } from '../core/engine/spec';

export interface BenchNetwork {
  /** Short id used on the command line and in JSON, e.g. '784-100-10-relu'. */
  id: string;
  /** What the table prints. */
  label: string;
  spec: NetworkSpec;
  settings: TrainSettings;
}

function sigmoidNetwork(hidden: number[]): BenchNetwork {
  const sizes = [784, ...hidden, 10];
  return {
    id: sizes.join('-'),
    label: 'sigmoid, quadratic cost, N(0, 1) init, SGD η = 3, batch 10',
    spec: {
      inputSize: 784,
      layers: [...hidden, 10].map((units) => ({ units, activation: 'sigmoid' as const })),
      loss: 'quadratic',
      init: 'normal',
    },
    settings: { ...DEFAULT_TRAIN_SETTINGS, batchSize: 10, learningRate: 3, optimizer: 'sgd', epochs: 1 },
  };
}

export const BENCH_NETWORKS: readonly BenchNetwork[] = [
  sigmoidNetwork([30]),
  sigmoidNetwork([100]),
  sigmoidNetwork([100, 40]),
  {
    id: '784-100-10-relu',
    label: 'ReLU + softmax, cross-entropy, He init, Adam lr 0.001, batch 64',
    spec: {
      inputSize: 784,
      layers: [
        { units: 100, activation: 'relu' },
        { units: 10, activation: 'softmax' },
      ],
      loss: 'cross-entropy',
      init: 'he',
    },
    settings: { ...DEFAULT_TRAIN_SETTINGS, batchSize: 64, learningRate: 0.001, optimizer: 'adam', epochs: 1 },
  },
];

/** The layer sizes [n_0, n_1, …, n_L]. */
export function layerSizes(spec: NetworkSpec): number[] {
  return [spec.inputSize, ...spec.layers.map((layer) => layer.units)];
}

/** Number of weights (biases excluded): Σ n_{l−1}·n_l. */
export function weightCount(spec: NetworkSpec): number {
  const sizes = layerSizes(spec);
  let total = 0;
  for (let l = 1; l < sizes.length; l++) total += sizes[l - 1]! * sizes[l]!;
  return total;
}

/**
 * Floating-point operations one training sample costs a dense implementation: forward z = w·a
 * (2 per weight), backward δ·w and δᵀ·a (2 + 2 per weight). Biases and activations are ignored.
 */
export function flopsPerSample(spec: NetworkSpec): number {
  return 6 * weightCount(spec);
}

export function networkById(id: string): BenchNetwork {
  const net = BENCH_NETWORKS.find((n) => n.id === id);
  if (!net) throw new BenchError(`Unknown benchmark network '${id}'; known: ${BENCH_NETWORKS.map((n) => n.id).join(', ')}.`);
  return net;
}
