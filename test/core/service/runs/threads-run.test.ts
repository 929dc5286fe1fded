/**
 * A run's threads end to end through the service: 'threads: 2' trains data-parallel in shard workers
 * started by the run's worker, the summary and progress say so, two such runs agree bit for bit,
 * and however the run ends its threads are gone (counted in /proc: nested workers are this process's threads).
 */
import { once } from 'node:events';
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunEvent, RunSummary } from '@core/lab/contract';
import { loadModelFile } from '@core/model/model-files';
import { checkpointName } from '@core/service/runs/checkpoints';
import type { LabService } from '@core/service/lab-service';
import type { TrainWorkerData } from '@core/service/worker/protocol';
import { EventLog, makeService, quickRun, tempDataDir, reportOf, endsEpoch } from '../helpers';
import { recordingFactory, trainWorkerFactory } from '../tsx-worker';

const threadCount = (): number => readdirSync('/proc/self/task').length;

/** Polls until the process is back to `count` threads (exits are asynchronous). */
async function expectThreads(count: number, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (threadCount() !== count && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  expect(threadCount()).toBe(count);
}

const run = (name: string, threads: 'auto' | number, epochs = 2) => quickRun({ name, threads, settings: { epochs, batchSize: 20 } });

describe.runIf(process.platform === 'linux')('LabService: the threads of a run', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  async function lab(
    options: Parameters<typeof makeService>[1] = {},
  ): Promise<{ service: LabService; log: EventLog; dir: string; baseline: number }> {
    const tmp = tempDataDir();
    const workers = recordingFactory(options.workerFactory ?? trainWorkerFactory);
    const service = makeService(tmp.dir, { ...options, workerFactory: workers.factory });
    cleanups.push(async () => {
      await service.dispose();
      tmp.remove();
    });
    const log = new EventLog(service);
    // Warm up what starts threads lazily (libuv's pool, a first worker) so the count below is the steady one.
    await readFile(import.meta.filename);
    const warm = await service.startRun(run('warm-up', 1, 1));
    await log.status(warm.id, 'finished', 60_000);
    await service.settled();
    // Its thread gone (an exited worker's threadId is -1), so it holds no slot: 'auto' sees no other run.
    const warmWorker = workers.workers.get(warm.id)!;
    if (warmWorker.threadId !== -1) await once(warmWorker, 'exit');
    return { service, log, dir: tmp.dir, baseline: threadCount() };
  }

  const summary = async (service: LabService, id: string): Promise<RunSummary> => (await service.listRuns()).find((r) => r.id === id)!;
  const weights = async (dir: string, id: string) => (await loadModelFile(join(dir, 'runs', id, checkpointName(2)))).net;

  it('trains with 2 threads, says so, matches another 2-thread run bit for bit, and ends its threads', async () => {
    const { service, log, dir, baseline } = await lab({ maxConcurrent: 1 });
    const a = await service.startRun(run('a', 2));
    await log.waitFor((e) => e.runId === a.id && e.type === 'progress', 60_000, 'progress of run a');
    // The run's worker and its shard worker(s) on top of the baseline.
    expect(threadCount()).toBeGreaterThanOrEqual(baseline + 2);
    await log.status(a.id, 'finished', 60_000);
    const b = await service.startRun(run('b', 2));
    await log.status(b.id, 'finished', 60_000);
    await service.settled();

    for (const id of [a.id, b.id]) {
      expect(await summary(service, id)).toMatchObject({ status: 'finished', threadsSetting: 2, threads: 2 });
      const progress = log.of(id).filter((e) => e.type === 'progress');
      expect(progress.length).toBeGreaterThan(0);
      for (const event of progress) expect(event).toMatchObject({ threads: 2 });
    }
    const [wa, wb] = [await weights(dir, a.id), await weights(dir, b.id)];
    for (let l = 1; l <= wa.L; l++) {
      expect(wb.w[l]).toEqual(wa.w[l]);
      expect(wb.b[l]).toEqual(wa.b[l]);
    }
    expect((await summary(service, a.id)).history.at(-1)!.testAccuracy).toBeGreaterThan(0.5);
    await expectThreads(baseline);
  });

  it('ends the threads of a run that is stopped mid-epoch, or deleted while training', async () => {
    const { service, log, baseline } = await lab();
    const long = (name: string) => quickRun({ name, threads: 2, settings: { epochs: 500, batchSize: 20 } });
    const stopped = await service.startRun(long('stopped'));
    await log.waitFor((e) => e.runId === stopped.id && e.type === 'progress', 60_000, 'progress');
    await service.stopRun({ runId: stopped.id });
    expect((await summary(service, stopped.id)).status).toBe('stopped');
    await expectThreads(baseline);

    const deleted = await service.startRun(long('deleted'));
    await log.waitFor((e) => e.runId === deleted.id && e.type === 'progress', 60_000, 'progress');
    await service.deleteRun({ runId: deleted.id });
    await expectThreads(baseline);
  });

  it('fails the run with the reason when its shard workers cannot start, leaving no thread behind', async () => {
    const { service, log, baseline } = await lab({ parallelEntry: join(tmpdir(), 'fathom-no-such-folder', 'missing-entry.js') });
    const broken = await service.startRun(run('broken', 2));
    const failed = await log.status(broken.id, 'failed', 60_000);
    expect(failed.type === 'status' && failed.message).toMatch(/^Training failed: A training worker failed to start: .*missing-entry\.js/);
    await expectThreads(baseline);
  });

  it('a 2-thread run the lab closed on resumes after a restart on 2 threads, from its saved weights', async () => {
    const tmp = tempDataDir();
    cleanups.push(() => tmp.remove());
    const long = quickRun({ name: 'resumed', threads: 2, settings: { epochs: 500, batchSize: 20 } });
    const a = makeService(tmp.dir);
    const logA = new EventLog(a);
    const { id } = await a.startRun(long);
    const second = await logA.waitFor((e) => e.runId === id && endsEpoch(e, 2), 60_000, 'epoch 2');
    await a.dispose();

    const started: TrainWorkerData[] = [];
    const b = makeService(tmp.dir, { workerFactory: (data) => (started.push(data), trainWorkerFactory(data)) });
    cleanups.unshift(() => b.dispose());
    const logB = new EventLog(b);
    expect(await summary(b, id)).toMatchObject({ status: 'paused', threadsSetting: 2 });
    await b.resumeRun({ runId: id });
    const done = (await summary(b, id)).history.length;
    const next = await logB.waitFor((e) => e.runId === id && endsEpoch(e, done + 1), 60_000, `epoch ${done + 1}`);
    expect(started[0]).toMatchObject({ threads: 2 });
    expect(await summary(b, id)).toMatchObject({ threads: 2 });
    // Trained on from the saved weights (the shared buffers took them): its epoch beats a fresh first one.
    const loss = (events: RunEvent[], epoch: number) => reportOf(events, epoch)?.trainLoss ?? NaN;
    expect(loss([next], done + 1)).toBeLessThan(loss(logA.of(id), 1) * 0.8);
    expect(loss([next], done + 1)).toBeLessThan(loss([second], 2) * 1.1);
    await b.stopRun({ runId: id });
  });

  it("resolves 'auto' when the run starts: no extra threads next to another training run", async () => {
    // js kernels at batch 64 on 2 cores is where extra threads were measured to pay.
    const { service, log } = await lab({ backend: 'js', cores: 2 });
    const auto = (name: string) => quickRun({ name, threads: 'auto', settings: { epochs: 500, batchSize: 64 } });
    const first = await service.startRun(auto('first'));
    const second = await service.startRun(auto('second'));
    for (const id of [first.id, second.id]) await log.waitFor((e) => e.runId === id && e.type === 'progress', 60_000, 'progress');
    expect(await summary(service, first.id)).toMatchObject({ threadsSetting: 'auto', threads: 2 });
    expect(await summary(service, second.id)).toMatchObject({ threadsSetting: 'auto', threads: 1 });
    await service.stopRun({ runId: first.id });
    await service.stopRun({ runId: second.id });
  });

  it("leaves 'auto' alone on the machine to the engine's policy: one thread where splitting does not pay", async () => {
    // A small network at batch 20 on the wasm kernels: far below the work where a second thread pays.
    const { service, log } = await lab({ cores: 2 });
    const small = await service.startRun(run('small', 'auto', 1));
    await log.status(small.id, 'finished', 60_000);
    expect(await summary(service, small.id)).toMatchObject({ threadsSetting: 'auto', threads: 1 });
  });
});
