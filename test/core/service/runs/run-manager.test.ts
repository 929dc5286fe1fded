/**
 * The run manager on its own, with fake workers the test drives by hand: which phases each verb
 * acts on, the moves the workers' reports make, and the moves that must be refused (changing nothing).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEvent, RunStatus, StartRunRequest } from '@core/lab/contract';
import { DatasetService, libraryRoot } from '@core/service/datasets/dataset-service';
import { RunManager, type RunManagerOptions } from '@core/service/runs/run-manager';
import { fakeReport, fakeWorkers, filledWeights, type FakeWorker } from '../fake-worker';
import { quickRun, tempDataDir } from '../helpers';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A manager on fake workers over a data folder (a fresh one unless given), and every status event it sends. */
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
    maxConcurrent: 1,
    cores: 4,
    now: () => new Date('2026-01-02T03:04:05Z'),
    clock: () => 0,
    checkpointIntervalMs: 1000,
    emit: (event) => {
      if ('runId' in event) events.push(event); // runs' events only
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
  const statuses = (runId: string): RunStatus[] => events.flatMap((e) => (e.type === 'status' && e.runId === runId ? [e.status] : []));
  const status = (runId: string): RunStatus => manager.summary(runId).status;
  return { dataDir, fakes, events, manager, statuses, status, shutDown };
}

/** Starts a run and has its fake worker load its data and finish `epochs` epochs (a checkpoint each). */
function startTraining(manager: RunManager, workers: Map<string, FakeWorker>, epochs = 0, request: StartRunRequest = quickRun()) {
  const { id } = manager.start(request);
  const worker = workers.get(id)!;
  worker.ready();
  for (let epoch = 1; epoch <= epochs; epoch++)
    worker.epoch(fakeReport(request.spec, epoch, 0.5, true), filledWeights(request.spec, epoch / 100));
  return { id, worker };
}

