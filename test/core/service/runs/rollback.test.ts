import { describe, it, expect, afterAll } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StartRunRequest } from '@core/lab/contract';
import { callLab } from '@core/lab/dispatch';
import type { LabService } from '@core/service/lab-service';
import { EventLog, makeService, quickRun, tempDataDir, reportsIn, endsEpoch } from '../helpers';
import { fakeReport, fakeWorkers, filledWeights } from '../fake-worker';
import { mnistSpec } from '../../../fixtures/specs';

/** ReLU into a linear output under MSE: trains at η = 0.01 and blows up at a huge η. */
function divergingRun(): StartRunRequest {
  const request = quickRun({ name: 'blows up', settings: { learningRate: 0.01, epochs: 1000 } });
  request.spec = mnistSpec({ activation: 'relu', output: 'linear', loss: 'mse', init: 'he' });
  return request;
}

/** Two sane epochs, then η = 1e5 until the NaN guard pauses the run. */
async function blowUp(lab: LabService, log: EventLog): Promise<string> {
  const { id } = await lab.startRun(divergingRun());
  await log.waitFor((e) => e.runId === id && endsEpoch(e, 2), 60_000, 'epoch 2');
  await lab.setLearningRate({ runId: id, learningRate: 1e5 });
  await log.waitFor((e) => e.runId === id && e.type === 'non-finite', 60_000, 'the NaN guard');
  await log.status(id, 'paused', 30_000);
  return id;
}

/** Rolls back to the suggested epoch at η = 0.01 and checks the run trains on from there, numbered on, and learns. */
async function rollBackAndTrain(lab: LabService, log: EventLog, id: string, dataDir: string): Promise<number> {
  const points = await lab.rollbackPoints({ runId: id });
  const before = (await lab.listRuns()).find((r) => r.id === id)!;
  const n = points.suggested;
  // The last finite weights are huge; an epoch from before the explosion is offered instead.
  expect(n).toBeGreaterThanOrEqual(1);
  expect(points.epochs).toContain(n);
  expect(points.reason).toContain(`Epoch ${n} is the latest saved epoch`);
  expect(Number.isFinite(before.history[n - 1]!.testLoss)).toBe(true);

  const seen = log.events.length;
  await lab.resumeFromEpoch({ runId: id, epoch: n, learningRate: 0.01 });
  await log.waitFor((e) => e.runId === id && endsEpoch(e, n + 3), 60_000, `epoch ${n + 3}`);
  await lab.pauseRun({ runId: id });
  await lab.settled();
  const after = log.events.slice(seen).filter((e) => e.runId === id);
  expect(after.some((e) => e.type === 'non-finite')).toBe(false);
  expect(after.flatMap((e) => reportsIn(e).map((r) => r.epoch)).slice(0, 3)).toEqual([n + 1, n + 2, n + 3]);
  expect(after.find((e) => e.type === 'status')).toMatchObject({
    status: 'queued',
    message: expect.stringContaining(`Went back to epoch ${n}`),
  });

  const run = (await lab.listRuns()).find((r) => r.id === id)!;
  expect(run.history.map((r) => r.epoch)).toEqual(Array.from({ length: run.history.length }, (_, i) => i + 1));
  expect(run.history[n + 2]!.testAccuracy).toBeGreaterThan(0.3); // it learns again (chance is 0.1)
  expect(run.settings.learningRate).toBe(0.01);
  expect(run.rollbacks).toEqual([{ at: expect.any(String), fromEpoch: before.history.length, toEpoch: n, learningRate: 0.01 }]);
  // No file of the abandoned epochs is left, and the record names only files that exist.
  const record = JSON.parse(readFileSync(join(dataDir, 'runs', `${id}.json`), 'utf8'));
  for (const name of [...record.checkpoints, record.latestModel]) expect(existsSync(join(dataDir, 'runs', id, name))).toBe(true);
  const files = readdirSync(join(dataDir, 'runs', id));
  expect(files).not.toContain('last-step.fathom.json');
  expect(record.rollbacks ?? record.summary.rollbacks).toHaveLength(1);
  return n;
}

