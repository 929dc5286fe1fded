import type { ScalingKind } from '@core/data/scaling';
import { DEFAULT_TRAIN_SETTINGS, type ActivationName, type NetworkSpec, type TrainSettings } from '@core/engine/spec';
import type { Design } from './types';

export const PRESET_NAMES = ['network.py', 'seed', 'modern', 'perceptron'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

export interface Preset {
  title: string;
  summary: string;
  spec: NetworkSpec;
  settings: TrainSettings;
  scaling: ScalingKind;
}

const dense = (units: number[], hidden: ActivationName, output = hidden): NetworkSpec['layers'] =>
  units.map((n, i) => ({ units: n, activation: i === units.length - 1 ? output : hidden }));

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
