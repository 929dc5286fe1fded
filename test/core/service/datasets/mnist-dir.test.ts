/**
 * The packaged app's MNIST: four gzipped IDX files in its resources (scripts/build-mnist.mjs),
 * named to the lab service by its `mnistDir` option. The service serves samples from them, hands
 * the folder to training workers, and names the dataset in saved models by the raw files' SHA-256,
 * so a model trained in the packaged app matches MNIST in development and back.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadMnistRaw, mnistDataFolder, MNIST_FILE_NAMES } from '@core/data/mnist';
import { sha256File } from '@core/model/model-files';
import { useMnistDir } from '@core/service/datasets/built-in';
import type { LabService } from '@core/service/lab-service';
import { loadTrainingData } from '@core/service/worker/training-data';
import type { TrainWorkerData } from '@core/service/worker/protocol';
import { trainWorkerFactory } from '../tsx-worker';
import { EventLog, makeService, quickRun, stubDialogs, tempDataDir } from '../helpers';

const tmp = tempDataDir();
const mnistDir = join(tmp.dir, 'mnist');
const raw = Object.values(MNIST_FILE_NAMES).map((name) => join(mnistDataFolder(), name));

beforeAll(() => {
  mkdirSync(mnistDir);
  for (const path of raw) writeFileSync(join(mnistDir, `${path.split(/[\\/]/).pop()}.gz`), gzipSync(readFileSync(path), { level: 1 }));
});

afterAll(() => {
  useMnistDir(undefined);
  tmp.remove();
});

const workerData = (dir: string): TrainWorkerData =>
  ({ ...quickRun(), runId: 'r', trainLimit: 100, testLimit: 50, mnistDir: dir }) as unknown as TrainWorkerData;

describe('a training worker', () => {
  it('loads MNIST from the folder its workerData names', async () => {
    const data = await loadTrainingData(workerData(mnistDir));
    expect([data.train.count, data.test.count]).toEqual([100, 50]);
    const empty = join(tmp.dir, 'empty');
    mkdirSync(empty);
    await expect(loadTrainingData(workerData(empty))).rejects.toThrow(join(empty, 'train-images-idx3-ubyte.gz'));
  });
});

describe('a lab service given mnistDir', () => {
  let service: LabService;
  const saved = join(tmp.dir, 'packaged.fathom.json');
  const started: TrainWorkerData[] = [];

  beforeAll(() => {
    service = makeService(join(tmp.dir, 'data'), {
      mnistDir,
      dialogs: stubDialogs([saved]),
      workerFactory: (data) => (started.push(data), trainWorkerFactory(data)),
    });
  });
  afterAll(() => service.dispose());

  it('serves MNIST samples from the gzipped copy', async () => {
    const samples = await service.getSamples({ datasetId: 'mnist', split: 'test', offset: 0, count: 3 });
    const reference = loadMnistRaw().test;
    expect(samples.labels).toEqual([...reference.labels.subarray(0, 3)]);
    expect([...samples.pixels.subarray(0, 784)]).toEqual([...reference.pixels.subarray(0, 784)]);
  });

  it('trains on it, names the folder to the worker, and saves a model naming MNIST by the raw files’ SHA-256', async () => {
    const log = new EventLog(service);
    const { id } = await service.startRun(quickRun({ settings: { epochs: 1 } }));
    await log.status(id, 'finished', 60_000);
    expect(started.map((d) => d.mnistDir)).toEqual([mnistDir]);
    await service.saveModel({ runId: id });
    const files = JSON.parse(readFileSync(saved, 'utf8')).dataset.files as { name: string; sha256: string }[];
    const expected = await Promise.all(
      raw.map(async (path) => ({ name: `${path.split(/[\\/]/).pop()}.gz`, sha256: await sha256File(path) })),
    );
    expect(files).toEqual(expected);
  });
});
