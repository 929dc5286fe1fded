/**
 * The run setting `checkpoints` (issue 13 §6): which epochs a run keeps, epoch 0 (the initial
 * weights) for a run that keeps every epoch or every n, and the disk it would take checked before
 * the run is queued.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Network } from '@core/engine/network';
import { Rng } from '@core/engine/rng';
import type { NetworkSpec } from '@core/engine/spec';
import { loadModelFile } from '@core/model/model-files';
import { openRunModelSchema, startRunSchema, weightsRequestSchema } from '@core/lab/schemas';
import {
  checkpointDiskBytes,
  checkpointDiskProblem,
  checkpointPolicy,
  keepsEpoch,
  KEPT_CHECKPOINTS_LIMIT_BYTES,
} from '@core/service/runs/checkpoint-policy';
import { snapshotWeights } from '@core/service/worker/protocol';
import { fakeReport, fakeWorkers, filledWeights } from '../fake-worker';
import { EventLog, makeService, quickRun, tempDataDir } from '../helpers';

const tmps: { remove(): void }[] = [];
afterEach(() => {
  for (const t of tmps.splice(0)) t.remove();
});

function setUp(options: Parameters<typeof makeService>[1] = {}) {
  const tmp = tempDataDir();
  tmps.push(tmp);
  const fakes = fakeWorkers({ clock: () => 0 });
  const service = makeService(tmp.dir, { workerFactory: fakes.factory, ...options });
  return { tmp, fakes, service, log: new EventLog(service) };
}

const dense = (sizes: number[]): NetworkSpec => ({
  inputSize: sizes[0]!,
  layers: sizes.slice(1).map((units) => ({ units, activation: 'sigmoid' as const })),
  loss: 'quadratic',
  init: 'scaled-normal',
});

const names = (epochs: number[]) => epochs.map((e) => `checkpoint-epoch-${e}.fathom.json`);

describe('the checkpoint policy', () => {
  it("decides 'auto' by size, and keeps for good every epoch, every n (0 included) or none", () => {
    const small = dense([784, 16, 10]);
    expect(checkpointPolicy(undefined, small, 20)).toEqual({ kind: 'every' });
    expect(checkpointPolicy({ kind: 'auto' }, small, 200)).toEqual({ kind: 'best-and-last' });
    expect(checkpointPolicy({ kind: 'every' }, small, 200)).toEqual({ kind: 'every' });
    expect(checkpointPolicy({ kind: 'every-n', n: 5 }, small, 200)).toEqual({ kind: 'every-n', n: 5 });
    expect([0, 1, 5, 7, 10].filter((e) => keepsEpoch({ kind: 'every-n', n: 5 }, e))).toEqual([0, 5, 10]);
    expect([0, 1, 2].filter((e) => keepsEpoch({ kind: 'every' }, e))).toEqual([0, 1, 2]);
    expect([0, 1, 2].filter((e) => keepsEpoch({ kind: 'best-and-last' }, e))).toEqual([]);
  });

  it("refuses 'every' past the bound, saying the GB it needs and the setting that fits", () => {
    const spec = dense([784, 100, 10]); // 79,510 parameters: ≈ 0.42 MB a checkpoint
    const need = checkpointDiskBytes({ kind: 'every' }, spec, 10_000);
    expect(need).toBeGreaterThan(KEPT_CHECKPOINTS_LIMIT_BYTES);
    const problem = checkpointDiskProblem({ kind: 'every' }, spec, 10_000, undefined)!;
    expect(problem).toMatch(/^Keeping every epoch of 10,000 epochs would need about \d+ GB of disk, and the lab keeps at most 4 GB/);
    const fits = /Keep every (\d+) epochs instead/.exec(problem);
    expect(fits).not.toBeNull();
    const n = Number(fits![1]);
    expect(checkpointDiskBytes({ kind: 'every-n', n }, spec, 10_000)).toBeLessThanOrEqual(KEPT_CHECKPOINTS_LIMIT_BYTES);
    // That n fits: it passes the same check.
    expect(checkpointDiskProblem({ kind: 'every-n', n }, spec, 10_000, undefined)).toBeUndefined();
    expect(checkpointDiskProblem({ kind: 'best-and-last' }, spec, 10_000, undefined)).toBeUndefined();
    expect(checkpointDiskProblem({ kind: 'every' }, spec, 30, undefined)).toBeUndefined();
  });

  it('refuses any setting the free disk cannot hold, naming what is free', () => {
    const spec = dense([784, 100, 10]);
    const problem = checkpointDiskProblem({ kind: 'every' }, spec, 30, 5 * 1024 ** 2)!;
    expect(problem).toMatch(/would need about 14 MB of disk, and the disk has 5 MB free/);
    expect(problem).toMatch(/Keep every \d+ epochs instead|Keep the best and the last epoch only/);
    expect(checkpointDiskProblem({ kind: 'best-and-last' }, spec, 30, 100 * 1024)).toMatch(
      /Even its best and last epochs would not fit: free some disk space/,
    );
  });

  it('is a run setting the schema checks', () => {
    const ok = (checkpoints: unknown) => startRunSchema.safeParse({ ...quickRun(), checkpoints }).success;
    expect(ok({ kind: 'every' })).toBe(true);
    expect(ok({ kind: 'every-n', n: 10 })).toBe(true);
    expect(ok({ kind: 'best-and-last' })).toBe(true);
    expect(ok({ kind: 'auto' })).toBe(true);
    expect(ok({ kind: 'every-n' })).toBe(false);
    expect(ok({ kind: 'every-n', n: 0 })).toBe(false);
    expect(ok({ kind: 'every', n: 3 })).toBe(false);
    expect(ok({ kind: 'sometimes' })).toBe(false);
  });
});

describe('a run with a checkpoint setting', () => {
  it("refuses 'every' past the bound before queueing anything", async () => {
    const { service } = setUp();
    const request = quickRun({ spec: dense([784, 100, 10]), settings: { epochs: 10_000 }, checkpoints: { kind: 'every' } });
    await expect(service.startRun(request)).rejects.toMatchObject({
      code: 'invalid',
      message: expect.stringMatching(/GB of disk.*Keep every \d+ epochs instead/),
    });
    expect(await service.listRuns()).toEqual([]);
    await service.dispose();
  });

  it('every 2 epochs: keeps epochs 0, 2, 4, the last and the best; the record says what it keeps', async () => {
    const { tmp, fakes, service, log } = setUp();
    const request = quickRun({ settings: { epochs: 5 }, checkpoints: { kind: 'every-n', n: 2 } });
    const { id, checkpointPolicy: kept } = await service.startRun(request);
    expect(kept).toEqual({ setting: { kind: 'every-n', n: 2 }, policy: { kind: 'every-n', n: 2 } });
    const worker = fakes.workers.get(id)!;
    worker.ready();
    worker.initial(filledWeights(request.spec, 0));
    for (let epoch = 1; epoch <= 5; epoch++)
      worker.epoch(fakeReport(request.spec, epoch, epoch / 10, epoch <= 3), filledWeights(request.spec, epoch / 1000));
    await worker.finish('reached 5 epochs');
    await log.status(id, 'finished');
    await service.settled();

    const dir = join(tmp.dir, 'runs', id);
    expect(readdirSync(dir).sort()).toEqual(['best.fathom.json', ...names([0, 2, 4, 5])]);
    const record = JSON.parse(readFileSync(join(tmp.dir, 'runs', `${id}.json`), 'utf8'));
    expect(record.checkpoints).toEqual(names([0, 2, 4, 5]));
    expect(record.summary.checkpointPolicy).toEqual({ setting: { kind: 'every-n', n: 2 }, policy: { kind: 'every-n', n: 2 } });
    const initial = await loadModelFile(join(dir, names([0])[0]!));
    expect(initial.file.history).toEqual([]);
    expect(initial.net.w[1]![0]).toBe(0);
    expect((await loadModelFile(join(dir, 'best.fathom.json'))).file.history).toHaveLength(3);

    // Inspect lists epoch 0 among the run's checkpoints and opens it.
    const model = await service.openRunModel({ runId: id });
    expect(model.checkpoints).toEqual([0, 2, 4, 5]);
    const zero = await service.openRunModel({ runId: id, epoch: 0 });
    expect(zero).toMatchObject({ epoch: null, checkpoints: [0, 2, 4, 5] });
    expect(zero.name).toMatch(/untrained/);
    await service.dispose();
  });

  it("'best and last' keeps only those, even for a run 'auto' would keep whole, and no epoch 0", async () => {
    const { tmp, fakes, service, log } = setUp();
    const request = quickRun({ settings: { epochs: 5 }, checkpoints: { kind: 'best-and-last' } });
    const { id } = await service.startRun(request);
    const worker = fakes.workers.get(id)!;
    worker.ready();
    worker.initial(filledWeights(request.spec, 0));
    for (let epoch = 1; epoch <= 5; epoch++)
      worker.epoch(fakeReport(request.spec, epoch, 0.5, epoch === 2), filledWeights(request.spec, epoch / 1000));
    await worker.finish('reached 5 epochs');
    await log.status(id, 'finished');
    await service.settled();
    expect(readdirSync(join(tmp.dir, 'runs', id)).sort()).toEqual(['best.fathom.json', ...names([5])]);
    await service.dispose();
  });
});

describe('a real run that keeps every epoch', () => {
  it('writes the initial weights as epoch 0 before its first batch: the seed’s weights, an empty history', async () => {
    const tmp = tempDataDir();
    tmps.push(tmp);
    const service = makeService(tmp.dir);
    const log = new EventLog(service);
    const request = quickRun({ settings: { epochs: 2 }, checkpoints: { kind: 'every' } });
    const { id } = await service.startRun(request);
    await log.status(id, 'finished', 120_000);
    await service.settled();
    const dir = join(tmp.dir, 'runs', id);
    expect(readdirSync(dir).sort()).toEqual(['best.fathom.json', ...names([0, 1, 2])]);
    const initial = await loadModelFile(join(dir, names([0])[0]!));
    expect(initial.file.history).toEqual([]);
    const seed = snapshotWeights(Network.create(request.spec, new Rng(request.settings.seed)));
    expect(Array.from(initial.net.w[1]!.slice(0, 50))).toEqual(Array.from(seed.w[0]!.slice(0, 50)));
    const model = await service.openRunModel({ runId: id });
    expect(model.checkpoints).toEqual([0, 1, 2]);
    await service.dispose();
  }, 150_000);
});

describe('the inspect requests for a checkpoint', () => {
  it('accept epoch 0, the initial weights', () => {
    expect(openRunModelSchema.safeParse({ runId: 'r1', epoch: 0 }).success).toBe(true);
    expect(weightsRequestSchema.safeParse({ modelId: 'm1', layer: 1, epoch: 0 }).success).toBe(true);
    expect(weightsRequestSchema.safeParse({ modelId: 'm1', layer: 1, epoch: -1 }).success).toBe(false);
  });
});
