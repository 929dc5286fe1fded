/**
 * A run from a model file trains with the scaling the model's weights expect (the file's, or the
 * person's choice when it does not say), not one fitted anew on the dataset. Samples kept as bytes
 * (images) are rescaled from their bytes; other samples keep only their scaled values, so they are
 * rescaled only when the scaling is already theirs. Pure.
 */
import type { ScaledDataset } from '../../data/idx-dataset';
import type { Samples } from '../../data/dataset';
import { byteSamples } from '../../data/rows';
import type { ScalingParams } from '../../data/scaling';

const same = (a: ScalingParams, b: ScalingParams): boolean => JSON.stringify(a) === JSON.stringify(b);

function rescaled(samples: Samples, scaling: ScalingParams, name: string): Samples {
  const raw = samples.raw;
  if (!raw)
    throw new Error(
      `${name} keeps only its scaled values (it is not an image dataset), so it cannot be scaled as the model file says: start the run with the dataset's scaling`,
    );
  // Named one by one: spreading would read `inputs`, making the float32 copy byte samples exist to avoid.
  const { count, inputSize, outputSize, targets, labels } = samples;
  return byteSamples(raw.values, scaling, { count, inputSize, outputSize, targets, ...(labels ? { labels } : {}) });
}

/** `dataset` with its inputs scaled by `scaling` (the dataset itself when that is already its scaling). */
export function withScaling<T extends ScaledDataset>(dataset: T, scaling: ScalingParams): T {
  if (same(dataset.scaling, scaling)) return dataset;
  const out = {
    ...dataset,
    scaling,
    train: rescaled(dataset.train, scaling, dataset.name),
    test: rescaled(dataset.test, scaling, dataset.name),
  };
  if (dataset.validation) out.validation = rescaled(dataset.validation, scaling, dataset.name);
  return out;
}
