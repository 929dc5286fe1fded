/**
 * The reference networks of the benchmark: Nielsen's three sigmoid networks of chapter 1–2, a
 * modern ReLU + softmax network, and Nielsen's chapter-6 style CNN. Every engine trains exactly these.
 */
import { BenchError } from './errors';
import { multiplyAdds, parameterShapes } from '../core/engine/shapes';
import { DEFAULT_TRAIN_SETTINGS, isDense, type DenseLayerSpec, type NetworkSpec, type TrainSettings } from '../core/engine/spec';

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

/** ReLU hidden layers + softmax, cross-entropy, He init, Adam, batch 64 (batch overridable by id, see networkById). */
function reluNetwork(hidden: number[]): BenchNetwork {
  return {
    id: `${[784, ...hidden, 10].join('-')}-relu`,
    label: 'ReLU + softmax, cross-entropy, He init, Adam lr 0.001, batch 64',
    spec: {
      inputSize: 784,
      layers: [...hidden.map((units) => ({ units, activation: 'relu' as const })), { units: 10, activation: 'softmax' as const }],
      loss: 'cross-entropy',
      init: 'he',
    },
    settings: { ...DEFAULT_TRAIN_SETTINGS, batchSize: 64, learningRate: 0.001, optimizer: 'adam', epochs: 1 },
  };
}

/** Nielsen's chapter-6 style CNN: 28×28×1 → conv 5×5×20 (ReLU) → max-pool 2 → 100 (ReLU) → 10 softmax, as the ReLU network is trained. */
export const CNN_NETWORK: BenchNetwork = {
  id: 'cnn',
  label: 'conv 5×5×20 ReLU → max-pool 2 → 100 ReLU → 10 softmax, cross-entropy, He init, Adam lr 0.001, batch 64',
  spec: {
    inputSize: 784,
    inputShape: { channels: 1, height: 28, width: 28 },
    layers: [
      { kind: 'conv', filters: 20, kernel: 5, stride: 1, padding: 'valid', activation: 'relu' },
      { kind: 'maxpool', size: 2, stride: 2 },
      { units: 100, activation: 'relu' },
      { units: 10, activation: 'softmax' },
    ],
    loss: 'cross-entropy',
    init: 'he',
  },
  settings: { ...DEFAULT_TRAIN_SETTINGS, batchSize: 64, learningRate: 0.001, optimizer: 'adam', epochs: 1 },
};

export const BENCH_NETWORKS: readonly BenchNetwork[] = [
  sigmoidNetwork([30]),
  sigmoidNetwork([100]),
  sigmoidNetwork([100, 40]),
  reluNetwork([100]),
  CNN_NETWORK,
];

/** True for a network with spatial layers (the CNN): the dense peers (numpy) do not run it. */
export const isConvolutional = (spec: NetworkSpec): boolean => spec.layers.some((layer) => !isDense(layer));

/** The layer sizes [n_0, n_1, …, n_L] of a fully connected network. */
export function layerSizes(spec: NetworkSpec): number[] {
  return [spec.inputSize, ...denseLayers(spec).map((layer) => layer.units)];
}

/** The layers of a fully connected bench network (the dense peers and TF.js models are built from these). */
export function denseLayers(spec: NetworkSpec): DenseLayerSpec[] {
  return spec.layers.map((layer) => {
    if (!isDense(layer)) throw new BenchError(`This bench measures fully connected networks; layer ${layer.kind} is not one.`);
    return layer;
  });
}

/** Number of weights (biases excluded): Σ n_{l−1}·n_l for dense layers, F·C·k·k for a convolution. */
export function weightCount(spec: NetworkSpec): number {
  return parameterShapes(spec).reduce((total, p) => total + p.weights, 0);
}

/**
 * Floating-point operations one training sample costs a dense implementation: forward z = w·a
 * (2 per multiply-add: per weight, or per weight and output position of a convolution), backward
 * δ·w and δᵀ·a (2 + 2 per multiply-add). Biases, activations and pooling are ignored.
 */
export function flopsPerSample(spec: NetworkSpec): number {
  const adds = multiplyAdds(spec);
  let total = 0;
  spec.layers.forEach((layer, i) => {
    if (isDense(layer) || layer.kind === 'conv') total += 6 * adds[i + 1]!;
  });
  return total;
}

/** Measured only when asked for by --network: a wider network, for where data-parallel training pays. */
export const EXTRA_NETWORKS: readonly BenchNetwork[] = [reluNetwork([300, 100])];

/** A network by id; `ID@B` is the same network at batch size B (e.g. 784-100-10-relu@256). */
export function networkById(id: string): BenchNetwork {
  const [base, batch] = id.split('@');
  const known = [...BENCH_NETWORKS, ...EXTRA_NETWORKS];
  const net = known.find((n) => n.id === base);
  if (!net)
    throw new BenchError(`Unknown benchmark network '${base}'; known: ${known.map((n) => n.id).join(', ')} (add @B for batch size B).`);
  if (batch === undefined) return net;
  const batchSize = Number(batch);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new BenchError(`'${id}': the batch size after @ must be a whole number ≥ 1.`);
  return { ...net, id, label: net.label.replace(/batch \d+/, `batch ${batchSize}`), settings: { ...net.settings, batchSize } };
}
