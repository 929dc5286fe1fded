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

export const LAYER_KINDS = ['dense', 'conv', 'maxpool', 'dropout', 'batchnorm'] as const;
export type LayerKind = (typeof LAYER_KINDS)[number];

/** One layer after the input. Files made before CNNs have no `kind`: they are dense layers. */
export type LayerSpec = DenseLayerSpec | ConvLayerSpec | MaxPoolLayerSpec | DropoutLayerSpec | BatchNormLayerSpec;

/** A fully connected layer: every unit sees every value of the layer before (flattened when spatial). */
export interface DenseLayerSpec {
  /** Absent = dense (files and specs made before CNNs). */
  kind?: 'dense';
  /** Number of neurons j in this layer. */
  units: number;
  activation: ActivationName;
}

/** A 2-D convolution: `filters` kernels of kernel × kernel × channelsIn, slid with `stride`. */
export interface ConvLayerSpec {
  kind: 'conv';
  /** Output channels (feature maps). */
  filters: number;
  /** Side of the square kernel. */
  kernel: number;
  stride: number;
  /** valid: no padding; same: zero padding so that the output is ⌈input / stride⌉ (TensorFlow's rule). */
  padding: 'valid' | 'same';
  activation: ActivationName;
}

/** Max pooling over size × size windows, per channel. */
export interface MaxPoolLayerSpec {
  kind: 'maxpool';
  size: number;
  stride: number;
}

/** Inverted dropout: in training each value is zeroed with probability `rate` and the rest scaled by 1/(1 − rate). */
export interface DropoutLayerSpec {
  kind: 'dropout';
  rate: number;
}

/** Batch normalisation: per channel after a spatial layer, per unit after a dense one; γ and β are trained. */
export interface BatchNormLayerSpec {
  kind: 'batchnorm';
}

/** A spatial input's shape; feature maps are stored channel by channel (CHW, like PyTorch). */
export interface InputShape {
  channels: number;
  height: number;
  width: number;
}

export const isDense = (layer: LayerSpec): layer is DenseLayerSpec => layer.kind === undefined || layer.kind === 'dense';

/** The layer's kind, 'dense' when the spec leaves it out. */
export const layerKind = (layer: LayerSpec): LayerKind => layer.kind ?? 'dense';

/** The layer's activation function; pooling, dropout and batchnorm have none (identity). */
export const layerActivation = (layer: LayerSpec): ActivationName | undefined =>
  isDense(layer) || layer.kind === 'conv' ? layer.activation : undefined;

export interface NetworkSpec {
  /** Number of inputs (neurons in layer 1, Nielsen's input layer); channels × height × width when spatial. */
  inputSize: number;
  /** The input as an image (channels × height × width, product = inputSize); absent = a flat vector. */
  inputShape?: InputShape;
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

/**
 * Weights and biases of every layer. Dense: w[l] is units(l) × units(l−1), row-major (Nielsen's
 * w^l_jk at j·k_count + k). Conv: w[l] is filters × (channelsIn·k·k) in PyTorch/ONNX OIHW order,
 * b[l] one per filter. Max-pool and dropout: empty. Batchnorm: w[l] = γ, b[l] = β, per channel.
 */
export interface Parameters {
  w: Float32Array[];
  b: Float32Array[];
  /** Non-trained state: batchnorm's running mean and variance, indexed like w (empty for other layers). */
  state?: LayerState;
}

/** Batchnorm's running statistics per layer (length 0 for layers that are not batchnorm). */
export interface LayerState {
  mean: Float32Array[];
  variance: Float32Array[];
}

/**
 * One layer in the CLI's `--layers` words: "100", "conv5x5x20", "conv3x3x8s2same", "maxpool2",
 * "dropout0.5", "batchnorm". Summaries (run names, model bars) use it too.
 */
export function layerToken(layer: LayerSpec): string {
  if (isDense(layer)) return String(layer.units);
  switch (layer.kind) {
    case 'conv':
      return `conv${layer.kernel}x${layer.kernel}x${layer.filters}${layer.stride === 1 ? '' : `s${layer.stride}`}${layer.padding === 'same' ? 'same' : ''}`;
    case 'maxpool':
      return `maxpool${layer.size}${layer.stride === layer.size ? '' : `s${layer.stride}`}`;
    case 'dropout':
      return `dropout${layer.rate}`;
    case 'batchnorm':
      return 'batchnorm';
  }
}

/** "784-30-10", "28x28x1-conv5x5x20-maxpool2-100-10": the network's sizes in one word. */
export function networkSizes(spec: NetworkSpec): string {
  const s = spec.inputShape;
  const input = s ? `${s.height}x${s.width}x${s.channels}` : String(spec.inputSize);
  return [input, ...spec.layers.map(layerToken)].join('-');
}
