/** What a user can trip over in the service: each gives a specific message and loses nothing. */
import { describe, it, expect, afterEach } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { loadModelFile } from '@core/model/model-files';
import { FakeWorker, fakeReport, fakeWorkers, filledWeights } from './fake-worker';
import { makeService, quickRun, stubDialogs, tempDataDir } from './helpers';

const tmps: { remove(): void }[] = [];
afterEach(() => {
  for (const t of tmps.splice(0)) t.remove();
});

/** A data folder holding one run that the lab closed on after two epochs. */
async function interruptedRun(): Promise<{ dir: string; id: string }> {
  const tmp = tempDataDir();
  tmps.push(tmp);
  const fakes = fakeWorkers();
  const a = makeService(tmp.dir, { workerFactory: fakes.factory });
  const request = quickRun({ settings: { epochs: 100 } });
  const { id } = await a.startRun(request);
  const worker = fakes.workers.get(id)!;
  worker.ready();
  for (let epoch = 1; epoch <= 2; epoch++)
    worker.epoch(fakeReport(request.spec, epoch, 0.5, true), filledWeights(request.spec, epoch / 100));
  await worker.written();
  await a.dispose();
  return { dir: tmp.dir, id };
}

describe('Resuming after a restart when something is wrong', () => {
  it('says the dataset is gone, and the run stays paused and resumable', async () => {
    const { dir, id } = await interruptedRun();
    const path = join(dir, 'runs', `${id}.json`);
    const record = JSON.parse(readFileSync(path, 'utf8'));
    record.summary.datasetId = 'gone';
    writeFileSync(path, JSON.stringify(record));
    const fakes = fakeWorkers();
    const b = makeService(dir, { workerFactory: fakes.factory });
    await expect(b.resumeRun({ runId: id })).rejects.toThrow(
      /cannot resume: its dataset "gone" is no longer in the library\. Its saved weights are kept/,
    );
    expect(fakes.workers.size).toBe(0);
    expect((await b.listRuns())[0]).toMatchObject({ status: 'paused', history: [{ epoch: 1 }, { epoch: 2 }] });
    await b.settled();
    expect(JSON.parse(readFileSync(path, 'utf8')).interrupted).toEqual({ status: 'running' });
    await b.dispose();
  });

  it('a new worker that fails to start puts the run back to paused with the reason; resuming again works', async () => {
    const { dir, id } = await interruptedRun();
    let attempt = 0;
    const started: FakeWorker[] = [];
    const b = makeService(dir, {
      workerFactory: (data) => {
        attempt++;
        if (attempt === 1) throw new Error('no threads left');
        const worker = new FakeWorker(data);
        started.push(worker);
        return worker as unknown as Worker;
      },
    });
    await b.resumeRun({ runId: id });
    let [run] = await b.listRuns();
    expect(run).toMatchObject({
      status: 'paused',
      message: expect.stringMatching(/^Could not resume\. The training worker could not start: no threads left\. Nothing was lost/),
    });

    // The second worker loads its data and then fails: paused again, files untouched.
    await b.resumeRun({ runId: id });
    started[0]!.post({ type: 'failed', message: 'the dataset files could not be read' });
    started[0]!.exit(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    [run] = await b.listRuns();
    expect(run).toMatchObject({
      status: 'paused',
      message: expect.stringMatching(/Training failed: the dataset files could not be read\. Nothing was lost/),
    });
    expect(run!.history).toHaveLength(2);

    // Third time: the worker is ready, so the run is an ordinary running run again.
    await b.resumeRun({ runId: id });
    const worker = started[1]!;
    expect(worker.data.resume!.history.map((r) => r.epoch)).toEqual([1, 2]);
    worker.ready();
    expect((await b.listRuns())[0]!.status).toBe('running');
    await b.dispose();
  });
});

describe('Saving and the data folder', () => {
  it('a save into a folder that does not exist names the file and the cause, and a second save works', async () => {
    const tmp = tempDataDir();
    tmps.push(tmp);
    const good = join(tmp.dir, 'kept.fathom.json');
    const fakes = fakeWorkers();
    const service = makeService(tmp.dir, {
      workerFactory: fakes.factory,
      dialogs: stubDialogs([join(tmp.dir, 'missing', 'model.fathom.json'), good]),
    });
    const request = quickRun();
    const { id } = await service.startRun(request);
    const worker = fakes.workers.get(id)!;
    worker.ready();
    worker.epoch(fakeReport(request.spec, 1, 0.5, true), filledWeights(request.spec, 0.01));
    await worker.finish('reached 1 epoch');
    await expect(service.saveModel({ runId: id })).rejects.toThrow(
      /^Could not save model\.fathom\.json in .*missing: the folder does not exist\. The run and its weights are unchanged\.$/,
    );
    expect(await service.saveModel({ runId: id })).toEqual({
      saved: true,
      fileName: 'kept.fathom.json',
      path: expect.stringMatching(/[\\/]kept\.fathom\.json$/),
    });
    expect(existsSync(good)).toBe(true);
    await loadModelFile(good);
    await service.dispose();
  });

  it('a file where the runs folder should be gives one clear message on every call', async () => {
    const tmp = tempDataDir();
    tmps.push(tmp);
    writeFileSync(join(tmp.dir, 'runs'), 'not a folder');
    const service = makeService(tmp.dir);
    await expect(service.listRuns()).rejects.toThrow(
      /^The lab cannot use its runs folder .*runs: a file is in the way where a folder should be\.$/,
    );
    await expect(service.startRun(quickRun())).rejects.toThrow(/cannot use its runs folder/);
    await service.dispose();
  });
});
