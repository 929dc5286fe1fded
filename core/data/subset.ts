/**
 * Quick-run subsets of a dataset that is already split and scaled (a library dataset, or one read
 * straight from a path): keep or drop the validation split, and keep only the first N training or
 * test samples. Views, no copies (byte-backed samples stay byte-backed). Pure.
 */
import type { Samples } from './dataset';
import { DataError } from './errors';
import { byteSamples } from './rows';
import type { ScaledDataset } from './idx-dataset';

export interface SubsetOptions {
  /** Keep the dataset's validation split (false drops it; it is never merged into training). */
  validation: boolean;
  trainLimit?: number;
  testLimit?: number;
}

/** The first `count` rows of a split, as views. */
export function firstRows(samples: Samples, count: number): Samples {
  if (count >= samples.count) return samples;
  const { inputSize, outputSize } = samples;
  if (samples.raw) {
    const fields = { count, inputSize, outputSize, targets: samples.targets.subarray(0, count * outputSize) };
    return byteSamples(
      samples.raw.values,
      samples.raw.scaling,
      samples.labels ? { ...fields, labels: samples.labels.subarray(0, count) } : fields,
    );
  }
  const rows: Samples = {
    count,
    inputSize,
    outputSize,
    inputs: samples.inputs.subarray(0, count * inputSize),
    targets: samples.targets.subarray(0, count * outputSize),
  };
  if (samples.labels) rows.labels = samples.labels.subarray(0, count);
  return rows;
}

function checkLimit(limit: number | undefined, option: string): void {
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1)) {
    throw new DataError('bad-option', undefined, `expected ${option} to be a whole number ≥ 1, found ${limit}`);
  }
}

/**
 * The dataset with the limits applied. The scaling stays the one fitted on the whole training
 * split (the stored statistics), so a model trained on a subset reads new inputs the same way.
 */
export function subsetDataset<T extends ScaledDataset>(dataset: T, options: SubsetOptions): T {
  checkLimit(options.trainLimit, 'trainLimit');
  checkLimit(options.testLimit, 'testLimit');
  const result: T = {
    ...dataset,
    train: firstRows(dataset.train, options.trainLimit ?? dataset.train.count),
    test: firstRows(dataset.test, options.testLimit ?? dataset.test.count),
  };
  if (!options.validation) delete result.validation;
  return result;
}
