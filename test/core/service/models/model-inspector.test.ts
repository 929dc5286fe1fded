import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { argmax, evaluate } from '@core/engine/evaluate';
import { mistakesPerReply, type ModelSummary } from '@core/lab/contract';
import { LabRequestError, parseLabRequest } from '@core/lab/dispatch';
import { encodeFloat32 } from '@core/model/base64-float32';
import { loadModelFile } from '@core/model/model-files';
import type { LabService } from '@core/service/lab-service';
import { builtInTestSplit, scaledTestSplit } from '@core/service/models/model-data';
import { ModelInspector } from '@core/service/models/model-inspector';
import { loadMnistRaw } from '@core/data/mnist';
import { EventLog, makeService, quickRun, stubDialogs, tempDataDir } from '../helpers';
import type { DenseLayerSpec } from '../../../../core/engine/spec';

const tmp = tempDataDir();
const saved = join(tmp.dir, 'quick.fathom.json');
const missing = join(tmp.dir, 'no-such.fathom.json');
/** What the open dialog answers, in order. */
const opens: (string | null)[] = [];
let service: LabService;
let runId: string;

beforeAll(async () => {
  service = makeService(tmp.dir, { dialogs: stubDialogs([saved], opens) });
  const log = new EventLog(service);
  runId = (await service.startRun(quickRun({ name: 'Quick', settings: { epochs: 2 } }))).id;
  await log.status(runId, 'finished', 60_000);
  await service.saveModel({ runId });
});

afterAll(async () => {
  await service.dispose();
  tmp.remove();
});

async function openSaved(): Promise<ModelSummary> {
  opens.push(saved);
  const result = await service.openModel();
  if (result.status !== 'opened') throw new Error(`expected the model to open, got ${JSON.stringify(result)}`);
  return result.model;
}

/** The saved model's JSON with one change, written next to it. */
function damaged(name: string, change: (json: Record<string, unknown>) => unknown): string {
  const json = JSON.parse(readFileSync(saved, 'utf8'));
  const path = join(tmp.dir, name);
  writeFileSync(path, JSON.stringify(change(json) ?? json));
  return path;
}

