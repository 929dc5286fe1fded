/**
 * What a run's record keeps of what happened to it: η changed by hand (the base η and schedule
 * untouched, the change carried over to a new worker), pauses, resumes, steps, roll-backs; run
 * numbers, start times and names.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEvent, StartRunRequest } from '@core/lab/contract';
import { LearningRateSchedule, type ScheduleSettings } from '@core/engine/schedules';
import { renameRunSchema } from '@core/lab/schemas';
import { DatasetService, libraryRoot } from '@core/service/datasets/dataset-service';
import { RunManager, type RunManagerOptions } from '@core/service/runs/run-manager';
import { workerSettings } from '@core/service/runs/record-events';
import type { RunRecord } from '@core/service/runs/run-store';
import type { WorkerMessage } from '@core/service/worker/protocol';
import { fakeReport, fakeWorkers, filledWeights, type FakeWorker } from '../fake-worker';
import { quickRun, tempDataDir } from '../helpers';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp(options: Partial<RunManagerOptions> = {}) {
  let dataDir = options.dataDir;
  if (!dataDir) {
    const tmp = tempDataDir();
    cleanups.push(() => tmp.remove());
    dataDir = tmp.dir;
  }
  const fakes = fakeWorkers();
  const events: RunEvent[] = [];
  const manager = new RunManager({
    dataDir,
    workerFactory: fakes.factory,
    maxConcurrent: 2,
    cores: 4,
    now: () => new Date('2026-01-02T03:04:05Z'),
    clock: () => 0,
    checkpointIntervalMs: 1000,
    emit: (event) => {
      if ('runId' in event) events.push(event);
    },
    datasets: new DatasetService({ root: libraryRoot(dataDir), emit: () => undefined }),
    sha256: async () => '0'.repeat(64),
    worker: {},
    stopTimeoutMs: 1000,
    ...options,
  });
  const loaded = manager.load();
  await loaded;
  let closed = false;
  const shutDown = async () => {
    if (!closed) await manager.shutDown(loaded);
    closed = true;
  };
  cleanups.push(shutDown);
  const saved = (id: string): RunRecord => JSON.parse(readFileSync(join(dataDir, 'runs', `${id}.json`), 'utf8'));
  return { dataDir, fakes, events, manager, shutDown, saved };
}

function startTraining(manager: RunManager, workers: Map<string, FakeWorker>, epochs: number, request: StartRunRequest) {
  const { id } = manager.start(request);
  const worker = workers.get(id)!;
  worker.ready();
  for (let epoch = 1; epoch <= epochs; epoch++)
    worker.epoch(fakeReport(request.spec, epoch, 0.5, true), filledWeights(request.spec, epoch / 100));
  return { id, worker };
}

/** The worker's progress after `batch` batches of `epoch` (the fake's data: 2000 images in batches of 10). */
function progress(worker: FakeWorker, epoch: number, batch: number, learningRate: number): void {
  worker.post({
    type: 'progress',
    progress: {
      epoch,
      batch,
      batchesPerEpoch: 200,
      samplesPerSecond: 1000,
      learningRate,
      points: [{ step: 1, loss: 1 }],
      gradientNorms: [1, 1],
    },
  } as WorkerMessage);
}

