/** Display names for the engine's string-literal choices. */
import type { ScalingKind } from '@core/data/scaling';
import type { ScheduleName } from '@core/engine/schedules';
import type { ActivationName, InitName, LossName, NetworkSpec, OptimizerName, StopRule } from '@core/engine/spec';
import { layerName } from './layers';

export const ACTIVATION_LABELS: Record<ActivationName, string> = {
  linear: 'Linear',
  sigmoid: 'Sigmoid',
  tanh: 'tanh',
  relu: 'ReLU',
  'leaky-relu': 'Leaky ReLU',
  softmax: 'Softmax',
  step: 'Step',
};

export const LOSS_LABELS: Record<LossName, string> = {
  quadratic: 'Quadratic',
  mse: 'Mean squared error',
  sse: 'Sum of squared errors',
  mae: 'Mean absolute error',
  sae: 'Sum of absolute errors',
  mape: 'Mean absolute % error',
  msle: 'Mean squared log error',
  'log-cosh': 'Log-cosh',
  'binary-cross-entropy': 'Binary cross-entropy',
  'cross-entropy': 'Cross-entropy',
  'kl-divergence': 'KL divergence',
  'cosine-proximity': 'Cosine proximity',
};

export const INIT_LABELS: Record<InitName, string> = {
  normal: 'N(0, 1) — network.py',
  'scaled-normal': 'N(0, 1/nᵢₙ) — scaled',
  xavier: 'Xavier / Glorot',
  he: 'He',
};

export const OPTIMIZER_LABELS: Record<OptimizerName, string> = {
  sgd: 'Gradient descent (SGD)',
  momentum: 'SGD with momentum',
  adam: 'Adam',
};

export const SCALING_LABELS: Record<ScalingKind, string> = {
  none: 'None (raw 0–255)',
  'min-max': 'Min-max → [0, 1]',
  'min-max-symmetric': 'Min-max → [−1, 1]',
  'z-score': 'Z-score (mean 0, sd 1)',
  'unit-norm': 'Unit L2 norm',
};

export const STOP_LABELS: Record<StopRule['kind'], string> = {
  epochs: 'After all epochs',
  'loss-plateau': 'On a loss plateau',
  'early-stopping': 'Early stopping',
};

/** Human names for Problem.field values, for the summary list; a layer by the name the drawing gives it ("Conv 2 kernel"). */
export function fieldLabel(field: string, spec?: NetworkSpec): string {
  const layer = /^layers\[(\d+)\]\.(\w+)$/.exec(field);
  if (layer) {
    const i = Number(layer[1]);
    const label = `${spec ? layerName(spec, i) : `layer ${i + 2}`} ${layer[2] === 'units' ? 'size' : layer[2]}`;
    return label[0]!.toUpperCase() + label.slice(1);
  }
  const names: Record<string, string> = {
    inputSize: 'Input layer',
    layers: 'Layers',
    loss: 'Loss',
    init: 'Initialisation',
    batchSize: 'Batch size',
    learningRate: 'Learning rate',
    epochs: 'Epochs',
    optimizer: 'Optimiser',
    momentum: 'Momentum',
    l2: 'L2 λ',
    seed: 'Seed',
    stop: 'Stopping rule',
    datasetId: 'Dataset',
    validation: 'Validation',
    trainLimit: 'Training limit',
    testLimit: 'Test limit',
    start: 'Model file',
  };
  return names[field] ?? field;
}

/** The DOM id of the control that edits `field` ('layers[1].units' → 'f-layers-1-units'). */
export const fieldId = (field: string): string => `f-${field.replace(/[^A-Za-z0-9]+/g, '-').replace(/-$/, '')}`;

export const SCHEDULE_LABELS: Record<ScheduleName, string> = {
  constant: 'Constant',
  step: 'Step decay',
  exponential: 'Exponential decay',
  cosine: 'Cosine annealing',
  plateau: 'Reduce on plateau',
};
