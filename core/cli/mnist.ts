/** The built-in MNIST as the CLI uses it: the default dataset, named by `--dataset mnist` too. */
import { basename } from 'node:path';
import { toSamples } from '../data/classification';
import type { Samples } from '../data/dataset';
import type { ScaledDataset } from '../data/idx-dataset';
import { loadMnistRaw, mnistFiles } from '../data/mnist';
import type { ScalingParams } from '../data/scaling';
import type { DatasetInfo as ModelDatasetInfo } from '../model/format';
import { sha256File } from '../model/model-files';
import { DATASETS } from '../service/datasets/built-in';

/**
 * Whether --dataset names the built-in MNIST: its id (`mnist`) or its name in the app ("MNIST
 * handwritten digits"), in any case. These always mean the built-in, so a library dataset renamed
 * like it cannot stand in for it; that one is reached by its id (and a folder named mnist by ./mnist).
 */
export function namesBuiltInMnist(pathOrName: string): boolean {
  const key = pathOrName.trim().toLowerCase();
  const info = DATASETS.get('mnist')?.info;
  return info !== undefined && (key === info.id || key === info.name.toLowerCase());
}

/**
 * The dataset's splits scaled with a saved model's own parameters (refitting on a different
 * --train-limit could give other statistics): the model must see inputs as it did in training.
 */
export function withScaling(dataset: ScaledDataset, scaling: ScalingParams): ScaledDataset {
  if (JSON.stringify(dataset.scaling) === JSON.stringify(scaling)) return dataset;
  const raw = loadMnistRaw();
  const width = raw.train.rows * raw.train.cols;
  const rescale = (set: typeof raw.train, start: number, samples: Samples): Samples =>
    toSamples(
      set.pixels.subarray(start * width, (start + samples.count) * width),
      set.labels.subarray(start, start + samples.count),
      samples.count,
      width,
      samples.outputSize,
      scaling,
    );
  const result: ScaledDataset = {
    ...dataset,
    scaling,
    train: rescale(raw.train, 0, dataset.train),
    test: rescale(raw.test, 0, dataset.test),
  };
  // loadMnist's validation split is the last 10,000 training images.
  if (dataset.validation) result.validation = rescale(raw.train, raw.train.count - 10_000, dataset.validation);
  return result;
}

/** How the model file names MNIST: its four files, hashed. */
export async function mnistIdentity(dataset: ScaledDataset): Promise<ModelDatasetInfo> {
  const files = mnistFiles();
  const paths = [files.trainImages, files.trainLabels, files.testImages, files.testLabels];
  const sizes: { train: number; validation?: number; test: number } = { train: dataset.train.count, test: dataset.test.count };
  if (dataset.validation) sizes.validation = dataset.validation.count;
  return {
    name: dataset.name,
    inputShape: dataset.inputShape,
    classes: dataset.classes,
    sizes,
    files: await Promise.all(paths.map(async (p) => ({ name: basename(p), sha256: await sha256File(p) }))),
  };
}