describe('run record events', () => {
  it('records a change of η where it happened, keeps the base η, tells the window and saves it', async () => {
    const { manager, fakes, events, saved, dataDir } = await setUp();
    const { id, worker } = startTraining(manager, fakes.workers, 3, quickRun({ name: undefined }));
    expect(manager.summary(id).name).toBe('784-16-10 sgd η=3');
    progress(worker, 4, 50, 3);
    await manager.setLearningRate({ runId: id, learningRate: 0.5 });
    expect(worker.commands.at(-1)).toMatchObject({ type: 'set-learning-rate', learningRate: 0.5 });

    const summary = manager.summary(id);
    expect(summary.settings.learningRate).toBe(3);
    const change = { kind: 'learning-rate', epoch: 4, batch: 50, batchesPerEpoch: 200, from: 3, to: 0.5, scheduled: 3 };
    expect(summary.events).toEqual([{ ...change, time: '2026-01-02T03:04:05.000Z', detail: 'η 3 → 0.5 at batch 50 of epoch 4' }]);
    // Its automatic name no longer claims the one η it started with.
    expect(summary.name).toBe('784-16-10 sgd η=3→0.5');
    expect(events.filter((e) => e.type === 'record')).toEqual([
      { type: 'record', runId: id, event: summary.events![0], name: summary.name },
    ]);
    await manager.settled();
    expect(saved(id).summary).toMatchObject({ name: '784-16-10 sgd η=3→0.5', events: [change] });
    expect(dataDir).toBeTruthy();
  });

  it('keeps a name given by hand when η changes', async () => {
    const { manager, fakes } = await setUp();
    const { id } = startTraining(manager, fakes.workers, 1, quickRun({ name: 'mine' }));
    await manager.setLearningRate({ runId: id, learningRate: 1 });
    expect(manager.summary(id).name).toBe('mine');
  });

  it('records pauses, single steps and resumes at the batch they happened', async () => {
    const { manager, fakes } = await setUp();
    const { id, worker } = startTraining(manager, fakes.workers, 1, quickRun());
    progress(worker, 2, 7, 3);
    await manager.pause({ runId: id });
    progress(worker, 2, 8, 3); // the step's batch, reported before its ack
    await manager.step({ runId: id });
    await manager.resume({ runId: id });
    expect(manager.summary(id).events!.map(({ kind, epoch, batch, detail }) => ({ kind, epoch, batch, detail }))).toEqual([
      { kind: 'pause', epoch: 2, batch: 7, detail: 'paused' },
      { kind: 'step', epoch: 2, batch: 8, detail: 'one batch (batch 8 of epoch 2)' },
      { kind: 'resume', epoch: 2, batch: 8, detail: 'resumed' },
    ]);
  });

  it('a run paused by the lab says why in its pause event', async () => {
    const { manager, fakes } = await setUp();
    const { id, worker } = startTraining(manager, fakes.workers, 1, quickRun());
    worker.post({ type: 'status', status: 'paused', message: 'Paused: the disk is full. Free some space.' } as WorkerMessage);
    expect(manager.summary(id).events).toMatchObject([{ kind: 'pause', epoch: 2, batch: 0, detail: 'paused: Paused: the disk is full.' }]);
  });

  it('a scheduled run resumed after the lab closed keeps its schedule, scaled as the change by hand left it (not restarted from the manual η)', async () => {
    const schedule: ScheduleSettings = { kind: 'step', warmupEpochs: 0, decay: 0.5, every: 1, minLearningRate: 0.01, patience: 0 };
    const request = quickRun({ settings: { learningRate: 1, epochs: 10, schedule } });
    const first = await setUp();
    const { id, worker } = startTraining(first.manager, first.fakes.workers, 2, request);
    // Epoch 3 starts at the schedule's 1 · 0.5² = 0.25; η is set to 0.1 there: the rest of the schedule is scaled by 0.4.
    await first.manager.setLearningRate({ runId: id, learningRate: 0.1 });
    expect(first.manager.summary(id).events).toMatchObject([{ epoch: 3, batch: 0, from: 0.25, to: 0.1, scheduled: 0.25 }]);
    expect(worker.commands.at(-1)).toMatchObject({ type: 'set-learning-rate', learningRate: 0.1 });
    await first.shutDown();

    const second = await setUp({ dataDir: first.dataDir });
    expect(second.manager.summary(id).settings).toMatchObject({ learningRate: 1, schedule });
    await second.manager.resume({ runId: id });
    const resumed = second.fakes.workers.get(id)!;
    expect(resumed.data.settings.learningRate).toBeCloseTo(0.4, 12);
    expect(resumed.data.settings.schedule).toMatchObject({ kind: 'step', decay: 0.5, minLearningRate: expect.closeTo(0.004, 12) });
    // The new worker's schedule gives from epoch 3 on what the old one gave after the change.
    const rates = new LearningRateSchedule(resumed.data.settings.learningRate, resumed.data.settings.schedule!, 10, 200);
    expect([3, 4, 5].map((epoch) => rates.rate({ epoch, batch: 0 }))).toEqual([0.1, 0.05, 0.025].map((r) => expect.closeTo(r, 12)));
    expect(second.manager.summary(id).events!.map((e) => e.kind)).toEqual(['learning-rate', 'resume']);
  });

  it('a roll-back is an event that sets η from the epoch it went back to, the base η kept', async () => {
    const { manager, fakes } = await setUp();
    const { id } = startTraining(manager, fakes.workers, 3, quickRun());
    await manager.pause({ runId: id });
    await manager.resumeFromEpoch({ runId: id, epoch: 1, learningRate: 0.25 });
    const summary = manager.summary(id);
    expect(summary.settings.learningRate).toBe(3);
    expect(summary.events!.at(-1)).toMatchObject({
      kind: 'rollback',
      epoch: 2,
      batch: 0,
      from: 3,
      to: 0.25,
      detail: 'back to epoch 1 from epoch 3, η 3 → 0.25',
    });
    expect(fakes.workers.get(id)!.data.settings.learningRate).toBe(0.25);
  });
});

