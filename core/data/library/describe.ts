/** A library dataset as the other layers name it: the window's dataset list and a saved model's `dataset` section. */
import type { DatasetInfo as LabDatasetInfo } from '../../lab/contract';
import type { DatasetInfo as ModelDatasetInfo } from '../../model/format';
import type { DatasetEntry } from './manifest';
import type { LoadedDataset } from './materialise';

export function labDatasetInfo(entry: DatasetEntry): LabDatasetInfo {
  return {
    id: entry.id,
    name: entry.name,
    kind: entry.kind,
    inputShape: [...entry.inputShape],
    classes: [...entry.classes],
    sizes: { train: entry.sizes.train, test: entry.sizes.test },
    builtIn: false,
  };
}

/** The source files and their SHA-256 identify the data; the sizes say how it was split. */
export function modelDatasetInfo(dataset: LoadedDataset): ModelDatasetInfo {
  const sizes: ModelDatasetInfo['sizes'] = { train: dataset.train.count, test: dataset.test.count };
  if (dataset.validation) sizes.validation = dataset.validation.count;
  return {
    name: dataset.name,
    inputShape: [...dataset.inputShape],
    classes: [...dataset.classes],
    sizes,
    files: dataset.files.map(({ name, sha256 }) => ({ name, sha256 })),
  };
}
