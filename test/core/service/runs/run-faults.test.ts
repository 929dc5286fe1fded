/**
 * Faults around a run's worker and files (issue 18 §1, §10): a worker message of the wrong shape,
 * and a run record naming a checkpoint that is gone while a newer one is on disk.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkerMessage } from '@core/service/worker/protocol';
import { fakeReport, fakeWorkers, filledWeights } from '../fake-worker';
import { EventLog, makeService, quickRun, tempDataDir } from '../helpers';

const tmps: { remove(): void }[] = [];
afterEach(() => {
  for (const t of tmps.splice(0)) t.remove();
});

function setUp() {
  const tmp = tempDataDir();
  tmps.push(tmp);
  const fakes = fakeWorkers();
  const service = makeService(tmp.dir, { workerFactory: fakes.factory });
  return { tmp, fakes, service, log: new EventLog(service) };
}

describe('A worker message of the wrong shape', () => {
  const malformed: [string, unknown, RegExp][] = [
    ['an epoch without its report', { type: 'epoch', weights: { w: [], b: [] } }, /a "epoch" message of the wrong shape/],
    ['epochs without reports', { type: 'epochs' }, /a "epochs" message of the wrong shape \(reports: /],
    [
      'a saved file with a path for a name',
      { type: 'saved', files: [{ kind: 'checkpoint', name: '../x.fathom.json', epoch: 1, bytes: 1 }] },
      /"saved"/,
    ],
    ['no message at all', null, /a message of the wrong shape \(top level: /],
  ];
  for (const [what, message, reason] of malformed)
    it(`fails the run with the reason, never a TypeError in main: ${what}`, async () => {
      const { fakes, service, log } = setUp();
      const { id } = await service.startRun(quickRun({ settings: { epochs: 100 } }));
      const worker = fakes.workers.get(id)!;
      worker.ready();
      expect(() => worker.post(message as WorkerMessage)).not.toThrow();
      const failed = await log.status(id, 'failed');
      expect(failed.type === 'status' && failed.message).toMatch(/^The training worker sent /);
      expect(failed.type === 'status' && failed.message).toMatch(reason);
      expect(worker.terminations).toBe(1);
      const [run] = await service.listRuns();
      expect(run).toMatchObject({ status: 'failed' });
      await service.dispose();
    });
});

describe('Start-up repair of a record whose files disagree with its folder', () => {
  it('picks up the newest complete checkpoint when the one the record names is gone, and says so without a path', async () => {
    const { tmp, fakes, service: a } = setUp();
    const request = quickRun({ settings: { epochs: 1000 } });
    const { id } = await a.startRun(request);
    const worker = fakes.workers.get(id)!;
    worker.ready();
    for (let epoch = 1; epoch <= 3; epoch++) {
      worker.epoch(fakeReport(request.spec, epoch, epoch / 10, true), filledWeights(request.spec, epoch / 100));
      await worker.written();
    }
    await a.pauseRun({ runId: id });
    await a.settled();
    const recordPath = join(tmp.dir, 'runs', `${id}.json`);
    const named3 = readFileSync(recordPath, 'utf8'); // names checkpoint-epoch-3
    expect(JSON.parse(named3).latestModel).toBe('checkpoint-epoch-3.fathom.json');
    await a.resumeRun({ runId: id });
    worker.epoch(fakeReport(request.spec, 4, 0.4, true), filledWeights(request.spec, 0.04));
    await a.pauseRun({ runId: id });
    await a.settled();
    await a.dispose();
    // What the old write order could leave: the record of epoch 3, its checkpoint deleted, epoch 4's on disk.
    const dir = join(tmp.dir, 'runs', id);
    writeFileSync(recordPath, named3);
    unlinkSync(join(dir, 'last-step.fathom.json'));
    expect(readdirSync(dir).sort()).toEqual(['best.fathom.json', 'checkpoint-epoch-4.fathom.json']);

    const fakesB = fakeWorkers();
    const b = makeService(tmp.dir, { workerFactory: fakesB.factory });
    const [run] = await b.listRuns();
    expect(run).toMatchObject({ status: 'paused' });
    expect(run!.message).toMatch(
      /^Repaired at start-up: its newest saved weights \(checkpoint-epoch-3\.fathom\.json\) were missing, so it now uses its checkpoint of epoch 4\./,
    );
    expect(run!.message).not.toContain(tmp.dir);
    expect(run!.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4]);
    expect((await b.rollbackPoints({ runId: id })).epochs).toEqual([0, 4]);
    await b.resumeRun({ runId: id });
    const resumed = fakesB.workers.get(id)!;
    expect(resumed.data.resume!.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4]);
    expect(resumed.data.resume!.weights.b[0]![0]).toBeCloseTo(0.04, 6);
    await b.settled();
    expect(JSON.parse(readFileSync(recordPath, 'utf8'))).toMatchObject({
      latestModel: 'checkpoint-epoch-4.fathom.json',
      checkpoints: ['checkpoint-epoch-4.fathom.json'],
    });
    await b.dispose();
  });

  it('deletes a checkpoint the record does not name (a crash between the file and the record) and keeps the named one', async () => {
    const { tmp, fakes, service: a } = setUp();
    const request = quickRun({ settings: { epochs: 1000 } });
    const { id } = await a.startRun(request);
    const worker = fakes.workers.get(id)!;
    worker.ready();
    worker.epoch(fakeReport(request.spec, 1, 0.1, true), filledWeights(request.spec, 0.01));
    await a.pauseRun({ runId: id });
    await a.dispose();
    const dir = join(tmp.dir, 'runs', id);
    const stray = join(dir, 'checkpoint-epoch-7.fathom.json');
    writeFileSync(stray, readFileSync(join(dir, 'best.fathom.json')));

    const b = makeService(tmp.dir, { workerFactory: fakeWorkers().factory });
    const [run] = await b.listRuns();
    expect(run!.message).not.toMatch(/Repaired/);
    expect(existsSync(stray)).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(['best.fathom.json', 'checkpoint-epoch-1.fathom.json', 'last-step.fathom.json']);
    await b.dispose();
  });
});
