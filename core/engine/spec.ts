/**
 * The plain, serialisable description of a network and of how to train it.
 * Everything the UI, the CLI, the worker and saved models exchange is one of these.
 */
import type { ScheduleSettings } from './schedules';

export const ACTIVATIONS = ['linear', 'sigmoid', 'tanh', 'relu', 'leaky-relu', 'softmax', 'step'] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];

export const LOSSES = [
  'quadratic',
  'mse',
  'sse',
  'mae',
  'sae',
  'mape',
  'msle',
  'log-cosh',
  'binary-cross-entropy',
  'cross-entropy',
  'kl-divergence',
  'cosine-proximity',
] as const;
export type LossName = (typeof LOSSES)[number];

/** normal = Nielsen's N(0,1); scaled-normal = N(0, 1/n_in), his improved default. */
export const INITS = ['normal', 'scaled-normal', 'xavier', 'he'] as const;
export type InitName = (typeof INITS)[number];

export const OPTIMIZERS = ['sgd', 'momentum', 'adam'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

export interface LayerSpec {
  /** Number of neurons j in this layer. */
  units: number;
  activation: ActivationName;
}

export interface NetworkSpec {
  /** Number of inputs (neurons in layer 1, Nielsen's input layer). */
  inputSize: number;
  /** The layers after the input layer, in order; the last one is the output layer L. */
  layers: LayerSpec[];
  loss: LossName;
  init: InitName;
}

/** When to stop training, as the seed describes it. */
export type StopRule =
  | { kind: 'epochs' }
  /** Stop when the training loss improves by less than `minImprovement` (relative) from one epoch to the next. */
  | { kind: 'loss-plateau'; minImprovement: number }
  /** Stop when validation accuracy has not improved for `patience` epochs. */
  | { kind: 'early-stopping'; patience: number };

export interface TrainSettings {
  /** 1 = stochastic, the whole training set = batch, anything between = mini-batch. */
  batchSize: number;
  /** η (the base η when a schedule changes it over the run) */
  learningRate: number;
  /** How η changes over the run; absent = constant (files made before schedules existed). */
  schedule?: ScheduleSettings;
  /** Maximum number of epochs. */
  epochs: number;
  optimizer: OptimizerName;
  /** Momentum coefficient μ (momentum optimiser). */
  momentum: number;
  /** L2 weight-decay coefficient λ: the cost gains (λ/2)·Σw², so every weight gradient gains λ·w. */
  l2: number;
  seed: number;
  stop: StopRule;
}

export const DEFAULT_TRAIN_SETTINGS: TrainSettings = {
  batchSize: 10,
  learningRate: 3,
  epochs: 30,
  optimizer: 'sgd',
  momentum: 0.9,
  l2: 0,
  seed: 1,
  stop: { kind: 'epochs' },
};

/** Names the seed uses for the three flavours of gradient descent. */
export function descentKind(batchSize: number, trainingSetSize: number): 'stochastic' | 'mini-batch' | 'batch' {
  if (batchSize <= 1) return 'stochastic';
  if (batchSize >= trainingSetSize) return 'batch';
  return 'mini-batch';
}

/** Weights and biases of every layer: w[l] is units(l) × units(l−1), row-major (Nielsen's w^l_jk at j·k_count + k). */
export interface Parameters {
  w: Float32Array[];
  b: Float32Array[];
}
