/**
 * The lab service's dataset verbs over the real library: Fashion-MNIST imported from the Debian
 * package through a stub import dialog, browsed, trained on in a worker and named in the model
 * file; malformed imports, renames, deletes and a regression table.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ImportKind, ImportProgressEvent, ImportResult, LabEvent } from '@core/lab/contract';
import { callLab } from '@core/lab/dispatch';
import { loadModelFile, sha256File } from '@core/model/model-files';
import { profileTargetProblem } from '@core/engine/target-profile';
import type { LabService } from '@core/service/lab-service';
import { snapshot, tempFolder, writeIdxPair, writeText } from '../../data/import/fixtures';
import { EventLog, makeService, quickRun, stubDialogs, tempDataDir } from '../helpers';
import { reluSoftmaxSpec } from '../../../fixtures/specs';

const FASHION = '/usr/share/datasets/fashion-mnist';
const FASHION_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

/** Stub dialogs whose import dialog answers from a list (null = cancelled) and records the kinds asked for. */
function importDialogs(answers: (string[] | null)[], savePaths: (string | null)[] = [], openPaths: (string | null)[] = []) {
  const kinds: ImportKind[] = [];
  return {
    kinds,
    ...stubDialogs(savePaths, openPaths),
    chooseImportPaths: async (kind: ImportKind) => (kinds.push(kind), answers.shift() ?? null),
  };
}

function imported(result: ImportResult): Extract<ImportResult, { status: 'imported' }> {
  if (result.status !== 'imported') throw new Error(`expected an import, got ${JSON.stringify(result)}`);
  return result;
}

