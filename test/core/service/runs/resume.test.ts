import { describe, it, expect, afterAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModelFile } from '@core/model/model-files';
import type { StartRunRequest } from '@core/lab/contract';
import type { TrainWorkerData } from '@core/service/worker/protocol';
import { EventLog, makeService, quickRun, tempDataDir, reportsIn, endsEpoch } from '../helpers';
import { trainWorkerFactory } from '../tsx-worker';
import { fakeReport, fakeWorkers, filledWeights } from '../fake-worker';
import { snapshotWeights } from '@core/service/worker/protocol';
import { describeNonFinite } from '@core/service/worker/training-session';
import { Network } from '@core/engine/network';
import { Rng } from '@core/engine/rng';
import { mnistSpec } from '../../../fixtures/specs';

/** ReLU into a linear output under MSE: trains at a small η and blows up at a huge one. */
function divergingRun(): StartRunRequest {
  const request = quickRun({ name: 'diverges later', settings: { learningRate: 0.01, epochs: 1000 } });
  request.spec = mnistSpec({ activation: 'relu', output: 'linear', loss: 'mse', init: 'he' });
  return request;
}

const epochsOf = (log: EventLog, runId: string) => log.of(runId).flatMap((e) => reportsIn(e).map((r) => r.epoch));

describe('LabService: a run paused by the NaN guard survives a restart', () => {
  const tmp = tempDataDir();
  afterAll(() => tmp.remove());

  it('comes back paused with its reason, resumes from its last finite weights with a new η, and numbers its epochs on', async () => {
    const a = makeService(tmp.dir);
    const logA = new EventLog(a);
    const { id } = await a.startRun(divergingRun());
    await logA.waitFor((e) => e.runId === id && endsEpoch(e, 2), 60_000, 'epoch 2');
    await a.setLearningRate({ runId: id, learningRate: 1e5 });
    const paused = await logA.waitFor((e) => e.runId === id && e.type === 'status' && e.status === 'paused', 60_000, 'the NaN guard');
    const reason = paused.type === 'status' ? paused.message! : '';
    expect(reason).toMatch(/became NaN or infinite at epoch \d+/);
    const done = (await a.listRuns())[0]!.history.length;
    expect(done).toBeGreaterThanOrEqual(2);
    await a.dispose();

    // The record says it was paused, and why.
    const record = JSON.parse(readFileSync(join(tmp.dir, 'runs', `${id}.json`), 'utf8'));
    expect(record.interrupted).toEqual({ status: 'paused', message: reason });
    const lastStep = await loadModelFile(join(tmp.dir, 'runs', id, 'last-step.fathom.json'));

    const started: TrainWorkerData[] = [];
    const b = makeService(tmp.dir, {
      workerFactory: (data) => {
        started.push(data);
        return trainWorkerFactory(data);
      },
    });
    const logB = new EventLog(b);
    const [run] = await b.listRuns();
    expect(run).toMatchObject({ id, status: 'paused' });
    expect(run!.history).toHaveLength(done);
    expect(run!.message).toContain(reason);
    expect(run!.message).toMatch(new RegExp(`continues at epoch ${done + 1}`));
    expect(run!.message).toMatch(/Not restored: .*shuffled afresh/);
    await expect(b.stepRun({ runId: id })).rejects.toThrow(/resume it, then pause it to step/);
    await b.pauseRun({ runId: id }); // already paused: harmless

    await b.setLearningRate({ runId: id, learningRate: 0.001 });
    await b.resumeRun({ runId: id });
    await logB.status(id, 'running', 30_000);
    // The new worker starts from the saved finite weights, after the epochs done, with the new η.
    expect(started).toHaveLength(1);
    expect(started[0]!.settings.learningRate).toBe(0.001);
    expect(started[0]!.resume!.history.map((r) => r.epoch)).toEqual(Array.from({ length: done }, (_, i) => i + 1));
    expect(started[0]!.resume!.weights.w.map((w) => Array.from(w))).toEqual(lastStep.net.w.slice(1).map((w) => Array.from(w)));

    // Real last finite weights after a blow-up are large: the resumed run may trip the guard again,
    // but either way it trains epoch done + 1 (the staged test below trains on for good).
    await logB.waitFor(
      (e) => e.runId === id && (endsEpoch(e, done + 1) || (e.type === 'non-finite' && e.detail.epoch === done + 1)),
      30_000,
      `epoch ${done + 1}`,
    );
    expect(logB.of(id).some((e) => reportsIn(e).some((r) => r.epoch <= done) || (e.type === 'non-finite' && e.detail.epoch <= done))).toBe(
      false,
    );
    await b.stopRun({ runId: id });
    expect((await b.listRuns())[0]!.status).toBe('stopped');
    await b.dispose();
  });
});

describe('LabService: an interrupted run trains on after a restart', () => {
  const tmp = tempDataDir();
  afterAll(() => tmp.remove());

  it('a run the NaN guard paused at epoch 4 (staged with sane weights) resumes in a real worker at epoch 4 and trains on', async () => {
    // Service A on a fake worker: three epochs, then the guard pauses it, then the lab closes.
    const fakes = fakeWorkers();
    const a = makeService(tmp.dir, { workerFactory: fakes.factory });
    const request = quickRun({ name: 'staged', settings: { epochs: 1000 } });
    const { id } = await a.startRun(request);
    const worker = fakes.workers.get(id)!;
    worker.ready();
    for (let epoch = 1; epoch <= 3; epoch++)
      worker.epoch(fakeReport(request.spec, epoch, 0.1 * epoch, true), filledWeights(request.spec, 0.01));
    const reason = describeNonFinite({ what: 'loss', epoch: 4, batch: 7 }, 2, 3);
    worker.post({ type: 'non-finite', detail: { what: 'loss', epoch: 4, batch: 7 }, message: reason });
    await worker.pauseItself(reason);
    // The last finite weights, sent back when the lab stops it: a fresh random network's (equal weights could not break symmetry).
    worker.weights = snapshotWeights(Network.create(request.spec, new Rng(5)));
    await a.dispose();

    const b = makeService(tmp.dir);
    const log = new EventLog(b);
    const [run] = await b.listRuns();
    expect(run).toMatchObject({ status: 'paused', message: expect.stringContaining(reason) });
    expect(run!.message).toMatch(/from the weights it had when the lab closed and continues at epoch 4/);
    await b.setLearningRate({ runId: id, learningRate: 2.5 });
    await b.resumeRun({ runId: id });
    await log.waitFor((e) => e.runId === id && endsEpoch(e, 5), 60_000, 'epoch 5');
    expect(epochsOf(log, id).slice(0, 2)).toEqual([4, 5]);
    await b.pauseRun({ runId: id });
    await b.settled();
    const summary = (await b.listRuns())[0]!;
    expect(summary.history.map((r) => r.epoch).slice(0, 5)).toEqual([1, 2, 3, 4, 5]);
    expect(summary.history[4]!.testAccuracy).toBeGreaterThan(0.3); // it learns (chance is 0.1)
    const progress = log.of(id).find((e) => e.type === 'progress');
    // Loss points number on too: epoch 4 starts at batch 3 × 200 + 1.
    expect(progress).toMatchObject({ learningRate: 2.5 });
    expect(progress?.type === 'progress' && progress.points[0]!.step).toBe(3 * 200 + 1);
    await b.dispose();
  });
});