describe('RunManager: the phases a verb acts on', () => {
  it('queues a run and starts it in a worker at once when a slot is free; it shows running while it loads', async () => {
    const { manager, fakes, statuses, status } = await setUp();
    const { id } = manager.start(quickRun());
    expect(statuses(id)).toEqual(['queued', 'running']);
    const worker = fakes.workers.get(id)!;
    expect(worker.data).toMatchObject({ runId: id, datasetId: 'mnist', threads: 'auto', cores: 4 });
    expect(worker.data.resume).toBeUndefined();
    worker.ready();
    expect(status(id)).toBe('running');
    expect(statuses(id)).toEqual(['queued', 'running']); // ready is no status change
  });

  it('keeps a second run queued until the first ends; a queued run can be stopped but not paused, resumed or stepped', async () => {
    const { manager, fakes, events, statuses, status } = await setUp();
    const first = startTraining(manager, fakes.workers);
    const second = manager.start(quickRun({ name: 'second' }));
    const third = manager.start(quickRun({ name: 'third' }));
    expect([second.status, second.queuePosition, third.queuePosition]).toEqual(['queued', 1, 2]);
    expect(fakes.workers.has(second.id)).toBe(false);

    await expect(manager.pause({ runId: second.id })).rejects.toThrow(
      'Run "second" is still queued; it can be paused once it has started.',
    );
    await expect(manager.resume({ runId: second.id })).rejects.toThrow(/is still queued; it can be resumed/);
    await expect(manager.step({ runId: second.id })).rejects.toThrow(/is still queued; it can be stepped/);
    await manager.setLearningRate({ runId: second.id, learningRate: 0.5 }); // taken while queued, as an event from its first batch
    expect(manager.summary(second.id).settings.learningRate).toBe(3);
    expect(manager.summary(second.id).events).toMatchObject([{ kind: 'learning-rate', epoch: 1, batch: 0, from: 3, to: 0.5 }]);

    await manager.stop({ runId: second.id });
    expect(manager.summary(second.id)).toMatchObject({ status: 'stopped', message: 'Stopped before it started.' });
    expect(manager.summary(third.id).queuePosition).toBe(1); // moved up
    expect(events.filter((e) => e.runId === third.id).at(-1)).toMatchObject({ status: 'queued', queuePosition: 1 });

    // The first run finishes; its worker exits and the third takes the slot.
    first.worker.post({ type: 'finished', reason: 'reached 2 epochs' });
    expect(status(first.id)).toBe('finished');
    expect(fakes.workers.has(third.id)).toBe(false); // its worker has not exited yet: the slot is still held
    first.worker.exit(0);
    await vi.waitFor(() => expect(fakes.workers.has(third.id)).toBe(true));
    expect(statuses(third.id)).toEqual(['queued', 'queued', 'running']);
    expect(statuses(first.id)).toEqual(['queued', 'running', 'finished']);
  });

  it('pauses, steps and resumes through the worker; refuses to step a running run or pause an ended one, sending nothing', async () => {
    const { manager, fakes, statuses, status } = await setUp();
    const { id, worker } = startTraining(manager, fakes.workers);
    await expect(manager.step({ runId: id })).rejects.toThrow('Run "quick" is running: pause it before stepping.');
    expect(worker.commands).toEqual([]);

    await manager.pause({ runId: id });
    expect(status(id)).toBe('paused');
    await manager.pause({ runId: id }); // already paused: nothing to do, nothing sent
    await manager.step({ runId: id });
    await manager.resume({ runId: id });
    await manager.resume({ runId: id }); // already running
    expect(worker.commands.map((c) => c.type)).toEqual(['pause', 'step', 'resume']);
    expect(statuses(id)).toEqual(['queued', 'running', 'paused', 'running']);

    await manager.stop({ runId: id });
    expect(status(id)).toBe('stopped');
    await manager.stop({ runId: id }); // stopping twice is harmless
    await expect(manager.resume({ runId: id })).rejects.toThrow('Run "quick" has stopped; it can no longer be resumed.');
    await expect(manager.pause({ runId: id })).rejects.toThrow(/has stopped; it can no longer be paused/);
    await expect(manager.step({ runId: id })).rejects.toThrow(/has stopped; it can no longer be stepped/);
    await expect(manager.setLearningRate({ runId: id, learningRate: 1 })).rejects.toThrow(
      /has stopped; its learning rate can no longer change/,
    );
    await expect(manager.resumeFromEpoch({ runId: id, epoch: 0, learningRate: 1 })).rejects.toThrow(
      'Run "quick" is stopped: only a paused run can go back to a saved epoch (pause it first).',
    );
    expect(worker.commands.map((c) => c.type)).toEqual(['pause', 'step', 'resume', 'stop']);
  });

  it('resumes no finished run', async () => {
    const { manager, fakes } = await setUp();
    const { id, worker } = startTraining(manager, fakes.workers, 2);
    worker.post({ type: 'finished', reason: 'reached 2 epochs' });
    worker.exit(0);
    await expect(manager.resume({ runId: id })).rejects.toThrow('Run "quick" has finished; it can no longer be resumed.');
    expect(worker.commands).toEqual([]);
  });

  it('refuses to send a running run back to an epoch, and changes nothing', async () => {
    const { manager, fakes, statuses } = await setUp();
    const { id, worker } = startTraining(manager, fakes.workers, 1);
    const before = manager.summary(id);
    await expect(manager.resumeFromEpoch({ runId: id, epoch: 1, learningRate: 0.1 })).rejects.toThrow(
      'Run "quick" is running: only a paused run can go back to a saved epoch (pause it first).',
    );
    expect(manager.summary(id)).toEqual(before);
    expect(worker.terminations).toBe(0);
    expect(statuses(id)).toEqual(['queued', 'running']);
  });

  it('answers every verb on a deleted run with "there is no run", and hears nothing more from its worker', async () => {
    const { manager, fakes, events, dataDir } = await setUp();
    const { id, worker } = startTraining(manager, fakes.workers, 1);
    await manager.delete({ runId: id });
    expect(worker.terminations).toBe(1);
    expect(manager.list()).toEqual([]);
    const after = events.length;
    worker.epoch(fakeReport(quickRun().spec, 2, 0.5, true), filledWeights(quickRun().spec, 0.02));
    worker.post({ type: 'status', status: 'paused' });
    expect(events.length).toBe(after);
    const noRun = `There is no run "${id}".`;
    await expect(manager.pause({ runId: id })).rejects.toThrow(noRun);
    await expect(manager.resume({ runId: id })).rejects.toThrow(noRun);
    await expect(manager.step({ runId: id })).rejects.toThrow(noRun);
    await expect(manager.stop({ runId: id })).rejects.toThrow(noRun);
    await expect(manager.setLearningRate({ runId: id, learningRate: 1 })).rejects.toThrow(noRun);
    await expect(manager.rollbackPoints({ runId: id })).rejects.toThrow(noRun);
    await expect(manager.resumeFromEpoch({ runId: id, epoch: 0, learningRate: 1 })).rejects.toThrow(noRun);
    await expect(manager.delete({ runId: id })).rejects.toThrow(noRun);
    await expect(manager.latestModelFile(id)).rejects.toThrow(noRun);
    expect(() => readFileSync(join(dataDir, 'runs', `${id}.json`))).toThrow(/ENOENT/);
  });
});

