import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lossTargetProblem } from '@core/engine/losses';
import type { RunEvent } from '@core/lab/contract';
import { loadModelFile } from '@core/model/model-files';
import type { LabService } from '@core/service/lab-service';
import { EventLog, makeService, quickRun, stubDialogs, tempDataDir, reportsIn, endsEpoch, savedHistory } from './helpers';
import type { DenseLayerSpec } from '../../../core/engine/spec';

describe('LabService: datasets', () => {
  const tmp = tempDataDir();
  let service: LabService;
  beforeAll(() => {
    service = makeService(tmp.dir);
  });
  afterAll(async () => {
    await service.dispose();
    tmp.remove();
  });

  it('lists MNIST as a built-in classification dataset', async () => {
    const [mnist, ...others] = await service.listDatasets();
    expect(others).toEqual([]);
    expect(mnist).toEqual({
      id: 'mnist',
      name: 'MNIST handwritten digits',
      kind: 'classification',
      inputShape: [28, 28],
      classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
      sizes: { train: 60_000, test: 10_000 },
      builtIn: true,
      // The one-hot row of the first training digit, a 5: its first 0 is at index 0.
      targets: { shape: 'one-hot', width: 10, min: 0, max: 1, firsts: { zero: { index: 0, value: 0 } } },
    });
  });

  it('pages raw 0–255 images as plain JSON arrays', async () => {
    const page = await service.getSamples({ datasetId: 'mnist', split: 'train', offset: 0, count: 3 });
    expect(page.width).toBe(28);
    expect(page.height).toBe(28);
    expect(page.labels).toEqual([5, 0, 4]); // the first three MNIST training digits
    expect(page.pixels).toBeInstanceOf(Uint8Array); // one block through structured clone, a byte a pixel
    expect(page.pixels).toHaveLength(3 * 784);
    expect(Math.max(...page.pixels)).toBe(255);
    expect(structuredClone(page)).toEqual(page);
    const end = await service.getSamples({ datasetId: 'mnist', split: 'test', offset: 9_998, count: 10 });
    expect(end.labels).toHaveLength(2);
    await expect(service.getSamples({ datasetId: 'mnist', split: 'test', offset: 10_000, count: 1 })).rejects.toThrow(/past its end/);
    await expect(service.getSamples({ datasetId: 'cifar', split: 'test', offset: 0, count: 1 })).rejects.toThrow(/no dataset "cifar"/);
  });

  it('refuses a network that does not fit the dataset before starting a worker', async () => {
    const request = quickRun();
    (request.spec.layers[1] as DenseLayerSpec).units = 7;
    await expect(service.startRun(request)).rejects.toThrow(/10 target values/);
    expect(await service.listRuns()).toEqual([]);
  });

  it('refuses, before queuing, designs the engine could not train, with the engine messages', async () => {
    // MNIST's first training digit is a 5: its one-hot row starts with a 0, which MAPE would divide by.
    const mape = quickRun({ spec: { ...quickRun().spec, loss: 'mape' } });
    const oneHotOf5 = Float32Array.from({ length: 10 }, (_, c) => (c === 5 ? 1 : 0));
    await expect(service.startRun(mape)).rejects.toThrow(lossTargetProblem('mape', oneHotOf5)!);
    await expect(service.startRun(mape)).rejects.toThrow(/MAPE divides by each target value, and target #0 is 0/);
    const step = quickRun();
    (step.spec.layers[0] as DenseLayerSpec).activation = 'step';
    await expect(service.startRun(step)).rejects.toThrow(/Layer 2 uses the step function/);
    await expect(service.startRun(quickRun({ settings: { learningRate: 0 } }))).rejects.toThrow(
      /learning rate η must be a positive number/,
    );
    const bce = quickRun({
      spec: {
        ...quickRun().spec,
        layers: [
          { units: 16, activation: 'sigmoid' },
          { units: 10, activation: 'softmax' },
        ],
        loss: 'binary-cross-entropy',
      },
    });
    await expect(service.startRun(bce)).rejects.toThrow(/Binary cross-entropy treats each output as its own yes\/no probability/);
    const wide = quickRun({ spec: { ...quickRun().spec, inputSize: 100 } });
    await expect(service.startRun(wide)).rejects.toThrow(/784 inputs per sample, but the input layer has 100 units/);
    expect(await service.listRuns()).toEqual([]);
  });
});

describe('LabService: a short MNIST run', () => {
  const tmp = tempDataDir();
  const savePath = join(tmp.dir, 'chosen.fathom.json');
  const dialogs = stubDialogs([savePath, null]);
  let service: LabService;
  let log: EventLog;
  let runId: string;
  beforeAll(async () => {
    service = makeService(tmp.dir, { dialogs });
    log = new EventLog(service);
    const summary = await service.startRun(quickRun({ name: 'Short run', settings: { epochs: 3 } }));
    runId = summary.id;
    await log.status(runId, 'finished', 60_000);
  });
  afterAll(async () => {
    await service.dispose();
    tmp.remove();
  });

  it('streams status, progress and epoch events in order', () => {
    const events = log.of(runId);
    const statuses = events.filter((e) => e.type === 'status').map((e) => (e as Extract<RunEvent, { type: 'status' }>).status);
    expect(statuses).toEqual(['queued', 'running', 'finished']);
    expect(events[0]).toMatchObject({ type: 'status', status: 'queued', queuePosition: 1 });
    expect(events.at(-1)).toMatchObject({ type: 'status', status: 'finished', message: 'reached 3 epochs' });

    // Every batch's loss arrives exactly once, in order: 3 epochs × 200 batches.
    const steps = events.flatMap((e) => (e.type === 'progress' ? e.points.map((p) => p.step) : []));
    expect(steps).toEqual(Array.from({ length: 600 }, (_, i) => i + 1));

    // An epoch report always follows the progress event carrying its last batch.
    const epochs = events.filter((e) => e.type === 'epoch');
    expect(epochs.flatMap((e) => reportsIn(e).map((r) => r.epoch))).toEqual([1, 2, 3]);
    for (const epoch of epochs) {
      if (epoch.type !== 'epoch') continue;
      const index = events.indexOf(epoch);
      const seen = events.slice(0, index).flatMap((e) => (e.type === 'progress' ? e.points.map((p) => p.step) : []));
      expect(Math.max(...seen)).toBeGreaterThanOrEqual(epoch.report.epoch * 200);
    }
    const progress = events.find((e) => e.type === 'progress');
    expect(progress).toMatchObject({ type: 'progress', batchesPerEpoch: 200, learningRate: 3 });
    expect(progress?.type === 'progress' && progress.gradientNorms).toHaveLength(2);
  });

  it('learns something: test accuracy well above chance after 3 epochs', async () => {
    const [run] = await service.listRuns();
    expect(run).toMatchObject({ id: runId, name: 'Short run', status: 'finished' });
    expect(run!.history).toHaveLength(3);
    expect(run!.history[2]!.testAccuracy).toBeGreaterThan(0.6);
  });

  it('writes the run record, a checkpoint per epoch and the best model', async () => {
    await service.settled();
    const record = JSON.parse(readFileSync(join(tmp.dir, 'runs', `${runId}.json`), 'utf8'));
    expect(record.summary).toMatchObject({ id: runId, status: 'finished' });
    expect(savedHistory(tmp.dir, runId)).toHaveLength(3);
    const files = readdirSync(join(tmp.dir, 'runs', runId)).sort();
    // 784-16-10 is small: every epoch's checkpoint is kept, and the initial weights as epoch 0.
    expect(files).toEqual([
      'best.fathom.json',
      'checkpoint-epoch-0.fathom.json',
      'checkpoint-epoch-1.fathom.json',
      'checkpoint-epoch-2.fathom.json',
      'checkpoint-epoch-3.fathom.json',
    ]);
    const { file, net } = await loadModelFile(join(tmp.dir, 'runs', runId, 'checkpoint-epoch-3.fathom.json'));
    expect(file.history).toHaveLength(3);
    expect(file.dataset).toMatchObject({ name: 'MNIST handwritten digits', sizes: { train: 2000, test: 500 } });
    expect(file.dataset.files.map((f) => f.name)).toContain('train-images-idx3-ubyte');
    expect(file.scaling).toEqual({ kind: 'min-max', per: 'global', min: [0], max: [255] });
    expect(net.sizes).toEqual([784, 16, 10]);
  });

  it('saves the latest weights where the dialog says, and nothing when it is cancelled', async () => {
    expect(await service.saveModel({ runId })).toEqual({
      saved: true,
      fileName: 'chosen.fathom.json',
      path: expect.stringMatching(/[\\/]chosen\.fathom\.json$/),
    });
    expect(dialogs.asked).toEqual(['Short-run.fathom.json']);
    const saved = await loadModelFile(savePath);
    const last = await loadModelFile(join(tmp.dir, 'runs', runId, 'checkpoint-epoch-3.fathom.json'));
    expect(saved.file.parameters).toEqual(last.file.parameters);
    expect(await service.saveModel({ runId })).toEqual({ saved: false });
  });

  it('deletes a run with its files', async () => {
    await service.deleteRun({ runId });
    expect(await service.listRuns()).toEqual([]);
    expect(existsSync(join(tmp.dir, 'runs', `${runId}.json`))).toBe(false);
    expect(existsSync(join(tmp.dir, 'runs', runId))).toBe(false);
    await expect(service.pauseRun({ runId })).rejects.toThrow(/no run/);
  });
});

describe('LabService: runs survive a restart', () => {
  const tmp = tempDataDir();
  afterAll(() => tmp.remove());

  it('reloads finished runs as they were and brings live ones back paused, to resume from their saved weights', async () => {
    const first = makeService(tmp.dir);
    const log = new EventLog(first);
    const done = await first.startRun(quickRun({ name: 'done', settings: { epochs: 1 } }));
    const long = await first.startRun(quickRun({ name: 'long', settings: { epochs: 1000 } }));
    await log.status(done.id, 'finished', 60_000);
    await log.waitFor((e) => e.runId === long.id && e.type === 'epoch', 60_000, 'an epoch of the long run');
    // Paused (still alive, never finished) so its files settle: on the wasm kernels 1000 epochs go by in seconds.
    await first.pauseRun({ runId: long.id });

    // A second service on the same folder while the first still has the run: as after a crash.
    await first.settled();
    const crashed = makeService(tmp.dir);
    const afterCrash = await crashed.listRuns();
    expect(afterCrash.map((r) => [r.name, r.status])).toEqual([
      ['done', 'finished'],
      ['long', 'paused'],
    ]);
    expect(afterCrash[0]!.history).toHaveLength(1);
    // After a crash it resumes from its latest checkpoint, and its history is cut back to that epoch.
    const checkpointed = afterCrash[1]!.history.length;
    expect(checkpointed).toBeGreaterThanOrEqual(1);
    expect(afterCrash[1]!.message).toMatch(
      new RegExp(
        `closed while this run was paused\\. Resume starts a new training worker from its checkpoint of epoch ${checkpointed} and continues at epoch ${checkpointed + 1}`,
      ),
    );
    await crashed.dispose();

    // A clean shutdown stops the run, keeps the weights of its last step and remembers it was paused.
    await first.dispose();
    const dialogs = stubDialogs([join(tmp.dir, 'long.fathom.json')]);
    const again = makeService(tmp.dir, { dialogs });
    const againLog = new EventLog(again);
    const runs = await again.listRuns();
    expect(runs.map((r) => r.status)).toEqual(['finished', 'paused']);
    expect(runs[1]!.message).toMatch(/from the weights it had when the lab closed/);
    expect(existsSync(join(tmp.dir, 'runs', long.id, 'last-step.fathom.json'))).toBe(true);
    expect(await again.saveModel({ runId: long.id })).toEqual({
      saved: true,
      fileName: 'long.fathom.json',
      path: expect.stringMatching(/[\\/]long\.fathom\.json$/),
    });
    await again.resumeRun({ runId: long.id });
    const next = runs[1]!.history.length + 1;
    await againLog.waitFor((e) => e.runId === long.id && endsEpoch(e, next), 60_000, `epoch ${next}`);
    await again.stopRun({ runId: long.id });
    await expect(again.resumeRun({ runId: long.id })).rejects.toThrow(/can no longer be resumed/);
    expect(await again.loadProblems()).toEqual([]);
    await again.dispose();
  });

  it('skips a damaged run record, says which, and keeps the others', async () => {
    writeFileSync(join(tmp.dir, 'runs', 'broken.json'), '{"format": "fathom-run", "version": 1, "summ');
    writeFileSync(join(tmp.dir, 'runs', 'other.json'), '{"format": "something-else"}');
    const service = makeService(tmp.dir);
    expect((await service.listRuns()).map((r) => r.name)).toEqual(['done', 'long']);
    const problems = await service.loadProblems();
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/broken\.json: .*JSON/);
    expect(problems[1]).toMatch(/other\.json: not a run record \(format/);
    await service.dispose();
  });
});
