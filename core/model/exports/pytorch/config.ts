/**
 * config.json of the PyTorch project: everything train.py needs to train as Fathom did, taken from
 * the model file (spec, settings, scaling, the split sizes) plus where the data files are.
 * Pure.
 */
import type { ScalingParams } from '../../../data/scaling';
import type { NetworkSpec, TrainSettings } from '../../../engine/spec';
import type { ModelFile } from '../../format';

export const PYTORCH_PROJECT_FORMAT = 'fathom-pytorch-project';

/** The four IDX files of a dataset (raw or .gz), as absolute paths. */
export interface IdxDataFiles {
  trainImages: string;
  trainLabels: string;
  testImages: string;
  testLabels: string;
}

export interface PytorchConfig {
  format: typeof PYTORCH_PROJECT_FORMAT;
  version: 1;
  network: NetworkSpec;
  training: TrainSettings;
  scaling: ScalingParams;
  /**
   * The files and how they were split: training takes the first `split.train` images, validation the
   * last `validationSize` training images (when `split.validation` > 0), test the first `split.test`.
   * null when Fathom does not know the files (train.py then needs --data).
   */
  data: {
    kind: 'idx';
    files: IdxDataFiles;
    validationSize: number;
    split: { train: number; validation: number; test: number };
    classes: string[];
  } | null;
  /** Class names, index = output neuron (CSV labels and image folders are matched to them). */
  classes: string[];
  /** The weights file in the folder to start from, or null for a fresh initialisation. */
  weights: string | null;
  /** Epochs the included weights were trained for (train.py numbers its epochs on from there). */
  epochsDone: number;
}

/** Nielsen's (and loadMnist's) validation split: the last 10,000 training images. */
export const VALIDATION_SIZE = 10_000;

export function pytorchConfig(file: ModelFile, data: IdxDataFiles | undefined, weights: string | null): PytorchConfig {
  const { sizes, classes } = file.dataset;
  return {
    format: PYTORCH_PROJECT_FORMAT,
    version: 1,
    network: structuredClone(file.spec),
    training: structuredClone(file.settings),
    scaling: structuredClone(file.scaling),
    data: data
      ? {
          kind: 'idx',
          files: { ...data },
          validationSize: VALIDATION_SIZE,
          split: { train: sizes.train, validation: sizes.validation ?? 0, test: sizes.test },
          classes: [...classes],
        }
      : null,
    classes: [...classes],
    weights,
    epochsDone: weights === null ? 0 : (file.history.at(-1)?.epoch ?? 0),
  };
}