describe('RunManager: workers that stop', () => {
  it('fails a run whose worker crashes, and starts the next', async () => {
    const { manager, fakes, statuses } = await setUp();
    const { id, worker } = startTraining(manager, fakes.workers);
    const next = manager.start(quickRun({ name: 'next' }));
    worker.emit('error', new Error('out of memory'));
    worker.exit(1);
    await vi.waitFor(() => expect(statuses(id)).toEqual(['queued', 'running', 'failed']));
    expect(manager.summary(id).message).toBe('The training worker stopped unexpectedly: it crashed: out of memory.');
    await vi.waitFor(() => expect(statuses(next.id).at(-1)).toBe('running'));
  });

  it('fails a run whose worker cannot start, with the reason', async () => {
    const { manager } = await setUp({
      workerFactory: () => {
        throw new Error('no threads left');
      },
    });
    const { id } = manager.start(quickRun());
    expect(manager.summary(id)).toMatchObject({ status: 'failed', message: 'The training worker could not start: no threads left' });
  });

  it('goes back to an epoch: the old worker is ended (no crash), other verbs wait, and a new worker starts from that epoch', async () => {
    const { manager, fakes, statuses, status, dataDir } = await setUp();
    const { id, worker } = startTraining(manager, fakes.workers, 3); // a small run: every epoch's checkpoint is kept
    await manager.pause({ runId: id });
    await manager.rollbackPoints({ runId: id }); // waits for the checkpoints
    worker.holdTermination = true;
    const rollback = manager.resumeFromEpoch({ runId: id, epoch: 1, learningRate: 0.25 });
    await vi.waitFor(() => expect(worker.terminations).toBe(1));

    // While the old worker ends, the run is going back: shown paused, and nothing else may act on it.
    expect(status(id)).toBe('paused');
    const going = /Run "quick" is going back to a saved epoch; it can be .* once it has restarted\./;
    await expect(manager.resume({ runId: id })).rejects.toThrow(going);
    await expect(manager.step({ runId: id })).rejects.toThrow(going);
    await expect(manager.stop({ runId: id })).rejects.toThrow(going);
    await expect(manager.setLearningRate({ runId: id, learningRate: 9 })).rejects.toThrow(going);
    await expect(manager.resumeFromEpoch({ runId: id, epoch: 0, learningRate: 1 })).rejects.toThrow(going);
    worker.releaseTermination();
    await rollback;

    expect(statuses(id)).toEqual(['queued', 'running', 'paused', 'queued', 'running']);
    expect(statuses(id)).not.toContain('failed');
    const next = fakes.workers.get(id)!;
    expect(next).not.toBe(worker);
    expect(next.data.settings.learningRate).toBe(0.25);
    expect(next.data.resume!.history.map((r) => r.epoch)).toEqual([1]);
    expect(Array.from(next.data.resume!.weights.b[0]!.slice(0, 2))).toEqual([0.01, 0.01].map(Math.fround));
    const summary = manager.summary(id);
    expect(summary.history.map((r) => r.epoch)).toEqual([1]);
    expect(summary.rollbacks).toEqual([{ at: '2026-01-02T03:04:05.000Z', fromEpoch: 3, toEpoch: 1, learningRate: 0.25 }]);
    next.ready();
    await manager.rollbackPoints({ runId: id });
    const record = JSON.parse(readFileSync(join(dataDir, 'runs', `${id}.json`), 'utf8'));
    expect(record.summary.status).toBe('running');
    expect(record.interrupted).toBeUndefined();
  });

  it('puts a run whose new worker crashes before it is ready back where it was: paused, to go back or resume again', async () => {
    const { manager, fakes, status } = await setUp();
    const { id, worker } = startTraining(manager, fakes.workers, 1);
    await manager.pause({ runId: id });
    expect((await manager.rollbackPoints({ runId: id })).epochs).toEqual([0, 1]);
    await manager.resumeFromEpoch({ runId: id, epoch: 1, learningRate: 0.1 });
    const next = fakes.workers.get(id)!;
    expect(next).not.toBe(worker);
    next.post({ type: 'failed', message: 'the dataset files could not be read' });
    expect(status(id)).toBe('paused');
    expect(manager.summary(id).message).toMatch(
      /^Could not resume\. Training failed: the dataset files could not be read\. Nothing was lost/,
    );
    next.exit(1); // its exit afterwards is no crash either
    await new Promise((resolve) => setImmediate(resolve)); // after the exit the fake emits
    expect(status(id)).toBe('paused');
    await expect(manager.step({ runId: id })).rejects.toThrow(/resume it, then pause it to step/);
  });
});