describe('LabService datasets: Fashion-MNIST imported, browsed and trained on', () => {
  const tmp = tempDataDir();
  const savePath = join(tmp.dir, 'fashion.fathom.json');
  const openPaths: (string | null)[] = [];
  const dialogs = importDialogs([[FASHION]], [savePath], openPaths);
  const events: LabEvent[] = [];
  let service: LabService;
  let datasetId: string;
  let result: Extract<ImportResult, { status: 'imported' }>;

  beforeAll(async () => {
    service = makeService(tmp.dir, { dialogs });
    service.onEvent((e) => events.push(e));
    // Through callLab, as the window's request arrives: the schema checks it on the way.
    result = imported(
      (await callLab(service, 'importDataset', { kind: 'idx', importId: 'fashion-1', classes: FASHION_CLASSES })) as ImportResult,
    );
    datasetId = result.dataset.id;
  }, 120_000);
  afterAll(async () => {
    await service.dispose();
    tmp.remove();
  });

  it('imports the folder the dialog picked, named after it, with progress events ending at 1', () => {
    expect(dialogs.kinds).toEqual(['idx']);
    expect(result.importId).toBe('fashion-1');
    expect(result.dataset).toEqual({
      id: datasetId,
      name: 'fashion-mnist',
      kind: 'classification',
      inputShape: [28, 28],
      classes: FASHION_CLASSES,
      sizes: { train: 54_000, validation: 6_000, test: 10_000 },
      builtIn: false,
      // Class labels: the one-hot row of the first training image, as a run's start checks them.
      targets: expect.objectContaining({ shape: 'one-hot', width: 10, min: 0, max: 1 }),
    });
    const progress = events.filter((e): e is ImportProgressEvent => e.type === 'import-progress');
    expect(progress.length).toBeGreaterThan(2);
    expect(progress.every((e) => e.importId === 'fashion-1')).toBe(true);
    const fractions = progress.map((e) => e.fraction);
    expect(fractions[0]).toBe(0);
    expect(fractions.at(-1)).toBe(1);
    expect([...fractions].sort((a, b) => a - b)).toEqual(fractions);
    expect(existsSync(join(tmp.dir, 'datasets', datasetId, 'manifest.json'))).toBe(true);
  });

  it('lists it after MNIST, and pages its raw images', async () => {
    const list = await service.listDatasets();
    expect(list.map((d) => d.id)).toEqual(['mnist', datasetId]);
    const page = await service.getSamples({ datasetId, split: 'test', offset: 0, count: 3 });
    expect(page).toMatchObject({ width: 28, height: 28, labels: [9, 2, 1] }); // the first Fashion-MNIST test items: boot, pullover, trouser
    expect(page.pixels).toBeInstanceOf(Uint8Array);
    expect(page.pixels).toHaveLength(3 * 784);
    expect(Math.max(...page.pixels)).toBeLessThanOrEqual(255);
  });

  it('gives the browser per-class counts, mean images and samples', async () => {
    const overview = await service.datasetOverview({ datasetId, samplesPerClass: 4 });
    expect(overview.dataset.name).toBe('fashion-mnist');
    expect(overview.sizes).toEqual({ train: 54_000, validation: 6_000, test: 10_000 });
    expect(overview.source?.files.map((f) => f.name).sort()).toEqual([
      't10k-images-idx3-ubyte.gz',
      't10k-labels-idx1-ubyte.gz',
      'train-images-idx3-ubyte.gz',
      'train-labels-idx1-ubyte.gz',
    ]);
    const c = overview.classification!;
    expect(c).toMatchObject({ width: 28, height: 28, min: 0, max: 255, shownClasses: 10 });
    expect(c.counts.test).toEqual(new Array(10).fill(1000));
    expect(c.counts.train.map((n, i) => n + c.counts.validation[i]!)).toEqual(new Array(10).fill(6000));
    expect(c.means).toHaveLength(10);
    expect(c.means.every((m) => m.length === 784)).toBe(true);
    // Trousers (1) are narrow: the mean image's outer columns are darker than a pullover's (2).
    const edge = (m: Float32Array) =>
      Array.from(m)
        .filter((_, k) => k % 28 < 5 || k % 28 > 22)
        .reduce((a, b) => a + b, 0);
    expect(edge(c.means[1]!)).toBeLessThan(edge(c.means[2]!));
    expect(c.samples.map((s) => s.length)).toEqual(new Array(10).fill(4));
    expect(c.samples.flat().every((s) => s instanceof Uint8Array && s.length === 784)).toBe(true); // bytes, as stored
    expect(c.step).toBe(1);
    expect(overview.regression).toBeUndefined();
    expect(structuredClone(overview)).toEqual(overview); // what IPC does to a reply
  });

  it('trains on it in a worker, and the model file names the dataset by its files', async () => {
    const log = new EventLog(service);
    const request = quickRun({
      name: 'fashion',
      datasetId,
      validation: true,
      trainLimit: 5000,
      testLimit: 1000,
      spec: reluSoftmaxSpec(),
      settings: { optimizer: 'adam', learningRate: 0.002, batchSize: 32, epochs: 1 },
    });
    const run = await service.startRun(request);
    await log.status(run.id, 'finished', 90_000);
    const [summary] = (await service.listRuns()).filter((r) => r.id === run.id);
    expect(summary!.datasetId).toBe(datasetId);
    expect(summary!.history[0]!.testAccuracy).toBeGreaterThan(0.7);
    expect(summary!.history[0]!.validationAccuracy).toBeGreaterThan(0.7);

    expect(await service.saveModel({ runId: run.id })).toEqual({
      saved: true,
      fileName: 'fashion.fathom.json',
      path: expect.stringMatching(/[\\/]fashion\.fathom\.json$/),
    });
    const { file } = await loadModelFile(savePath);
    expect(file.dataset).toMatchObject({
      name: 'fashion-mnist',
      inputShape: [28, 28],
      classes: FASHION_CLASSES,
      sizes: { train: 5000, validation: 6000, test: 1000 },
    });
    const trainImages = file.dataset.files.find((f) => f.name === 'train-images-idx3-ubyte.gz');
    expect(trainImages?.sha256).toBe(await sha256File(join(FASHION, 'train-images-idx3-ubyte.gz')));
    expect(file.dataset.files).toHaveLength(4);
    log.unsubscribe();
  }, 120_000);

  it('inspects the saved model on the library dataset: its whole test split, scaled as in training', async () => {
    openPaths.push(savePath);
    const opened = await service.openModel();
    if (opened.status !== 'opened') throw new Error(`expected the model to open, got ${JSON.stringify(opened)}`);
    const { modelId, datasetId: matched } = opened.model;
    expect(matched).toBe(datasetId);
    const evaluation = await service.evaluateModel({ modelId });
    expect(evaluation).toMatchObject({ datasetId, split: 'test', count: 10_000 });
    expect(evaluation.accuracy).toBeGreaterThan(0.7);
    expect(evaluation.confusion.map((row) => row.reduce((a, b) => a + b, 0))).toEqual(new Array(10).fill(1000));
    expect(evaluation.misclassified).toHaveLength(Math.round(10_000 * (1 - evaluation.accuracy)));
    // The first test item, an ankle boot, traced through the model.
    const trace = await service.traceActivations({ modelId, testIndex: 0 });
    expect(trace).toMatchObject({ label: 9, testIndex: 0 });
    expect(trace.raw).toHaveLength(784);
    const page = await service.getTestImages({ datasetId, indices: [evaluation.misclassified[0]!.index, 1] });
    expect(page).toMatchObject({ width: 28, height: 28, labels: [evaluation.misclassified[0]!.label, 2] });
    const check = await service.gradientCheck({ modelId, testIndex: 1 });
    expect(check.label).toBe(2);
  }, 60_000);

  it('renames its classes (one distinct, printable name per class) and lists them with the dataset', async () => {
    const names = FASHION_CLASSES.map((c) => c.toUpperCase());
    expect((await service.renameClasses({ datasetId, classes: names })).classes).toEqual(names);
    expect((await service.listDatasets()).find((d) => d.id === datasetId)!.classes).toEqual(names);
    await expect(service.renameClasses({ datasetId, classes: names.slice(0, 9) })).rejects.toThrow(
      /expected 10 class names, one per class, found 9/,
    );
    await expect(service.renameClasses({ datasetId, classes: [...names.slice(0, 9), names[0]!] })).rejects.toThrow(
      /found "T-SHIRT\/TOP" twice/,
    );
    await expect(service.renameClasses({ datasetId: 'mnist', classes: names })).rejects.toThrow(/built in: its classes keep their names/);
    await expect(callLab(service, 'renameClasses', { datasetId, classes: ['a', 'b\u001b[2J'] })).rejects.toThrow(/control characters/);
    expect((await service.renameClasses({ datasetId, classes: FASHION_CLASSES })).classes).toEqual(FASHION_CLASSES);
  });

  it('renames it (names stay unique), refuses to touch MNIST, and deletes it', async () => {
    expect((await service.renameDataset({ datasetId, name: 'Fashion' })).name).toBe('Fashion');
    await expect(service.renameDataset({ datasetId: 'mnist', name: 'x' })).rejects.toThrow(/built in/);
    await expect(service.deleteDataset({ datasetId: 'mnist' })).rejects.toThrow(/built in/);
    await service.deleteDataset({ datasetId });
    expect((await service.listDatasets()).map((d) => d.id)).toEqual(['mnist']);
    await expect(service.datasetOverview({ datasetId })).rejects.toThrow(/no dataset/);
    await expect(service.startRun(quickRun({ datasetId }))).rejects.toThrow(/no dataset/);
  });
});

