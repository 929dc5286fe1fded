import { describe, it, expect, afterAll } from 'vitest';
import { Worker } from 'node:worker_threads';
import type { WorkerFactory } from '@core/service/lab-service';
import { EventLog, makeService, quickRun, tempDataDir } from '../helpers';
import { recordingFactory, trainWorkerFactory } from '../tsx-worker';

const statuses = (log: EventLog, runId: string) => log.of(runId).flatMap((e) => (e.type === 'status' ? [e.status] : []));

describe('LabService: several runs', () => {
  const dirs: ReturnType<typeof tempDataDir>[] = [];
  const dataDir = () => dirs[dirs.push(tempDataDir()) - 1]!.dir;
  afterAll(() => dirs.forEach((d) => d.remove()));

  it('trains two runs at once and queues a third until a slot frees up', async () => {
    const service = makeService(dataDir(), { maxConcurrent: 2 });
    const log = new EventLog(service);
    const long = quickRun({ settings: { epochs: 1000 } });
    const a = await service.startRun({ ...long, name: 'a' });
    const b = await service.startRun({ ...long, name: 'b' });
    const c = await service.startRun({ ...long, name: 'c' });
    expect([a.status, b.status, c.status]).toEqual(['running', 'running', 'queued']);
    expect(c.queuePosition).toBe(1);

    // Both train at the same time: each streams progress while the other is still running.
    await log.waitFor((e) => e.runId === a.id && e.type === 'progress', 30_000, 'progress of a');
    await log.waitFor((e) => e.runId === b.id && e.type === 'progress', 30_000, 'progress of b');
    const runs = await service.listRuns();
    expect(runs.map((r) => r.status)).toEqual(['running', 'running', 'queued']);
    expect(runs[2]!.queuePosition).toBe(1);
    expect(log.of(c.id).some((e) => e.type === 'progress')).toBe(false);

    // A paused run keeps its slot; a stopped one frees it for the queue.
    await service.pauseRun({ runId: a.id });
    expect((await service.listRuns())[2]!.status).toBe('queued');
    await service.stopRun({ runId: a.id });
    await log.status(c.id, 'running', 10_000);
    await log.waitFor((e) => e.runId === c.id && e.type === 'progress', 30_000, 'progress of c');
    expect(statuses(log, c.id)).toEqual(['queued', 'running']);

    await service.dispose();
    expect(statuses(log, b.id).at(-1)).toBe('stopped');
    expect(statuses(log, c.id).at(-1)).toBe('stopped');
  });

  it('fails only the run whose worker dies; the others carry on', async () => {
    const recorder = recordingFactory();
    let started = 0;
    // The third worker crashes as it starts.
    const factory: WorkerFactory = (data) =>
      ++started === 3 ? new Worker('throw new Error("boom: out of memory")', { eval: true, workerData: data }) : recorder.factory(data);
    const service = makeService(dataDir(), { workerFactory: factory, maxConcurrent: 3 });
    const log = new EventLog(service);
    const victim = await service.startRun(quickRun({ name: 'victim', settings: { epochs: 1000 } }));
    const survivor = await service.startRun(quickRun({ name: 'survivor', settings: { epochs: 2 } }));
    const crasher = await service.startRun(quickRun({ name: 'crasher' }));

    await log.waitFor((e) => e.runId === victim.id && e.type === 'progress', 30_000, 'progress of the victim');
    await recorder.workers.get(victim.id)!.terminate();

    const failed = await log.status(victim.id, 'failed', 10_000);
    expect(failed.type === 'status' && failed.message).toMatch(/stopped unexpectedly: it exited with code 1/);
    const crashed = await log.status(crasher.id, 'failed', 10_000);
    expect(crashed.type === 'status' && crashed.message).toMatch(/crashed: boom: out of memory/);
    await log.status(survivor.id, 'finished', 60_000);
    expect((await service.listRuns()).map((r) => [r.name, r.status])).toEqual([
      ['victim', 'failed'],
      ['survivor', 'finished'],
      ['crasher', 'failed'],
    ]);

    // The service still works after the crashes.
    const next = await service.startRun(quickRun({ name: 'next', settings: { epochs: 1 } }));
    await log.status(next.id, 'finished', 60_000);
    await service.dispose();
  });

  it('a run that cannot train fails with the reason (not a crash)', async () => {
    const service = makeService(dataDir(), { workerFactory: trainWorkerFactory });
    const log = new EventLog(service);
    const mape = quickRun({ name: 'bad', datasetId: 'mnist' });
    mape.spec.loss = 'mape'; // one-hot targets are 0: MAPE divides by them, so startRun refuses it before queuing
    await expect(service.startRun(mape)).rejects.toThrow(/MAPE divides by each target value/);
    // A limit of 0 passes startRun when called directly (the IPC schema would refuse it) and fails in the worker's data loading.
    const { id } = await service.startRun(quickRun({ name: 'bad', datasetId: 'mnist', trainLimit: 0 }));
    const end = await log.waitFor(
      (e) => e.runId === id && e.type === 'status' && (e.status === 'failed' || e.status === 'finished'),
      60_000,
      'the end',
    );
    await service.dispose();
    expect(end).toMatchObject({ status: 'failed', message: expect.stringMatching(/^Training failed: .*trainLimit/) });
  });
});

describe('LabService: throttled progress', () => {
  const tmp = tempDataDir();
  afterAll(() => tmp.remove());

  it('sends at most ~20 progress messages a second at full speed, losing no loss point', async () => {
    const service = makeService(tmp.dir);
    const log = new EventLog(service);
    const request = quickRun({ settings: { epochs: 1000, batchSize: 1 }, testLimit: 100 });
    request.spec.layers = [{ units: 10, activation: 'sigmoid' }];
    const { id } = await service.startRun(request);
    const first = await log.waitFor((e) => e.runId === id && e.type === 'progress', 30_000, 'progress');
    const start = first.at;
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await service.stopRun({ runId: id });
    const progress = log.events.filter((e) => e.runId === id && e.type === 'progress' && e.at >= start && e.at < start + 3000);
    const epochs = log.events.filter((e) => e.runId === id && e.type === 'epoch');
    const points = log.of(id).flatMap((e) => (e.type === 'progress' ? e.points.map((p) => p.step) : []));
    await service.dispose();

    expect(progress.length).toBeLessThanOrEqual(3 * 20 + 1);
    expect(progress.length).toBeGreaterThan(10);
    expect(epochs.length).toBeGreaterThan(1); // epochs are short here, yet they do not add messages
    expect(points.length).toBeGreaterThan(2000);
    expect(points).toEqual(Array.from({ length: points.length }, (_, i) => i + 1));
  });
});
