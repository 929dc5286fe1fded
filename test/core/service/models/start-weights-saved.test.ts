/**
 * A run from a model file writes the file's weights into its folder as its epoch-0 checkpoint, before
 * its first batch and whatever its checkpoint setting, naming the file it came from. So a lab that
 * stopped before epoch 1 (here: a new service on the folder of one that did not close, as after a
 * crash) resumes from the file's weights with the file's scaling, and going back to epoch 0 gives the
 * file's weights, not the seed's. On fake workers (which write their checkpoints with the real
 * checkpointer); the outputs are compared on a real network.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Network } from '@core/engine/network';
import { Rng } from '@core/engine/rng';
import type { StartRunRequest } from '@core/lab/contract';
import type { LabService } from '@core/service/lab-service';
import { loadOnnxModel } from '@core/model/imports/import-files';
import { loadModelFile } from '@core/model/model-files';
import { norm } from '@core/engine/trainer';
import { PIXELS_0_1 } from '@core/service/models/start-models';
import { initialWeightNorms } from '@core/service/runs/rollback-files';
import { applyWeights, snapshotWeights, type WeightsSnapshot } from '@core/service/worker/protocol';
import { fakeWorkers, type FakeWorker } from '../fake-worker';
import { makeService, quickRun, stubDialogs, tempDataDir } from '../helpers';

const ONNX = join(__dirname, '../../../fixtures/onnx/flatten-relu-softmax.onnx');
const tmp = tempDataDir();
const services: LabService[] = [];
afterAll(async () => {
  for (const service of services) await service.dispose();
  tmp.remove();
});

function service(fakes: ReturnType<typeof fakeWorkers>, opens: string[] = []): LabService {
  const made = makeService(tmp.dir, { dialogs: stubDialogs([], opens), workerFactory: fakes.factory });
  services.push(made);
  return made;
}

async function workerOf(fakes: ReturnType<typeof fakeWorkers>, id: string): Promise<FakeWorker> {
  await expect.poll(() => fakes.workers.has(id)).toBe(true);
  return fakes.workers.get(id)!;
}

/** The outputs of a network with these weights on a few fixed inputs. */
function outputs(request: StartRunRequest, weights: WeightsSnapshot): number[] {
  const net = Network.create(request.spec, new Rng(5));
  applyWeights(net, weights);
  return [0.1, 0.5, 0.9].flatMap((v) => [...net.predict(new Float32Array(net.spec.inputSize).fill(v))]);
}

describe('A run from a model file saves its start weights as epoch 0', () => {
  it('names the file, and a new lab resumes (and goes back to epoch 0) from those weights with their scaling', async () => {
    const fakesA = fakeWorkers();
    const a = service(fakesA, [ONNX]);
    const opened = await a.openStartModel();
    if (opened.status !== 'opened') throw new Error(JSON.stringify(opened));
    const { start } = opened;
    // best-and-last keeps no epoch 0 of its own: the start weights are kept anyway.
    const request = quickRun({
      spec: start.spec,
      checkpoints: { kind: 'best-and-last' },
      start: { startId: start.startId, scaling: 'pixels' },
    });
    const { id } = await a.startRun(request);
    const first = await workerOf(fakesA, id);
    expect(first.data.startedFrom).toEqual({ name: 'flatten-relu-softmax.onnx', format: 'onnx' });
    first.ready();
    first.initial(first.data.resume!.weights);
    await first.written();
    await a.settled();

    const record = JSON.parse(readFileSync(join(tmp.dir, 'runs', `${id}.json`), 'utf8'));
    expect(record.latestModel).toBe('checkpoint-epoch-0.fathom.json');
    expect(record.checkpoints).toEqual(['checkpoint-epoch-0.fathom.json']);
    expect(record.summary.startedFrom).toEqual({
      name: 'flatten-relu-softmax.onnx',
      format: 'onnx',
      choice: 'pixels',
      scaling: PIXELS_0_1,
    });
    const saved = await loadModelFile(join(tmp.dir, 'runs', id, 'checkpoint-epoch-0.fathom.json'));
    expect(saved.file.startedFrom).toEqual({ name: 'flatten-relu-softmax.onnx', format: 'onnx' });
    expect(saved.file.history).toEqual([]);
    const model = (await loadOnnxModel(ONNX, 'test', async () => ({ kind: 'none' }))).model.net;
    expect(saved.net.w.slice(1).map((w) => [...w])).toEqual(model.w.slice(1).map((w) => [...w]));
    // Which later epochs count as blown up is judged against the sizes of these weights, not the seed's.
    const seeded = snapshotWeights(Network.create(request.spec, new Rng(request.settings.seed)));
    const norms = await initialWeightNorms(tmp.dir, record);
    expect(norms).toEqual(snapshotWeights(model).w.map((w) => norm(w)));
    expect(norms).not.toEqual(seeded.w.map((w) => norm(w)));

    // The lab stops before epoch 1 without closing (a crash): the next one finds the run interrupted, resumable from epoch 0.
    const fakesB = fakeWorkers();
    const b = service(fakesB);
    const [run] = await b.listRuns();
    expect(run).toMatchObject({ id, status: 'paused', startedFrom: { name: 'flatten-relu-softmax.onnx', choice: 'pixels' } });
    expect(run!.message).toMatch(/from its checkpoint of epoch 0 and continues at epoch 1/);
    await b.resumeRun({ runId: id });
    const resumed = await workerOf(fakesB, id);
    expect(resumed.data.resume!.history).toEqual([]);
    expect(resumed.data.scalingParams).toEqual(PIXELS_0_1);
    expect(resumed.data.startedFrom).toEqual({ name: 'flatten-relu-softmax.onnx', format: 'onnx' });
    const expected = outputs(request, snapshotWeights(model));
    expect(outputs(request, resumed.data.resume!.weights)).toEqual(expected);

    // Paused after an epoch, it goes back to epoch 0: the file's weights again, not the seed's.
    resumed.ready();
    await resumed.pauseItself('paused for the test');
    await b.settled();
    await b.resumeFromEpoch({ runId: id, epoch: 0, learningRate: 0.5 });
    await expect.poll(() => fakesB.workers.get(id) !== resumed).toBe(true);
    const back = fakesB.workers.get(id)!;
    expect(outputs(request, back.data.resume!.weights)).toEqual(expected);
    const seeds = Network.create(request.spec, new Rng(request.settings.seed));
    expect(outputs(request, back.data.resume!.weights)).not.toEqual(outputs(request, snapshotWeights(seeds)));
  });
});