describe('LabService datasets: failures leave the library unchanged', () => {
  const tmp = tempDataDir();
  const files = tempFolder('bad-import');
  const good = join(files.path, 'good');
  const truncated = join(files.path, 'truncated');
  const queue: (string[] | null)[] = [];
  const dialogs = importDialogs(queue);
  let service: LabService;
  beforeAll(async () => {
    writeIdxPair(good, 'train', [0, 1, 0, 1, 2, 2, 1, 0, 2, 1]);
    const pair = writeIdxPair(truncated, 'train', [0, 1, 0, 1, 2, 2, 1, 0, 2, 1]);
    truncateSync(pair.images, 30);
    writeText(join(files.path, 'table.csv'), 'a,b,label\n1,2,0\n3,4\n');
    service = makeService(tmp.dir, { dialogs });
    queue.push([good]);
    imported(await service.importDataset({ kind: 'idx', name: 'Tiny' }));
  });
  afterAll(async () => {
    await service.dispose();
    tmp.remove();
    files.remove();
  });

  const library = () => snapshot(join(tmp.dir, 'datasets'));

  it.each([
    ['a truncated IDX file', 'idx', () => [truncated], 'truncated', /train-images-idx3-ubyte: .*expected .*bytes/],
    ['a ragged CSV row', 'csv', () => [join(files.path, 'table.csv')], 'ragged-row', /table\.csv: .*row 3/],
    [
      'a CSV file where IDX files were asked for',
      'idx',
      () => [join(files.path, 'table.csv')],
      'unknown-format',
      /table\.csv: expected IDX image and label files, found a CSV file/,
    ],
    ['a name already taken', 'idx', () => [good], 'name-taken', /Tiny/],
  ] as const)('%s: a specific message, nothing imported', async (_what, kind, paths, code, message) => {
    const before = library();
    const list = await service.listDatasets();
    queue.push([...paths()]);
    const result = await service.importDataset({ kind, name: code === 'name-taken' ? 'tiny' : undefined });
    expect(result).toMatchObject({ status: 'failed', code });
    expect(result.status === 'failed' && result.message).toMatch(message);
    expect(library()).toEqual(before);
    expect(await service.listDatasets()).toEqual(list);
  });

  it('a cancelled dialog imports nothing', async () => {
    const before = library();
    queue.push(null);
    expect(await service.importDataset({ kind: 'auto' })).toMatchObject({ status: 'cancelled' });
    expect(library()).toEqual(before);
  });

  it('refuses to delete a dataset a live run needs', async () => {
    const [, tiny] = await service.listDatasets();
    const run = await service.startRun(
      quickRun({
        datasetId: tiny!.id,
        trainLimit: undefined,
        testLimit: undefined,
        spec: { inputSize: 4, layers: [{ units: 3, activation: 'softmax' }], loss: 'cross-entropy', init: 'xavier' },
        settings: { epochs: 100_000, batchSize: 1 },
      }),
    );
    await expect(service.deleteDataset({ datasetId: tiny!.id })).rejects.toThrow(/stop it before deleting/);
    await service.stopRun({ runId: run.id });
    await service.deleteDataset({ datasetId: tiny!.id });
    expect((await service.listDatasets()).map((d) => d.id)).toEqual(['mnist']);
  });
});

