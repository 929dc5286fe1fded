/**
 * A model file as the starting point of a run (openStartModel, startRun's `start`): an ONNX model
 * without its input scaling is opened with `scaling: null` and a run from it is refused until the
 * scaling is chosen; a run's worker starts from the file's weights (its resume point, no epochs done)
 * with the chosen or the file's scaling; a design whose layers no longer fit the weights is refused.
 * On fake workers: this is the service's bookkeeping; the maths of a resumed network is the engine's.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMnist } from '@core/data/mnist';
import { Network } from '@core/engine/network';
import { Rng } from '@core/engine/rng';
import type { NetworkSpec } from '@core/engine/spec';
import type { StartModel } from '@core/lab/contract';
import type { LabService } from '@core/service/lab-service';
import { loadOnnxModel } from '@core/model/imports/import-files';
import { buildModelFile } from '@core/model/model-file';
import { saveModelFile } from '@core/model/model-files';
import { PIXELS_0_1 } from '@core/service/models/start-models';
import { withScaling } from '@core/service/worker/start-scaling';
import { DEFAULT_TRAIN_SETTINGS } from '@core/engine/spec';
import { fakeWorkers } from '../fake-worker';
import { makeService, quickRun, stubDialogs, tempDataDir } from '../helpers';

const ONNX = join(__dirname, '../../../fixtures/onnx/flatten-relu-softmax.onnx');
const tmp = tempDataDir();
const opens: (string | null)[] = [];
const fakes = fakeWorkers();
let service: LabService;

beforeAll(() => {
  service = makeService(tmp.dir, { dialogs: stubDialogs([], opens), workerFactory: fakes.factory });
});
afterAll(async () => {
  await service.dispose();
  tmp.remove();
});

/** The fake worker of run `id` (once the run leaves the queue). */
async function workerOf(id: string) {
  await expect.poll(() => fakes.workers.has(id)).toBe(true);
  return fakes.workers.get(id)!;
}

/** Ends run `id` as a finished one, so the next run leaves the queue. */
async function finish(id: string): Promise<void> {
  const worker = await workerOf(id);
  worker.ready();
  await worker.finish('done');
}

async function openStart(path: string): Promise<StartModel> {
  opens.push(path);
  const result = await service.openStartModel();
  if (result.status !== 'opened') throw new Error(`expected the model to open, got ${JSON.stringify(result)}`);
  return result.start;
}

describe('openStartModel and startRun from it', () => {
  it('opens an ONNX model that does not say its scaling with scaling null, and refuses a run from it until one is chosen', async () => {
    const start = await openStart(ONNX);
    expect(start).toMatchObject({ name: 'flatten-relu-softmax.onnx', format: 'onnx', scaling: null, epochs: 0 });
    const request = quickRun({ spec: start.spec, start: { startId: start.startId, scaling: 'file' } });
    await expect(service.startRun(request)).rejects.toThrow(
      /does not say how its inputs are scaled: choose the dataset's scaling, 0–1 pixels or none/,
    );

    const { id } = await service.startRun({ ...request, start: { startId: start.startId, scaling: 'pixels' } });
    const data = (await workerOf(id)).data;
    const model = (await loadOnnxModel(ONNX, 'test', async () => ({ kind: 'none' }))).model.net;
    expect(data.resume!.history).toEqual([]);
    expect(data.resume!.weights.w.map((w) => [...w])).toEqual(model.w.slice(1).map((w) => [...w]));
    expect(data.resume!.weights.b.map((b) => [...b])).toEqual(model.b.slice(1).map((b) => [...b]));
    expect(data.scalingParams).toEqual(PIXELS_0_1);
    await finish(id);

    // The dataset's scaling: the weights, and no scaling of the model's own.
    const fitted = await service.startRun({ ...request, start: { startId: start.startId, scaling: 'dataset' } });
    expect((await workerOf(fitted.id)).data.scalingParams).toBeUndefined();
    expect((await workerOf(fitted.id)).data.resume).toBeDefined();
    await finish(fitted.id);
  });

  it('refuses a design whose layers no longer fit the weights, and a start model that is not open', async () => {
    const start = await openStart(ONNX);
    const other: NetworkSpec = { ...start.spec, layers: [{ units: 17, activation: 'relu' }, start.spec.layers[1]!] };
    await expect(service.startRun(quickRun({ spec: other, start: { startId: start.startId, scaling: 'none' } }))).rejects.toThrow(
      /layers are no longer those of flatten-relu-softmax\.onnx/,
    );
    await expect(service.startRun(quickRun({ spec: start.spec, start: { startId: 'gone00', scaling: 'none' } }))).rejects.toThrow(
      /no longer open: choose it again/,
    );
  });

  it("uses a Fathom model's own scaling (the only choice then) and its weights", async () => {
    const spec = quickRun().spec;
    const net = Network.create(spec, new Rng(9));
    const scaling = { kind: 'z-score' as const, per: 'global' as const, mean: [33.3], std: [78.5] };
    const file = buildModelFile(net, {
      scaling,
      settings: DEFAULT_TRAIN_SETTINGS,
      dataset: { name: 'MNIST', inputShape: [28, 28], classes: [], sizes: { train: 0, test: 0 }, files: [] },
      history: [],
      appVersion: 'test',
    });
    const path = join(tmp.dir, 'start.fathom.json');
    await saveModelFile(path, file);
    const start = await openStart(path);
    expect(start).toMatchObject({ format: 'fathom', scaling });
    await expect(service.startRun(quickRun({ start: { startId: start.startId, scaling: 'pixels' } }))).rejects.toThrow(/uses that scaling/);
    const { id } = await service.startRun(quickRun({ start: { startId: start.startId, scaling: 'file' } }));
    const data = (await workerOf(id)).data;
    expect(data.scalingParams).toEqual(scaling);
    expect([...data.resume!.weights.w[0]!]).toEqual([...net.w[1]!]);
    await finish(id);
  });

  it('reports a file that is not a model, naming the file, and keeps nothing', async () => {
    const path = join(tmp.dir, 'notes.onnx');
    writeFileSync(path, 'not a protobuf');
    opens.push(path);
    const result = await service.openStartModel();
    expect(result).toMatchObject({ status: 'failed', message: expect.stringMatching(/^notes\.onnx/) });
    opens.push(null);
    expect(await service.openStartModel()).toEqual({ status: 'cancelled' });
  });
});

describe('withScaling (the worker of a run from a model file)', () => {
  it("rescales image samples from their bytes with the model's scaling, and keeps a dataset already scaled so", () => {
    const mnist = loadMnist({ trainLimit: 20, testLimit: 5 });
    const rescaled = withScaling(mnist, PIXELS_0_1);
    expect(rescaled.scaling).toEqual(PIXELS_0_1);
    const bytes = mnist.train.raw!.values;
    for (const i of [0, 150, 300, 783 + 784 * 3]) expect(rescaled.train.inputs[i]).toBe(Math.fround(bytes[i]! / 255));
    expect(rescaled.test.count).toBe(5);
    expect(withScaling(rescaled, PIXELS_0_1)).toBe(rescaled);
    const none = withScaling(mnist, { kind: 'none' });
    expect(none.test.inputs[200]).toBe(mnist.test.raw!.values[200]);
  });

  it('refuses to rescale samples that keep only their scaled values', () => {
    const mnist = loadMnist({ trainLimit: 4, testLimit: 2 });
    const table = { ...mnist, train: { ...mnist.train, inputs: mnist.train.inputs } };
    expect(() => withScaling(table, { kind: 'none' })).toThrow(/keeps only its scaled values/);
  });
});
