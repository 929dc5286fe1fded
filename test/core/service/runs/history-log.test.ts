/**
 * The run record stays small (issue 18 §1): a run's history is appended to a log beside it, so the
 * record written at each checkpoint does not grow with the epochs. Old records (history inline)
 * still load; a torn append or a roll-back leaves a log that reads back right.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { appendFileSync, existsSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EpochReport } from '@core/engine/reports';
import { parseHistoryLog } from '@core/service/runs/history-log';
import { fakeReport, fakeWorkers, filledWeights } from '../fake-worker';
import { EventLog, makeService, quickRun, savedHistory, tempDataDir } from '../helpers';

// The size of every run record the service writes.
const writes = vi.hoisted(() => ({ recordBytes: [] as number[] }));
vi.mock('@core/model/model-files', async (importOriginal) => {
  const real = await importOriginal<typeof import('@core/model/model-files')>();
  return {
    ...real,
    writeFileAtomic: async (...args: Parameters<typeof real.writeFileAtomic>) => {
      if (/[\\/]runs[\\/][^\\/]+\.json$/.test(args[0])) writes.recordBytes.push(Buffer.byteLength(args[1] as string));
      return real.writeFileAtomic(...args);
    },
  };
});

const tmps: { remove(): void }[] = [];
afterEach(() => {
  for (const t of tmps.splice(0)) t.remove();
  writes.recordBytes.length = 0;
});

function setUp(dataDir?: string) {
  const tmp = dataDir ? { dir: dataDir, remove: () => undefined } : tempDataDir();
  tmps.push(tmp);
  const clock = { ms: 0 };
  const fakes = fakeWorkers({ clock: () => clock.ms });
  const service = makeService(tmp.dir, { workerFactory: fakes.factory });
  return { tmp, clock, fakes, service, log: new EventLog(service) };
}

const line = (r: Pick<EpochReport, 'epoch'> & Partial<EpochReport>) => `${JSON.stringify(r)}\n`;

describe('the history log', () => {
  it('reads epochs in order; a later line of an epoch replaces it and drops what followed (a roll-back)', () => {
    const text = [1, 2, 3, 4, 2, 3].map((epoch, i) => line({ epoch, trainLoss: i })).join('');
    const { history, sound } = parseHistoryLog(text, 10);
    expect(history.map((r) => [r.epoch, r.trainLoss])).toEqual([
      [1, 0],
      [2, 4],
      [3, 5],
    ]);
    expect(sound).toBe(true);
    expect(parseHistoryLog(text, 2).history.map((r) => r.epoch)).toEqual([1, 2]);
  });

  it('stops at a torn last line or a skipped epoch, and says the log must be rewritten', () => {
    const torn = parseHistoryLog(line({ epoch: 1 }) + line({ epoch: 2 }) + '{"epoch":3,"trainLo', 10);
    expect(torn.history.map((r) => r.epoch)).toEqual([1, 2]);
    expect(torn.sound).toBe(false);
    const gap = parseHistoryLog(line({ epoch: 1 }) + line({ epoch: 3 }), 10);
    expect(gap.history.map((r) => r.epoch)).toEqual([1]);
    expect(gap.sound).toBe(false);
    expect(parseHistoryLog('', 0)).toEqual({ history: [], sound: true });
  });
});

describe('a long run', () => {
  it('writes a record of the same small size at every checkpoint, its history appended beside it', async () => {
    const { tmp, clock, fakes, service, log } = setUp();
    const request = quickRun({ settings: { epochs: 1000 }, checkpoints: { kind: 'best-and-last' } });
    const { id } = await service.startRun(request);
    const worker = fakes.workers.get(id)!;
    worker.ready();
    for (let epoch = 1; epoch <= 1000; epoch++) {
      clock.ms += 100; // a checkpoint (and a record naming it) every 10 epochs
      worker.epoch(fakeReport(request.spec, epoch, 0.5, epoch === 1), filledWeights(request.spec, 0));
      await worker.written(); // as in a real run, a checkpoint's write ends before the epochs of a second later
      if (epoch % 10 === 0) await service.settled();
    }
    await worker.finish('reached 1000 epochs');
    await log.status(id, 'finished');
    await service.settled();

    // ~100 record writes, none larger than the first ones: the 1,000 epochs (~300 kB) are not in them.
    expect(writes.recordBytes.length).toBeGreaterThan(50);
    expect(Math.max(...writes.recordBytes)).toBeLessThan(8 * 1024);
    expect(statSync(join(tmp.dir, 'runs', `${id}.json`)).size).toBeLessThan(8 * 1024);
    const history = savedHistory(tmp.dir, id);
    expect(history.map((r) => r.epoch)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    await service.dispose();

    // The next lab reads the history back from the log.
    const again = setUp(tmp.dir);
    const [run] = await again.service.listRuns();
    expect(run!.history).toHaveLength(1000);
    expect(run!.history[999]).toEqual(history[999]);
    await again.service.dispose();
  });

  it('a torn last line (a crash mid-append) reads back without it, and the log is rewritten whole before the next append', async () => {
    const { tmp, fakes, service } = setUp();
    const request = quickRun({ settings: { epochs: 100 }, checkpoints: { kind: 'every' } });
    const { id } = await service.startRun(request);
    const worker = fakes.workers.get(id)!;
    worker.ready();
    for (let epoch = 1; epoch <= 3; epoch++) {
      worker.epoch(fakeReport(request.spec, epoch, epoch / 10, true), filledWeights(request.spec, epoch / 100));
      await worker.written();
    }
    await service.pauseRun({ runId: id });
    await service.settled();
    await service.dispose();
    const logPath = join(tmp.dir, 'runs', `${id}.history.jsonl`);
    appendFileSync(logPath, '{"epoch":4,"trainLoss":0.2,"tra');

    const again = setUp(tmp.dir);
    const [run] = await again.service.listRuns();
    expect(run!.history.map((r) => r.epoch)).toEqual([1, 2, 3]);
    await again.service.resumeRun({ runId: id });
    const next = again.fakes.workers.get(id)!;
    next.ready();
    next.epoch(fakeReport(request.spec, 4, 0.4, true), filledWeights(request.spec, 0.04));
    await next.written();
    await again.service.pauseRun({ runId: id });
    await again.service.settled();
    const { history, sound } = parseHistoryLog(readFileSync(logPath, 'utf8'), 100);
    expect(sound).toBe(true);
    expect(history.map((r) => r.epoch)).toEqual([1, 2, 3, 4]);
    await again.service.dispose();
  });

  it('after a roll-back the record counts only the epochs kept, and the epochs trained again replace the discarded ones', async () => {
    const { tmp, fakes, service } = setUp();
    const request = quickRun({ settings: { epochs: 100 }, checkpoints: { kind: 'every' } });
    const { id } = await service.startRun(request);
    const worker = fakes.workers.get(id)!;
    worker.ready();
    for (let epoch = 1; epoch <= 5; epoch++) {
      worker.epoch(fakeReport(request.spec, epoch, epoch / 10, true), filledWeights(request.spec, epoch / 100));
      await worker.written();
    }
    await service.pauseRun({ runId: id });
    await service.resumeFromEpoch({ runId: id, epoch: 3, learningRate: 0.5 });
    await service.settled();
    // The log still holds epochs 4 and 5; the record's count cuts them off.
    expect(savedHistory(tmp.dir, id).map((r) => r.epoch)).toEqual([1, 2, 3]);
    const next = fakes.workers.get(id)!;
    next.ready();
    next.epoch({ ...fakeReport(request.spec, 4, 0.9, true), trainLoss: 0.123 }, filledWeights(request.spec, 0.5));
    await next.written();
    await service.pauseRun({ runId: id });
    await service.settled();
    const history = savedHistory(tmp.dir, id);
    expect(history.map((r) => [r.epoch, r.trainLoss])).toEqual([
      [1, 1],
      [2, 0.5],
      [3, 1 / 3],
      [4, 0.123],
    ]);
    await service.dispose();
  });
});

describe('a record from before the log (version 1, history inline)', () => {
  it('still loads with its history, and is written as a small record and a log the next time it is saved', async () => {
    const { tmp, fakes, service } = setUp();
    const request = quickRun({ settings: { epochs: 3 }, checkpoints: { kind: 'every' } });
    const { id } = await service.startRun(request);
    const worker = fakes.workers.get(id)!;
    worker.ready();
    for (let epoch = 1; epoch <= 3; epoch++)
      worker.epoch(fakeReport(request.spec, epoch, epoch / 10, true), filledWeights(request.spec, 0));
    await worker.finish('reached 3 epochs');
    await service.settled();
    await service.dispose();
    // Make it what an older Fathom wrote: version 1, the history inside, no log.
    const recordPath = join(tmp.dir, 'runs', `${id}.json`);
    const logPath = join(tmp.dir, 'runs', `${id}.history.jsonl`);
    const record = JSON.parse(readFileSync(recordPath, 'utf8'));
    const history = savedHistory(tmp.dir, id);
    delete record.historyEpochs;
    delete record.summary.checkpointPolicy;
    writeFileSync(recordPath, JSON.stringify({ ...record, version: 1, summary: { ...record.summary, history } }));
    unlinkSync(logPath);

    const again = setUp(tmp.dir);
    const [run] = await again.service.listRuns();
    expect(run!.history).toEqual(history);
    await again.service.renameRun({ runId: id, name: 'renamed' });
    await again.service.settled();
    const saved = JSON.parse(readFileSync(recordPath, 'utf8'));
    expect(saved).toMatchObject({ version: 2, historyEpochs: 3 });
    expect(saved.summary.history).toBeUndefined();
    expect(existsSync(logPath)).toBe(true);
    expect(savedHistory(tmp.dir, id)).toEqual(history);
    await again.service.dispose();
  });
});
