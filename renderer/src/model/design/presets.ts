import type { ScalingKind } from '@core/data/scaling';
import { DEFAULT_TRAIN_SETTINGS, type ActivationName, type InputShape, type NetworkSpec, type TrainSettings } from '@core/engine/spec';
import type { Design } from './types';

export const PRESET_NAMES = ['network.py', 'seed', 'modern', 'perceptron', 'chapter-6', 'convnetjs', 'modern-cnn'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

export interface Preset {
  title: string;
  summary: string;
  spec: NetworkSpec;
  settings: TrainSettings;
  scaling: ScalingKind;
  /** Convolution and pooling: the preset needs a dataset whose samples are images. */
  spatial?: boolean;
}

const dense = (units: number[], hidden: ActivationName, output = hidden): NetworkSpec['layers'] =>
  units.map((n, i) => ({ units: n, activation: i === units.length - 1 ? output : hidden }));

/** MNIST's 28 × 28 grey images, as the convolutional presets see them. */
const MNIST_IMAGE: InputShape = { channels: 1, height: 28, width: 28 };
const conv = (kernel: number, filters: number, padding: 'valid' | 'same' = 'valid') =>
  ({ kind: 'conv', filters, kernel, stride: 1, padding, activation: 'relu' }) as const;
const pool = (size: number) => ({ kind: 'maxpool', size, stride: size }) as const;

export const PRESETS: Record<PresetName, Preset> = {
  'network.py': {
    title: 'Nielsen’s network.py',
    summary: '784-30-10 · sigmoid · quadratic cost · SGD η 3.0 · batch 10 · 30 epochs',
    spec: { inputSize: 784, layers: dense([30, 10], 'sigmoid'), loss: 'quadratic', init: 'normal' },
    settings: { ...DEFAULT_TRAIN_SETTINGS, batchSize: 10, learningRate: 3, epochs: 30, optimizer: 'sgd' },
    scaling: 'min-max',
  },
  seed: {
    title: 'The article’s 784-100-40-10',
    summary: '784-100-40-10 · sigmoid · quadratic cost · SGD η 3.0 · batch 10 · 30 epochs',
    spec: { inputSize: 784, layers: dense([100, 40, 10], 'sigmoid'), loss: 'quadratic', init: 'normal' },
    settings: { ...DEFAULT_TRAIN_SETTINGS, batchSize: 10, learningRate: 3, epochs: 30, optimizer: 'sgd' },
    scaling: 'min-max',
  },
  modern: {
    title: 'A modern network',
    summary: '784-100-10 · ReLU + softmax · cross-entropy · He · Adam η 0.001 · batch 64 · 5 epochs',
    spec: { inputSize: 784, layers: dense([100, 10], 'relu', 'softmax'), loss: 'cross-entropy', init: 'he' },
    settings: { ...DEFAULT_TRAIN_SETTINGS, batchSize: 64, learningRate: 0.001, epochs: 5, optimizer: 'adam' },
    scaling: 'min-max',
  },
  perceptron: {
    title: 'Single-layer perceptron',
    summary: '784-10 · step activation · see why it cannot learn by gradient descent',
    spec: { inputSize: 784, layers: dense([10], 'step'), loss: 'quadratic', init: 'normal' },
    settings: { ...DEFAULT_TRAIN_SETTINGS, batchSize: 10, learningRate: 1, epochs: 30, optimizer: 'sgd' },
    scaling: 'min-max',
  },
  // Nielsen's chapter 6 (network3.py): one convolutional-pooling layer, then 100 ReLU units and a
  // softmax output, trained by plain SGD with η = 0.03 on mini-batches of 10.
  'chapter-6': {
    title: 'Nielsen’s chapter-6 CNN',
    summary: 'conv 5×5×20 ReLU → max-pool 2 → 100 ReLU → 10 softmax · cross-entropy · He · SGD η 0.03 · batch 10 · 10 epochs',
    spec: {
      inputSize: 784,
      inputShape: MNIST_IMAGE,
      layers: [conv(5, 20), pool(2), ...dense([100, 10], 'relu', 'softmax')],
      loss: 'cross-entropy',
      init: 'he',
    },
    settings: { ...DEFAULT_TRAIN_SETTINGS, batchSize: 10, learningRate: 0.03, epochs: 10, optimizer: 'sgd' },
    scaling: 'min-max',
    spatial: true,
  },
  // ConvNetJS's MNIST demo: two "same" convolutions of 8 and 16 filters, pools of 2 and 3, softmax.
  // (It trains on random 24 × 24 crops with Adadelta; here the whole 28 × 28 image, with Adam.)
  convnetjs: {
    title: 'ConvNetJS’s MNIST network',
    summary: 'conv 5×5×8 same → pool 2 → conv 5×5×16 same → pool 3 → 10 softmax · ReLU · Adam η 0.001 · batch 20 · 5 epochs',
    spec: {
      inputSize: 784,
      inputShape: MNIST_IMAGE,
      layers: [conv(5, 8, 'same'), pool(2), conv(5, 16, 'same'), pool(3), ...dense([10], 'softmax')],
      loss: 'cross-entropy',
      init: 'he',
    },
    settings: { ...DEFAULT_TRAIN_SETTINGS, batchSize: 20, learningRate: 0.001, epochs: 5, optimizer: 'adam' },
    scaling: 'min-max',
    spatial: true,
  },
  'modern-cnn': {
    title: 'A small modern CNN',
    summary:
      '2 × (conv 3×3 same → BatchNorm → pool 2) → dropout 0.25 → 128 ReLU → dropout 0.5 → 10 softmax · Adam η 0.001 · batch 64 · 5 epochs',
    spec: {
      inputSize: 784,
      inputShape: MNIST_IMAGE,
      layers: [
        conv(3, 16, 'same'),
        { kind: 'batchnorm' },
        pool(2),
        conv(3, 32, 'same'),
        { kind: 'batchnorm' },
        pool(2),
        { kind: 'dropout', rate: 0.25 },
        ...dense([128], 'relu'),
        { kind: 'dropout', rate: 0.5 },
        ...dense([10], 'softmax'),
      ],
      loss: 'cross-entropy',
      init: 'he',
    },
    settings: { ...DEFAULT_TRAIN_SETTINGS, batchSize: 64, learningRate: 0.001, epochs: 5, optimizer: 'adam' },
    scaling: 'min-max',
    spatial: true,
  },
};

export const DEFAULT_DATASET_ID = 'mnist';

/** A preset's network and training settings; the data choices (dataset, split, limits) of `keep` stay. */
export function presetDesign(name: PresetName, keep?: Pick<Design, 'datasetId' | 'validation' | 'trainLimit' | 'testLimit'>): Design {
  const preset = PRESETS[name];
  const design: Design = {
    spec: structuredClone(preset.spec),
    settings: structuredClone(preset.settings),
    scaling: preset.scaling,
    datasetId: keep?.datasetId ?? DEFAULT_DATASET_ID,
    // Held-out validation by default (Nielsen's split for MNIST): the best epoch is then picked on
    // it, and the test set stays for the final, separate score.
    validation: keep?.validation ?? true,
  };
  if (keep?.trainLimit !== undefined) design.trainLimit = keep.trainLimit;
  if (keep?.testLimit !== undefined) design.testLimit = keep.testLimit;
  return design;
}

export const defaultDesign = (): Design => presetDesign('network.py');