describe('LabService: rolling a blown-up run back to a healthy epoch', () => {
  const tmp = tempDataDir();
  afterAll(() => tmp.remove());

  it('live: refuses a bad epoch and changes nothing, then goes back to the suggested epoch and trains on without NaN', async () => {
    const lab = makeService(tmp.dir);
    const log = new EventLog(lab);
    const id = await blowUp(lab, log);
    const before = (await lab.listRuns()).find((r) => r.id === id)!;
    const { epochs } = await lab.rollbackPoints({ runId: id });
    expect(epochs[0]).toBe(0);

    await expect(lab.resumeFromEpoch({ runId: id, epoch: 999, learningRate: 0.01 })).rejects.toThrow(
      `Run "blows up" has no saved weights for epoch 999: it can go back to epoch ${epochs.join(', ')} (0 = its initial weights).`,
    );
    await expect(callLab(lab, 'resumeFromEpoch', { runId: id, epoch: -1, learningRate: 0.01 })).rejects.toThrow(
      /epoch: epoch must be 0 \(the initial weights\) or a saved epoch/,
    );
    await expect(callLab(lab, 'resumeFromEpoch', { runId: id, epoch: 1.5, learningRate: 0.01 })).rejects.toThrow(
      /epoch: epoch must be a whole number/,
    );
    await expect(callLab(lab, 'resumeFromEpoch', { runId: id, learningRate: 0.01 })).rejects.toThrow(/epoch:/);
    const unchanged = (await lab.listRuns()).find((r) => r.id === id)!;
    expect(unchanged).toEqual(before);

    await rollBackAndTrain(lab, log, id, tmp.dir);
    // A running run must be paused first.
    await lab.resumeRun({ runId: id });
    await expect(lab.resumeFromEpoch({ runId: id, epoch: 1, learningRate: 0.01 })).rejects.toThrow(
      /is running: only a paused run can go back/,
    );
    await lab.dispose();
  }, 120_000);

  it('after a restart: the paused run goes back to the suggested epoch in a new worker and trains on', async () => {
    const a = makeService(tmp.dir);
    const id = await blowUp(a, new EventLog(a));
    await a.dispose();

    const b = makeService(tmp.dir);
    const log = new EventLog(b);
    expect((await b.listRuns()).find((r) => r.id === id)).toMatchObject({ status: 'paused' });
    const n = await rollBackAndTrain(b, log, id, tmp.dir);
    await b.dispose();

    // The record keeps what happened across another restart.
    const c = makeService(tmp.dir);
    expect((await c.listRuns()).find((r) => r.id === id)!.rollbacks).toMatchObject([{ toEpoch: n, learningRate: 0.01 }]);
    await c.dispose();
  }, 120_000);
});

describe('LabService: a roll-back whose new worker cannot start', () => {
  const tmp = tempDataDir();
  afterAll(() => tmp.remove());

  it('leaves the run paused at the epoch it went back to, with a clear message, and it can go back again', async () => {
    const fakes = fakeWorkers();
    let failNext = false;
    const lab = makeService(tmp.dir, {
      workerFactory: (data) => {
        if (failNext) throw new Error('no threads left');
        return fakes.factory(data);
      },
    });
    const request = quickRun({ name: 'staged', settings: { epochs: 1000 } });
    const { id } = await lab.startRun(request);
    const worker = fakes.workers.get(id)!;
    worker.ready();
    worker.epoch(fakeReport(request.spec, 1, 0.5, true), filledWeights(request.spec, 0.01));
    await worker.pauseItself('Paused: the loss became NaN');
    await lab.settled();

    failNext = true;
    await lab.resumeFromEpoch({ runId: id, epoch: 0, learningRate: 0.1 });
    const run = (await lab.listRuns())[0]!;
    expect(run.status).toBe('paused');
    expect(run.message).toMatch(/^Could not resume\. The training worker could not start: no threads left\. Nothing was lost/);
    expect(run.history).toEqual([]);
    await expect(lab.resumeRun({ runId: id })).rejects.toThrow(
      'has no saved weights to resume from: go back to epoch 0 (its initial weights) again, or stop it.',
    );
    expect((await lab.rollbackPoints({ runId: id })).epochs).toEqual([0]);

    failNext = false;
    await lab.resumeFromEpoch({ runId: id, epoch: 0, learningRate: 0.1 });
    expect((await lab.listRuns())[0]!.status).toBe('running');
    expect(fakes.workers.get(id)!.data.resume!.history).toEqual([]);
    await lab.dispose();
  });
});
