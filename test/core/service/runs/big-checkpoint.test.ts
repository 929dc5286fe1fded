/**
 * A large model's checkpoint is built and written off the main thread (issue 18 §7): for
 * 784-3000-3000-10 (11.4 million parameters, a 60 MB file) main never builds a model file; the
 * worker writes it and main only names it in the small run record. A main-thread timer keeps
 * ticking meanwhile: its largest lag is printed (and bounded very generously, not a speed test).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadModelFile } from '@core/model/model-files';
import { EventLog, makeService, quickRun, tempDataDir } from '../helpers';

// Counts the model files main builds (the worker thread has its own, unmocked modules).
const built = vi.hoisted(() => ({ count: 0 }));
vi.mock('@core/model/model-file', async (importOriginal) => {
  const real = await importOriginal<typeof import('@core/model/model-file')>();
  return {
    ...real,
    buildModelFile: (...args: Parameters<typeof real.buildModelFile>) => {
      built.count++;
      return real.buildModelFile(...args);
    },
  };
});

const tmps: { remove(): void }[] = [];
afterEach(() => {
  for (const t of tmps.splice(0)) t.remove();
});

describe('Checkpoints of a large model', () => {
  it('784-3000-3000-10: the worker builds and writes the 60 MB checkpoint; main builds no model file and keeps ticking', async () => {
    const tmp = tempDataDir();
    tmps.push(tmp);
    const service = makeService(tmp.dir);
    const log = new EventLog(service);
    const request = quickRun({ name: 'big', settings: { epochs: 1, batchSize: 10, learningRate: 0.1 }, trainLimit: 10, testLimit: 10 });
    request.spec = {
      ...request.spec,
      layers: [
        { units: 3000, activation: 'sigmoid' },
        { units: 3000, activation: 'sigmoid' },
        { units: 10, activation: 'sigmoid' },
      ],
    };
    let ticks = 0;
    let maxLagMs = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      maxLagMs = Math.max(maxLagMs, now - last - 20);
      last = now;
      ticks++;
    }, 20);
    try {
      const { id } = await service.startRun(request);
      await log.status(id, 'finished', 300_000);
      await service.settled();
      console.log(
        `main's 20 ms timer ticked ${ticks} times while the big run trained and saved; its largest lag was ${Math.round(maxLagMs)} ms`,
      );
      expect(built.count).toBe(0);
      const record = JSON.parse(readFileSync(join(tmp.dir, 'runs', `${id}.json`), 'utf8'));
      expect(record.latestModel).toBe('checkpoint-epoch-1.fathom.json');
      const path = join(tmp.dir, 'runs', id, record.latestModel);
      expect(statSync(path).size).toBeGreaterThan(50 * 2 ** 20);
      expect(statSync(join(tmp.dir, 'runs', `${id}.json`)).size).toBeLessThan(64 * 1024); // main writes only the small record
      const { file } = await loadModelFile(path);
      expect(file.history).toHaveLength(1);
      expect(ticks).toBeGreaterThan(0);
      expect(maxLagMs).toBeLessThan(30_000);
    } finally {
      clearInterval(timer);
      await service.dispose();
    }
  }, 400_000);
});
