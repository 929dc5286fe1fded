import { describe, it, expect, afterAll } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FinderProgressEvent, LabEvent } from '@core/lab/contract';
import { makeService, quickRun, tempDataDir } from '../helpers';

/** The design of quickRun as the finder takes it: no name, no threads. */
function finderRequest(finderId: string, overrides: { batches?: number; epochs?: number } = {}) {
  const { name: _name, testLimit: _testLimit, ...run } = quickRun();
  return { ...run, finderId, batches: overrides.batches ?? 120 };
}

describe('LabService: the learning-rate finder', () => {
  const dirs: ReturnType<typeof tempDataDir>[] = [];
  const dataDir = () => dirs[dirs.push(tempDataDir()) - 1]!.dir;
  afterAll(() => dirs.forEach((d) => d.remove()));

  it('runs the range test in a worker, reports progress and suggests an η; no run or file is made', async () => {
    const dir = dataDir();
    const service = makeService(dir, { progressIntervalMs: 0 });
    const events: LabEvent[] = [];
    service.onEvent((e) => events.push(e));
    const reply = await service.findLearningRate(finderRequest('f1'));
    expect(reply.status).toBe('found');
    if (reply.status !== 'found') return;
    const { result } = reply;
    // η rises every batch; the suggestion sits below the lowest-loss η, and below any divergence.
    const rates = result.points.map((p) => p.learningRate);
    expect(rates.every((r, i) => i === 0 || r > rates[i - 1]!)).toBe(true);
    expect(result.suggestedLearningRate).toBeLessThan(result.minimumLearningRate);
    if (result.divergedAt !== undefined) expect(result.suggestedLearningRate).toBeLessThan(result.divergedAt);
    // Progress events name the finder and rise to the share of batches done.
    const progress = events.filter((e): e is FinderProgressEvent => e.type === 'finder-progress' && e.finderId === 'f1');
    expect(progress.length).toBeGreaterThan(0);
    const fractions = progress.map((e) => e.fraction);
    expect(fractions.every((f, i) => f > 0 && f <= 1 && (i === 0 || f >= fractions[i - 1]!))).toBe(true);
    // Nothing saved: no run, and the runs folder is empty.
    expect(await service.listRuns()).toEqual([]);
    expect(readdirSync(join(dir, 'runs'))).toEqual([]);
    await service.dispose();
  });

  it('is cancelled on request, answering "cancelled" rather than failing', async () => {
    const service = makeService(dataDir(), { progressIntervalMs: 0 });
    let cancelled = false;
    service.onEvent((e) => {
      if (e.type === 'finder-progress' && !cancelled) {
        cancelled = true;
        void service.cancelFinder({ finderId: 'slow' });
      }
    });
    const reply = await service.findLearningRate(finderRequest('slow', { batches: 5000 }));
    expect(reply).toEqual({ status: 'cancelled', finderId: 'slow' });
    // Cancelling a finder that has ended is no error.
    await expect(service.cancelFinder({ finderId: 'slow' })).resolves.toBeUndefined();
    await service.dispose();
  });

  it('refuses a design that cannot train on its dataset before starting a worker', async () => {
    let workers = 0;
    const service = makeService(dataDir(), {
      workerFactory: () => {
        workers++;
        throw new Error('no worker expected');
      },
    });
    const request = finderRequest('bad');
    request.spec = { ...request.spec, inputSize: 100 };
    await expect(service.findLearningRate(request)).rejects.toThrow(/784/);
    expect(workers).toBe(0);
    await service.dispose();
  });

  it('refuses a second finder under the same id while the first runs', async () => {
    const service = makeService(dataDir());
    const first = service.findLearningRate(finderRequest('twice', { batches: 5000 }));
    // The first is running once its check has passed; the second with its id is refused.
    await new Promise<void>((resolve) => service.onEvent((e) => e.type === 'finder-progress' && resolve()));
    await expect(service.findLearningRate(finderRequest('twice'))).rejects.toThrow(/already running/);
    await service.cancelFinder({ finderId: 'twice' });
    expect((await first).status).toBe('cancelled');
    await service.dispose();
  });
});
