/**
 * Sweeps and the learning-rate finder of a design started from a model file start from it, as its
 * run would: every run of a sweep from the file's weights (the same ones) and scaling, and the range
 * test from those weights; a sweep that varies the layers (which the weights no longer fit) is
 * refused with the reason, and nothing is queued.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Network } from '@core/engine/network';
import { Rng } from '@core/engine/rng';
import { DEFAULT_TRAIN_SETTINGS } from '@core/engine/spec';
import type { StartModel, StartSweepRequest } from '@core/lab/contract';
import type { LabService } from '@core/service/lab-service';
import { loadOnnxModel } from '@core/model/imports/import-files';
import { buildModelFile } from '@core/model/model-file';
import { saveModelFile } from '@core/model/model-files';
import { PIXELS_0_1 } from '@core/service/models/start-models';
import type { TrainWorkerData } from '@core/service/worker/protocol';
import { fakeWorkers } from '../fake-worker';
import { makeService, quickRun, stubDialogs, tempDataDir } from '../helpers';
import { trainWorkerFactory } from '../tsx-worker';

const ONNX = join(__dirname, '../../../fixtures/onnx/flatten-relu-softmax.onnx');
const tmp = tempDataDir();
const services: LabService[] = [];
afterAll(async () => {
  for (const service of services) await service.dispose();
  tmp.remove();
});

async function openStart(service: LabService, opens: string[], path: string): Promise<StartModel> {
  opens.push(path);
  const result = await service.openStartModel();
  if (result.status !== 'opened') throw new Error(`expected the model to open, got ${JSON.stringify(result)}`);
  return result.start;
}

describe('A sweep of a design from a model file', () => {
  it('starts every run from the same file weights and scaling, and refuses to vary the layers', async () => {
    const opens: string[] = [];
    const fakes = fakeWorkers();
    const service = makeService(join(tmp.dir, 'sweep'), {
      dialogs: stubDialogs([], opens),
      workerFactory: fakes.factory,
      maxConcurrent: 2,
    });
    services.push(service);
    const start = await openStart(service, opens, ONNX);
    const {
      name: _name,
      validation: _validation,
      ...base
    } = quickRun({ spec: start.spec, start: { startId: start.startId, scaling: 'pixels' } });
    const request: StartSweepRequest = { ...base, axes: [{ setting: 'lr', values: { kind: 'list', values: [0.5, 3] } }] };

    const units: StartSweepRequest = { ...request, axes: [{ setting: 'units', layer: 2, values: { kind: 'list', values: [8, 16] } }] };
    await expect(service.startSweep(units)).rejects.toThrow(
      /A sweep from a model file cannot vary units2: the file's weights fit its own layers only/,
    );
    expect(await service.listRuns()).toEqual([]);

    const { runIds } = await service.startSweep(request);
    expect(runIds).toHaveLength(2);
    const model = (await loadOnnxModel(ONNX, 'test', async () => ({ kind: 'none' }))).model.net;
    for (const id of runIds) {
      await expect.poll(() => fakes.workers.has(id)).toBe(true);
      const { data } = fakes.workers.get(id)!;
      expect(data.resume!.history).toEqual([]);
      expect(data.resume!.weights.w.map((w) => [...w])).toEqual(model.w.slice(1).map((w) => [...w]));
      expect(data.scalingParams).toEqual(PIXELS_0_1);
      expect(data.startedFrom).toEqual({ name: 'flatten-relu-softmax.onnx', format: 'onnx' });
      const worker = fakes.workers.get(id)!;
      worker.ready();
      await worker.finish('done');
    }
    const runs = await service.listRuns();
    expect(runs.map((r) => r.startedFrom?.choice)).toEqual(['pixels', 'pixels']);
    expect(runs.map((r) => r.settings.learningRate).sort()).toEqual([0.5, 3]);
  });
});

describe('The learning-rate finder of a design from a model file', () => {
  it("runs the range test from the file's weights and scaling", async () => {
    // A model whose weights are all 0: every sigmoid output is ½, so under the quadratic cost the
    // first batch's loss is ½·(9·¼ + ¼) = 1.25 whatever the inputs; the seed's weights give another.
    const spec = quickRun().spec;
    const net = Network.create(spec, new Rng(9));
    net.setParameters(
      net.w.map((w) => new Float32Array(w.length)),
      net.b.map((b) => new Float32Array(b.length)),
    );
    const scaling = { kind: 'z-score' as const, per: 'global' as const, mean: [33.3], std: [78.5] };
    const file = buildModelFile(net, {
      scaling,
      settings: DEFAULT_TRAIN_SETTINGS,
      dataset: { name: 'MNIST', inputShape: [28, 28], classes: [], sizes: { train: 0, test: 0 }, files: [] },
      history: [],
      appVersion: 'test',
    });
    const path = join(tmp.dir, 'zeros.fathom.json');
    await saveModelFile(path, file);

    const opens: string[] = [];
    const started: TrainWorkerData[] = [];
    const service = makeService(join(tmp.dir, 'finder'), {
      dialogs: stubDialogs([], opens),
      workerFactory: (data) => {
        started.push(data);
        return trainWorkerFactory(data);
      },
    });
    services.push(service);
    const start = await openStart(service, opens, path);
    const { name: _name, testLimit: _testLimit, ...run } = quickRun({ spec });
    const fromFile = await service.findLearningRate({
      ...run,
      finderId: 'from-file',
      batches: 60,
      start: { startId: start.startId, scaling: 'file' },
    });
    const fromSeed = await service.findLearningRate({ ...run, finderId: 'from-seed', batches: 60 });
    if (fromFile.status !== 'found' || fromSeed.status !== 'found') throw new Error('expected both finders to find');
    expect(fromFile.result.points[0]!.loss).toBeCloseTo(1.25, 5);
    expect(Math.abs(fromSeed.result.points[0]!.loss - 1.25)).toBeGreaterThan(0.01);
    expect(started[0]!.scalingParams).toEqual(scaling);
    expect(started[1]!.scalingParams).toBeUndefined();
  });
});
