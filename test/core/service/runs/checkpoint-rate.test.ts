import { describe, it, expect, vi, afterEach } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { keepsEveryCheckpoint } from '@core/service/runs/checkpoints';
import { loadModelFile } from '@core/model/model-files';
import type { NetworkSpec } from '@core/engine/spec';
import { fakeReport, fakeWorkers, filledWeights } from '../fake-worker';
import { EventLog, makeService, quickRun, tempDataDir, reportsIn, savedHistory } from '../helpers';

// Counts every model file the service writes, by path.
const saves = vi.hoisted(() => ({ paths: [] as string[] }));
vi.mock('@core/model/model-files', async (importOriginal) => {
  const real = await importOriginal<typeof import('@core/model/model-files')>();
  return {
    ...real,
    writeFileAtomic: async (...args: Parameters<typeof real.writeFileAtomic>) => {
      saves.paths.push(args[0]);
      return real.writeFileAtomic(...args);
    },
  };
});

const tmps: { remove(): void }[] = [];
afterEach(() => {
  for (const t of tmps.splice(0)) t.remove();
  saves.paths.length = 0;
});

/** A service on fake workers and a fake clock (ms) the test moves by hand. */
function setUp() {
  const tmp = tempDataDir();
  tmps.push(tmp);
  const clock = { ms: 0 };
  const fakes = fakeWorkers({ clock: () => clock.ms });
  const service = makeService(tmp.dir, { workerFactory: fakes.factory });
  return { tmp, clock, fakes, service, log: new EventLog(service) };
}

/** Accuracy rises until `bestAt`, then falls: that epoch is the best. */
const accuracy = (epoch: number, bestAt: number) => (epoch <= bestAt ? epoch / 1000 : bestAt / 1000 - (epoch - bestAt) / 10_000);

describe('Checkpoints of a very fast run', () => {
  it('200 epochs at 100 a second: every epoch report arrives in order, checkpoints at most about once a second, best and last kept', async () => {
    const { tmp, clock, fakes, service, log } = setUp();
    const request = quickRun({ settings: { epochs: 200 } });
    const spec = request.spec;
    expect(keepsEveryCheckpoint(spec, 200)).toBe(false); // 784-16-10 × 200 epochs is over the budget: latest + best only
    const { id } = await service.startRun(request);
    const worker = fakes.workers.get(id)!;
    worker.ready();
    for (let epoch = 1; epoch <= 200; epoch++) {
      clock.ms += 10;
      const acc = accuracy(epoch, 137);
      worker.epoch(fakeReport(spec, epoch, acc, epoch <= 137), filledWeights(spec, epoch / 1000));
      await worker.written(); // as in a real run, a checkpoint's write ends before the epochs of a second later
    }
    await worker.finish('reached 200 epochs');
    await log.status(id, 'finished');
    await service.settled();

    const epochs = log.of(id).flatMap((e) => reportsIn(e).map((r) => r.epoch));
    expect(epochs).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));

    // 2 s of epochs: one checkpoint at the start, one a second later, the last at the end; best with each.
    const checkpointWrites = saves.paths.filter((p) => p.includes('checkpoint-epoch-'));
    expect(checkpointWrites.map((p) => p.split('/').at(-1))).toEqual([
      'checkpoint-epoch-1.fathom.json',
      'checkpoint-epoch-101.fathom.json',
      'checkpoint-epoch-200.fathom.json',
    ]);
    expect(saves.paths.filter((p) => p.endsWith('best.fathom.json')).length).toBeLessThanOrEqual(3);

    const dir = join(tmp.dir, 'runs', id);
    expect(readdirSync(dir).sort()).toEqual(['best.fathom.json', 'checkpoint-epoch-200.fathom.json']);
    const last = await loadModelFile(join(dir, 'checkpoint-epoch-200.fathom.json'));
    expect(last.file.history).toHaveLength(200);
    expect(last.net.w[1]![0]).toBeCloseTo(0.2, 6);
    const best = await loadModelFile(join(dir, 'best.fathom.json'));
    expect(best.file.history).toHaveLength(137);
    expect(best.net.w[1]![0]).toBeCloseTo(0.137, 6);

    const record = JSON.parse(readFileSync(join(tmp.dir, 'runs', `${id}.json`), 'utf8'));
    expect(record).toMatchObject({
      latestModel: 'checkpoint-epoch-200.fathom.json',
      bestModel: 'best.fathom.json',
      checkpoints: ['checkpoint-epoch-200.fathom.json'],
    });
    expect(savedHistory(tmp.dir, id)).toHaveLength(200);
    await service.dispose();
  });

  it('writes the epoch held back by the rate limit as soon as the run pauses', async () => {
    const { tmp, clock, fakes, service, log } = setUp();
    const request = quickRun({ settings: { epochs: 1000 } });
    const { id } = await service.startRun(request);
    const worker = fakes.workers.get(id)!;
    worker.ready();
    for (let epoch = 1; epoch <= 50; epoch++) {
      clock.ms += 10;
      worker.epoch(fakeReport(request.spec, epoch, 0.5, epoch === 1), filledWeights(request.spec, epoch / 1000));
      await worker.written();
    }
    await worker.written();
    await service.settled();
    expect((await service.listRuns())[0]!.history).toHaveLength(50);
    expect(readdirSync(join(tmp.dir, 'runs', id))).toContain('checkpoint-epoch-1.fathom.json');

    await worker.pauseItself();
    await log.status(id, 'paused');
    await service.settled();
    expect(readdirSync(join(tmp.dir, 'runs', id)).sort()).toEqual(['best.fathom.json', 'checkpoint-epoch-50.fathom.json']);
    const { file } = await loadModelFile(join(tmp.dir, 'runs', id, 'checkpoint-epoch-50.fathom.json'));
    expect(file.history).toHaveLength(50);
    await service.dispose();
  });

  it('a small run that keeps every checkpoint still writes one per epoch, however fast', async () => {
    const { tmp, clock, fakes, service, log } = setUp();
    const request = quickRun({ settings: { epochs: 20 } });
    expect(keepsEveryCheckpoint(request.spec, 20)).toBe(true);
    const { id } = await service.startRun(request);
    const worker = fakes.workers.get(id)!;
    worker.ready();
    for (let epoch = 1; epoch <= 20; epoch++) {
      clock.ms += 10;
      worker.epoch(fakeReport(request.spec, epoch, epoch / 100, true), filledWeights(request.spec, epoch / 1000));
    }
    await worker.finish('reached 20 epochs');
    await log.status(id, 'finished');
    await service.settled();
    const files = readdirSync(join(tmp.dir, 'runs', id)).filter((n) => n.startsWith('checkpoint-epoch-'));
    expect(files).toHaveLength(20);
    await service.dispose();
  });
});

describe('keepsEveryCheckpoint', () => {
  it('counts the history each checkpoint carries, so a tiny network run for thousands of epochs keeps only the latest', () => {
    const tiny: NetworkSpec = {
      inputSize: 2,
      layers: [
        { units: 4, activation: 'tanh' },
        { units: 1, activation: 'linear' },
      ],
      loss: 'mse',
      init: 'xavier',
    };
    // Its weights alone would fit 1,500 checkpoints in 8 MB, but checkpoint e carries e history entries.
    expect(keepsEveryCheckpoint(tiny, 100)).toBe(true);
    expect(keepsEveryCheckpoint(tiny, 1500)).toBe(false);
  });
});