describe('RunManager: the lab closing and opening again', () => {
  it('a training run ends stopped, its record remembering it was training; the next manager brings it back interrupted', async () => {
    const first = await setUp();
    const { id, worker } = startTraining(first.manager, first.fakes.workers, 2);
    await first.shutDown();
    expect(worker.commands.map((c) => c.type)).toEqual(['stop']);
    expect(first.statuses(id).at(-1)).toBe('stopped');
    const saved = JSON.parse(readFileSync(join(first.dataDir, 'runs', `${id}.json`), 'utf8'));
    expect(saved.summary).toMatchObject({ status: 'stopped', message: 'The lab closed while this run was training.' });
    expect(saved.interrupted).toEqual({ status: 'running' });

    const second = await setUp({ dataDir: first.dataDir });
    expect(second.manager.summary(id)).toMatchObject({ status: 'paused', message: expect.stringMatching(/continues at epoch 3/) });
    // Interrupted: no worker to step or pause; it can be given a new η, resumed, stopped.
    await expect(second.manager.step({ runId: id })).rejects.toThrow(
      'Run "quick" has no training worker since the lab closed: resume it, then pause it to step.',
    );
    await second.manager.pause({ runId: id }); // already paused: harmless
    await second.manager.setLearningRate({ runId: id, learningRate: 0.5 });
    expect(second.fakes.workers.size).toBe(0);
    await second.manager.resume({ runId: id });
    const resumed = second.fakes.workers.get(id)!;
    expect(resumed.data.settings.learningRate).toBe(0.5);
    expect(resumed.data.resume!.history.map((r) => r.epoch)).toEqual([1, 2]);
    expect(second.statuses(id)).toEqual(['queued', 'running']);
  });

  it('an interrupted run stops without a worker, and stays stopped', async () => {
    const first = await setUp();
    const { id } = startTraining(first.manager, first.fakes.workers, 1);
    await first.shutDown();
    const second = await setUp({ dataDir: first.dataDir });
    await second.manager.stop({ runId: id });
    expect(second.manager.summary(id)).toMatchObject({ status: 'stopped' });
    expect(second.manager.summary(id).message).toBeUndefined();
    await second.manager.settled();
    const saved = JSON.parse(readFileSync(join(first.dataDir, 'runs', `${id}.json`), 'utf8'));
    expect(saved.interrupted).toBeUndefined();
    await expect(second.manager.resume({ runId: id })).rejects.toThrow(/has stopped; it can no longer be resumed/);
  });

  it('a queued run ends stopped, not to be resumed', async () => {
    const { manager, fakes, shutDown } = await setUp();
    startTraining(manager, fakes.workers);
    const queued = manager.start(quickRun({ name: 'waiting' }));
    await shutDown();
    expect(manager.summary(queued.id)).toMatchObject({ status: 'stopped', message: 'The lab closed before this run started.' });
  });
});