describe('LabService datasets: a regression table', () => {
  const tmp = tempDataDir();
  const files = tempFolder('rent');
  let service: LabService;
  let datasetId: string;
  beforeAll(async () => {
    // The seed's office rents: rent = 2.5 · area + 300, with a little noise.
    const rows = Array.from({ length: 200 }, (_, i) => {
      const area = 20 + ((i * 37) % 180);
      return `${area},${(2.5 * area + 300 + ((i % 7) - 3) * 0.5).toFixed(2)}`;
    });
    writeFileSync(join(files.path, 'rent.csv'), `area,rent\n${rows.join('\n')}\n`);
    service = makeService(tmp.dir, { dialogs: importDialogs([[join(files.path, 'rent.csv')]]) });
    datasetId = imported(await service.importDataset({ kind: 'csv', targets: ['rent'] })).dataset.id;
  });
  afterAll(async () => {
    await service.dispose();
    tmp.remove();
    files.remove();
  });

  it('is listed as regression, and its overview has the columns and rows for a scatter', async () => {
    const overview = await service.datasetOverview({ datasetId });
    expect(overview.dataset).toMatchObject({ name: 'rent', kind: 'regression', inputShape: [1], classes: ['rent'] });
    const r = overview.regression!;
    expect(r.features).toEqual(['area']);
    expect(r.targets).toEqual(['rent']);
    expect(r.rows.length).toBe(overview.sizes.train);
    for (const row of r.rows) expect(row.targets[0]).toBeCloseTo(2.5 * row.inputs[0]! + 300, -1);
    expect(r.columns.map((c) => [c.name, c.role])).toEqual([
      ['area', 'input'],
      ['rent', 'target'],
    ]);
    expect(r.columns[0]!.min).toBeGreaterThanOrEqual(20);
    await expect(service.getSamples({ datasetId, split: 'train', offset: 0, count: 1 })).rejects.toThrow(/regression table/);
  });

  it('refuses, before queuing, a loss its rent targets cannot be used with', async () => {
    const sigmoid = { inputSize: 1, layers: [{ units: 1, activation: 'sigmoid' as const }], init: 'xavier' as const };
    const bce = quickRun({ datasetId, trainLimit: undefined, testLimit: undefined, spec: { ...sigmoid, loss: 'binary-cross-entropy' } });
    await expect(service.startRun(bce)).rejects.toThrow(/^Binary cross-entropy needs targets between 0 and 1, but target #0 is \d/);
    const units = quickRun({ datasetId, spec: { ...sigmoid, layers: [{ units: 2, activation: 'linear' }], loss: 'quadratic' } });
    await expect(service.startRun(units)).rejects.toThrow(
      'The dataset has 1 target values per sample (classes), but the output layer has 2 units.',
    );
    expect(await service.listRuns()).toEqual([]);
  });

  it('lists its target profile, which names the same problem the start refuses with', async () => {
    const listed = (await service.listDatasets()).find((d) => d.id === datasetId)!;
    expect(listed.targets).toMatchObject({ shape: 'real', width: 1 });
    expect(listed.targets!.min).toBeGreaterThan(300);
    const sigmoid = {
      inputSize: 1,
      layers: [{ units: 1, activation: 'sigmoid' as const }],
      init: 'xavier' as const,
      loss: 'binary-cross-entropy' as const,
    };
    const why = profileTargetProblem('binary-cross-entropy', listed.targets!);
    expect(why).toMatch(/^Binary cross-entropy needs targets between 0 and 1/);
    await expect(service.startRun(quickRun({ datasetId, trainLimit: undefined, testLimit: undefined, spec: sigmoid }))).rejects.toThrow(
      why!,
    );
    const mnist = (await service.listDatasets()).find((d) => d.id === 'mnist')!;
    expect(mnist.targets).toMatchObject({ shape: 'one-hot', width: 10 });
    expect(profileTargetProblem('mape', mnist.targets!)).toMatch(/^MAPE divides by each target value/);
  });

  it('trains a linear unit on it in a worker', async () => {
    const log = new EventLog(service);
    const run = await service.startRun(
      quickRun({
        datasetId,
        scaling: 'z-score',
        trainLimit: undefined,
        testLimit: undefined,
        spec: { inputSize: 1, layers: [{ units: 1, activation: 'linear' }], loss: 'quadratic', init: 'xavier' },
        settings: { optimizer: 'sgd', learningRate: 0.05, batchSize: 10, epochs: 40 },
      }),
    );
    await log.status(run.id, 'finished', 60_000);
    const [summary] = await service.listRuns();
    expect(summary!.history).toHaveLength(40);
    expect(summary!.history[39]!.trainLoss).toBeLessThan(summary!.history[0]!.trainLoss);
    log.unsubscribe();

    // Predicted against actual on the test split, in rent units: close to the line the data follow.
    const predictions = await service.regressionPredictions({ runId: run.id });
    expect(predictions).toMatchObject({ runId: run.id, datasetId, epoch: 40, targets: ['rent'], count: 40 });
    expect(predictions.actual).toHaveLength(40);
    expect(predictions.predicted).toHaveLength(40);
    expect(predictions.rmse[0]).toBeLessThan(10);
    predictions.actual.forEach(([a], i) => expect(Math.abs(predictions.predicted[i]![0]! - a!)).toBeLessThan(30));
  });
});