describe('openModel', () => {
  it('opens a model file chosen in the dialog and summarises it as plain JSON', async () => {
    const model = await openSaved();
    expect(model).toMatchObject({
      name: 'quick',
      source: { kind: 'file', fileName: 'quick.fathom.json', path: saved },
      datasetId: 'mnist',
      scaling: { kind: 'min-max', per: 'global', min: [0], max: [255] },
      parameterCount: 784 * 16 + 16 + 16 * 10 + 10,
      epoch: 2,
      checkpoints: [],
    });
    expect(model.spec.layers.map((l) => (l as DenseLayerSpec).units)).toEqual([16, 10]);
    expect(model.history.map((h) => h.epoch)).toEqual([1, 2]);
    expect(model.dataset).toMatchObject({ name: 'MNIST handwritten digits', inputShape: [28, 28], sizes: { train: 2000, test: 500 } });
    expect(model.modelId).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(JSON.parse(JSON.stringify(model))).toEqual(model);
  });

  it('reports a cancelled dialog as such', async () => {
    opens.push(null);
    expect(await service.openModel()).toEqual({ status: 'cancelled' });
  });

  it('refuses each kind of damaged file with its own message and leaves the open model working', async () => {
    const model = await openSaved();
    const text = readFileSync(saved, 'utf8');
    const truncated = join(tmp.dir, 'truncated.fathom.json');
    writeFileSync(truncated, text.slice(0, Math.floor(text.length / 2)));
    const cases: [string, string, RegExp][] = [
      [truncated, 'truncated', /^truncated\.fathom\.json: .*truncated/],
      [damaged('other.fathom.json', () => ({ format: 'keras', version: 1 })), 'wrong-format', /not a Fathom model file .*"keras"/],
      [damaged('newer.fathom.json', (j) => void (j.version = 7)), 'newer-version', /newer Fathom \(format version 7/],
      [
        damaged('shape.fathom.json', (j) => void ((j.spec as { layers: { units: number }[] }).layers[0]!.units = 17)),
        'shape-mismatch',
        /expected 17×784/,
      ],
      [
        damaged('nan.fathom.json', (j) => {
          const p = (j.parameters as { biases: string }[])[1]!;
          p.biases = encodeFloat32([0, 0, 0, NaN, 0, 0, 0, 0, 0, 0]);
        }),
        'non-finite',
        /not a finite number, the first NaN at unit 3/,
      ],
      [missing, 'unreadable', /^no-such\.fathom\.json: cannot read the model file: there is no such file/],
    ];
    for (const [path, code, message] of cases) {
      opens.push(path);
      const result = await service.openModel();
      expect(result, path).toMatchObject({ status: 'failed', code });
      expect(result.status === 'failed' && result.message, path).toMatch(message);
    }
    const weights = await service.getWeights({ modelId: model.modelId, layer: 2 });
    expect(weights.rows).toBe(10);
  });
});

describe('ModelInspector: a refused file changes nothing', () => {
  it('keeps exactly the models that were open', async () => {
    const paths = [saved, damaged('broken.fathom.json', (j) => void delete j.parameters), saved];
    const inspector = new ModelInspector({
      chooseOpenPath: async () => paths.shift() ?? null,
      runFiles: async () => {
        throw new Error('not used');
      },
      sha256: async () => 'x'.repeat(64),
      maxOpen: 2,
    });
    const first = await inspector.openFile();
    expect(first.status).toBe('opened');
    const before = inspector.openModelIds();
    const refused = await inspector.openFile();
    expect(refused).toMatchObject({
      status: 'failed',
      code: 'schema',
      message: /broken\.fathom\.json: the required field "parameters" is missing/,
    });
    expect(inspector.openModelIds()).toEqual(before);
    // Opening past maxOpen closes the oldest, not the newest.
    await inspector.openFile();
    const third = await (async () => (paths.push(saved), inspector.openFile()))();
    const ids = inspector.openModelIds();
    expect(ids).toHaveLength(2);
    expect(ids).not.toContain(before[0]);
    expect(third.status === 'opened' && ids.includes(third.model.modelId)).toBe(true);
  });
});

describe('openRunModel and getWeights', () => {
  it('opens the latest, best or a given epoch of a run, listing its checkpoints', async () => {
    const latest = await service.openRunModel({ runId });
    // A small run keeps every epoch, and its initial weights as epoch 0.
    expect(latest).toMatchObject({
      name: 'Quick (epoch 2)',
      epoch: 2,
      checkpoints: [0, 1, 2],
      source: { kind: 'run', runId, runName: 'Quick', checkpoint: 'latest' },
    });
    const first = await service.openRunModel({ runId, epoch: 1 });
    expect(first).toMatchObject({ epoch: 1, checkpoints: [0, 1, 2], source: { checkpoint: 'epoch' } });
    expect(first.history).toHaveLength(1);
    const initial = await service.openRunModel({ runId, epoch: 0 });
    expect(initial).toMatchObject({ name: 'Quick (untrained)', epoch: null, history: [], source: { checkpoint: 'epoch' } });
    expect((await service.getWeights({ modelId: latest.modelId, layer: 1, epoch: 0 })).epoch).toBe(0);
    const best = await service.openRunModel({ runId, best: true });
    expect(best.source).toMatchObject({ checkpoint: 'best' });
    expect(best.name).toMatch(/^Quick \(best, epoch [12]\)$/);
    await expect(service.openRunModel({ runId, epoch: 5 })).rejects.toThrow(/no checkpoint of epoch 5; it keeps epochs 0–2/);
    await expect(service.openRunModel({ runId: 'nope' })).rejects.toThrow(/no run "nope"/);
  });

  it('returns a layer as float32 arrays, from the open weights or any saved epoch', async () => {
    const model = await service.openRunModel({ runId });
    const layer1 = await service.getWeights({ modelId: model.modelId, layer: 1 });
    expect(layer1).toMatchObject({ layer: 1, epoch: null, activation: 'sigmoid', rows: 16, cols: 784 });
    expect(layer1.w instanceof Float32Array && layer1.b instanceof Float32Array).toBe(true); // one block each through structured clone
    expect(layer1.w).toHaveLength(16 * 784);
    expect(layer1.b).toHaveLength(16);
    const { net } = await loadModelFile(join(tmp.dir, 'runs', runId, 'checkpoint-epoch-2.fathom.json'));
    expect(Array.from(layer1.w)).toEqual(Array.from(net.w[1]!));
    const epoch1 = await service.getWeights({ modelId: model.modelId, layer: 1, epoch: 1 });
    expect(epoch1.epoch).toBe(1);
    expect(epoch1.w).not.toEqual(layer1.w);
    expect(await service.getWeights({ modelId: model.modelId, layer: 1, epoch: 2 })).toEqual({ ...layer1, epoch: 2 });
    await expect(service.getWeights({ modelId: model.modelId, layer: 3 })).rejects.toThrow(
      /has 2 layers of weights \(1–2\); there is no layer 3/,
    );
    await expect(service.getWeights({ modelId: model.modelId, layer: 1, epoch: 9 })).rejects.toThrow(/no checkpoint of epoch 9/);
    const file = await openSaved();
    await expect(service.getWeights({ modelId: file.modelId, layer: 1, epoch: 1 })).rejects.toThrow(
      /opened from a file, which holds only the weights of epoch 2/,
    );
    await expect(service.getWeights({ modelId: 'model-gone', layer: 1 })).rejects.toThrow(/no open model "model-gone"/);
  });

  it('forgets a closed model', async () => {
    const model = await service.openRunModel({ runId });
    await service.closeModel({ modelId: model.modelId });
    await expect(service.getWeights({ modelId: model.modelId, layer: 1 })).rejects.toThrow(/no open model/);
  });
});

describe('evaluateModel, getTestImages, traceActivations, gradientCheck', () => {
  let model: ModelSummary;
  beforeAll(async () => {
    model = await openSaved();
  });

  it('evaluates on all 10,000 test images: the same numbers as the engine, every mistake listed', async () => {
    const result = await service.evaluateModel({ modelId: model.modelId });
    expect(result).toMatchObject({ modelId: model.modelId, datasetId: 'mnist', split: 'test', count: 10_000 });
    const { net } = await loadModelFile(saved);
    const reference = evaluate(net, scaledTestSplit(builtInTestSplit('mnist'), model.scaling), { confusion: true, misclassified: true });
    expect(result.accuracy).toBeCloseTo(reference.accuracy!, 12);
    expect(result.loss).toBeCloseTo(reference.loss, 9);
    expect(result.accuracy).toBeGreaterThan(0.6);
    expect(result.confusion).toEqual(reference.confusion);
    expect(result.misclassified).toHaveLength(reference.misclassified!.length);
    expect(result.misclassifiedCount).toBe(reference.misclassified!.length);
    expect(result.misclassified).toHaveLength(Math.round((1 - result.accuracy) * 10_000));
    const m = result.misclassified[17]!;
    expect(m.index).toBe(reference.misclassified![17]!.index);
    expect(m.label).not.toBe(m.predicted);
    expect(m.confidence).toBe(m.outputs[m.predicted]);
    expect(m.outputs).toHaveLength(10);
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
    // Cached per model, and a fresh copy each time.
    const again = await service.evaluateModel({ modelId: model.modelId });
    expect(again).toEqual(result);
    expect(again).not.toBe(result);
  });

  it('pages raw test images by index', async () => {
    const raw = loadMnistRaw().test;
    const page = await service.getTestImages({ indices: [9999, 0, 5] });
    expect(page).toMatchObject({ width: 28, height: 28, indices: [9999, 0, 5] });
    expect(page.labels).toEqual([raw.labels[9999], raw.labels[0], raw.labels[5]]);
    expect(page.pixels).toHaveLength(3 * 784);
    expect(page.pixels).toBeInstanceOf(Uint8Array);
    expect(Array.from(page.pixels.subarray(784, 1568))).toEqual(Array.from(raw.pixels.subarray(0, 784)));
    await expect(service.getTestImages({ indices: [10_000] })).rejects.toThrow(/has 10000 images, so there is no image 10000/);
  });

  it('traces a test image or a drawn one through every layer with the saved scaling', async () => {
    const { misclassified } = await service.evaluateModel({ modelId: model.modelId });
    const mistake = misclassified[0]!;
    const trace = await service.traceActivations({ modelId: model.modelId, testIndex: mistake.index });
    expect(trace).toMatchObject({ modelId: model.modelId, testIndex: mistake.index, label: mistake.label, predicted: mistake.predicted });
    expect(trace.layers.map((l) => [l.layer, l.activation, l.z.length, l.a.length])).toEqual([
      [1, 'sigmoid', 16, 16],
      [2, 'sigmoid', 10, 10],
    ]);
    expect(trace.output).toEqual(trace.layers[1]!.a);
    expect(trace.output[mistake.predicted]).toBeCloseTo(mistake.confidence, 6);
    expect(Math.max(...trace.input)).toBeLessThanOrEqual(1); // min-max scaled into [0, 1]
    // The same pixels given as a drawing give the same trace.
    const drawn = await service.traceActivations({ modelId: model.modelId, input: trace.raw });
    expect(drawn).toMatchObject({ testIndex: null, label: null, predicted: trace.predicted, output: trace.output });
    expect(argmax(Float32Array.from(drawn.output), 0, 10)).toBe(drawn.predicted);
    await expect(service.traceActivations({ modelId: model.modelId, input: [1, 2, 3] })).rejects.toThrow(
      /takes 784 inputs \(28 × 28\); the image has 3 values/,
    );
  });

  it('finds backprop and finite differences agreeing on a test image', async () => {
    const check = await service.gradientCheck({ modelId: model.modelId, testIndex: 3 });
    expect(check).toMatchObject({ modelId: model.modelId, testIndex: 3, label: loadMnistRaw().test.labels[3], h: 1e-5 });
    expect(check.layers.map((l) => l.layer)).toEqual([1, 2]);
    expect(check.layers.map((l) => l.checked)).toEqual([100 + 16, 100 + 10]); // 784-16-10 is small: 100 weights and every bias a layer
    for (const layer of check.layers) {
      expect(layer.relativeError).toBeLessThan(1e-6);
      expect(layer.samples).toHaveLength(4);
      // The weights shown have real gradients: the checked ones are not all on the blank border.
      expect(Math.abs(layer.samples[0]!.backprop)).toBeGreaterThan(1e-6);
      expect(layer.samples[0]!.name).toMatch(/^w/);
    }
    // The kernels runs train with (wasm SIMD here) agree with the float64 reference to float32 rounding.
    expect(check.kernels.label).toMatch(/^wasm SIMD/);
    expect(check.kernels.layers.map((l) => l.layer)).toEqual([1, 2]);
    for (const layer of check.kernels.layers) expect(layer.relativeError).toBeLessThan(1e-4);
    expect(JSON.parse(JSON.stringify(check))).toEqual(check);
  });
});

describe('the example model', () => {
  it("opens without a dialog: Nielsen's 784-30-10 trained 10 epochs with seed 1, matched to the built-in MNIST and about 94.7 % on it", async () => {
    const opened = await service.openExampleModel();
    if (opened.status !== 'opened') throw new Error(`expected the example to open, got ${JSON.stringify(opened)}`);
    const { model: example } = opened;
    expect(example).toMatchObject({ name: 'nielsen-784-30-10', datasetId: 'mnist', epoch: 10, parameterCount: 23_860 });
    expect(example.spec.layers.map((l) => ('units' in l ? l.units : null))).toEqual([30, 10]);
    expect(example.settings).toMatchObject({ learningRate: 3, batchSize: 10, seed: 1, optimizer: 'sgd' });
    const evaluation = await service.evaluateModel({ modelId: example.modelId });
    expect(evaluation.accuracy).toBeCloseTo(example.history.at(-1)!.testAccuracy!, 6);
    expect(evaluation.accuracy).toBeGreaterThan(0.94);
  });
});

describe('the list of mistakes within its byte budget', () => {
  it('lists the first mistakes that fit, in test-set order, and counts them all', async () => {
    const budget = 8 * (10 + 4) * 100; // room for 100 mistakes of a 10-class model
    const inspector = new ModelInspector({
      chooseOpenPath: async () => saved,
      runFiles: async () => {
        throw new Error('no runs here');
      },
      sha256: async (path) => createHash('sha256').update(readFileSync(path)).digest('hex'),
      mistakesReplyBytes: budget,
    });
    const opened = await inspector.openFile();
    if (opened.status !== 'opened') throw new Error(`expected the model to open, got ${JSON.stringify(opened)}`);
    const full = await service.evaluateModel({ modelId: (await openSaved()).modelId });
    const cut = await inspector.evaluate({ modelId: opened.model.modelId });
    expect(mistakesPerReply(10, budget)).toBe(100);
    expect(full.misclassifiedCount).toBeGreaterThan(100);
    expect(cut.misclassifiedCount).toBe(full.misclassifiedCount);
    expect(cut.misclassified.map((m) => m.index)).toEqual(full.misclassified.slice(0, 100).map((m) => m.index));
    expect(cut.confusion).toEqual(full.confusion);
  });
});

describe('inspect request schemas', () => {
  const refused = (method: Parameters<typeof parseLabRequest>[0], payload: unknown): string => {
    try {
      parseLabRequest(method, payload);
    } catch (err) {
      expect(err).toBeInstanceOf(LabRequestError);
      return (err as Error).message;
    }
    throw new Error(`${method} accepted ${JSON.stringify(payload).slice(0, 80)}`);
  };

  it('accepts well-formed requests', () => {
    expect(parseLabRequest('openModel', undefined)).toBeUndefined();
    expect(parseLabRequest('openRunModel', { runId: 'r1', epoch: 3 })).toEqual({ runId: 'r1', epoch: 3 });
    expect(parseLabRequest('traceActivations', { modelId: 'm', input: new Array(784).fill(0) }).input).toHaveLength(784);
    expect(parseLabRequest('getTestImages', { indices: [1, 2] })).toEqual({ indices: [1, 2] });
  });

  it('refuses bad or oversized ones', () => {
    expect(refused('openRunModel', { runId: 'r1', epoch: 3, best: true })).toMatch(/not both/);
    expect(refused('traceActivations', { modelId: 'm', testIndex: 1, input: [0] })).toMatch(/either an input image or a testIndex/);
    expect(refused('traceActivations', { modelId: 'm' })).toMatch(/either an input image or a testIndex/);
    expect(refused('traceActivations', { modelId: 'm', input: [0, 300] })).toMatch(/input\[1\]/);
    expect(refused('getTestImages', { indices: new Array(1001).fill(0) })).toMatch(/indices/);
    expect(refused('getWeights', { modelId: 'm', layer: 0 })).toMatch(/layer/);
    expect(refused('gradientCheck', { modelId: '../../etc', testIndex: 1 })).toMatch(/modelId/);
    expect(refused('evaluateModel', { modelId: 'm', path: '/tmp/x' })).toMatch(/path/);
  });
});
