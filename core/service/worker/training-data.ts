/**
 * The data a training worker trains on: the built-in MNIST (datasets/built-in.ts), or a library dataset
 * read from its stored folder. Runs in the worker thread.
 *
 * A library dataset is read with loadStoredDataset(<root>/<id>), which is what
 * DatasetLibrary.load does, without DatasetLibrary.open: opening clears the library's unfinished
 * imports, and the main process may be importing while a worker starts.
 */
import { join } from 'node:path';
import type { ScaledDataset } from '../../data/idx-dataset';
import { loadStoredDataset } from '../../data/library/library';
import { subsetDataset } from '../../data/subset';
import { findDataset, useMnistDir } from '../datasets/built-in';
import type { TrainWorkerData } from './protocol';

export async function loadTrainingData(data: TrainWorkerData): Promise<ScaledDataset> {
  const { datasetId, scaling, validation, trainLimit, testLimit } = data;
  useMnistDir(data.mnistDir);
  if (data.libraryRoot === undefined) return findDataset(datasetId).load({ scaling, validation, trainLimit, testLimit });
  const dataset = await loadStoredDataset(join(data.libraryRoot, datasetId), { scaling });
  if (validation && !dataset.validation)
    throw new Error(`${dataset.name} has no validation split (it was imported with a validation share of 0)`);
  const limits: { trainLimit?: number; testLimit?: number } = {};
  if (trainLimit !== undefined) limits.trainLimit = trainLimit;
  if (testLimit !== undefined) limits.testLimit = testLimit;
  return subsetDataset(dataset, { validation, ...limits });
}