describe('carrying a change of η to a new worker', () => {
  const kinds: ScheduleSettings[] = [
    { kind: 'constant', warmupEpochs: 0, decay: 0.5, every: 1, minLearningRate: 0, patience: 0 },
    { kind: 'exponential', warmupEpochs: 1, decay: 0.8, every: 1, minLearningRate: 0.05, patience: 0 },
    { kind: 'cosine', warmupEpochs: 0, decay: 0.5, every: 1, minLearningRate: 0.01, patience: 0 },
  ];
  for (const schedule of kinds)
    it(`gives every later batch of a ${schedule.kind} schedule the η the old worker's trainer would have`, () => {
      const base = 2;
      const old = new LearningRateSchedule(base, schedule, 10, 50);
      const at = { epoch: 4, batch: 20 };
      const scheduled = old.rate(at);
      old.setManual(0.3, at);
      const settings = quickRun({ settings: { learningRate: base, epochs: 10, schedule } }).settings;
      const record = {
        summary: { settings, events: [{ kind: 'learning-rate', ...at, time: '', detail: '', from: scheduled, to: 0.3, scheduled }] },
      } as unknown as RunRecord;
      const carried = workerSettings(record);
      const fresh = new LearningRateSchedule(carried.learningRate, carried.schedule!, 10, 50);
      for (const point of [at, { epoch: 4, batch: 49 }, { epoch: 7, batch: 3 }, { epoch: 10, batch: 49 }])
        expect(fresh.rate(point)).toBeCloseTo(old.rate(point), 12);
    });
});

describe('run numbers, start times and names', () => {
  it('numbers runs #1, #2… and dates their start; a record from before numbers gets the next one, saved', async () => {
    const first = await setUp();
    const a = startTraining(first.manager, first.fakes.workers, 1, quickRun({ name: 'a' }));
    const b = first.manager.start(quickRun({ name: 'b' }));
    expect([first.manager.summary(a.id).number, b.number]).toEqual([1, 2]);
    expect(first.manager.summary(a.id).startedAt).toBe('2026-01-02T03:04:05.000Z');
    await first.shutDown();
    // An old record: no number, no events.
    const path = join(first.dataDir, 'runs', `${a.id}.json`);
    const old = JSON.parse(readFileSync(path, 'utf8'));
    delete old.summary.number;
    delete old.summary.events;
    writeFileSync(path, JSON.stringify(old));

    const second = await setUp({ dataDir: first.dataDir });
    expect(second.manager.problems).toEqual([]);
    expect(second.manager.summary(a.id).number).toBe(3);
    expect(second.manager.summary(b.id).number).toBe(2);
    await second.manager.settled();
    expect(second.saved(a.id).summary.number).toBe(3);
    expect(second.manager.start(quickRun()).number).toBe(4);
  });

  it('renames a run (trimmed) and keeps the name; the schema refuses blank names and control characters', async () => {
    const { manager, fakes, saved } = await setUp();
    const { id } = startTraining(manager, fakes.workers, 1, quickRun());
    expect(manager.rename({ runId: id, name: '  wide net, η 3  ' }).name).toBe('wide net, η 3');
    await manager.settled();
    expect(saved(id).summary.name).toBe('wide net, η 3');
    expect(() => manager.rename({ runId: 'nope', name: 'x' })).toThrow('There is no run "nope".');
    expect(renameRunSchema.safeParse({ runId: id, name: 'bell\u0007' }).error?.issues[0]?.message).toBe('no control characters');
    expect(renameRunSchema.safeParse({ runId: id, name: '   ' }).error?.issues[0]?.message).toBe('a name cannot be blank');
  });
});
