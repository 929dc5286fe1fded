/** The models store's tests: a made-up 784-4-10 model, what inspecting it answers, and the verbs Inspect uses. */
import type { LabApi, LayerWeights, MisclassifiedSample, ModelEvaluation, ModelSummary, TraceResult } from '@core/lab/contract';
import { DEFAULT_TRAIN_SETTINGS } from '@core/engine/spec';
import { summary as runSummary, epochReport } from '../train/fixtures';
import { mnistSpec } from '../../fixtures/specs';

export function modelSummary(modelId: string, patch: Partial<ModelSummary> = {}): ModelSummary {
  return {
    modelId,
    name: `model ${modelId}`,
    source: { kind: 'file', fileName: `${modelId}.fathom.json`, path: `/home/ada/models/${modelId}.fathom.json` },
    spec: mnistSpec({ hidden: [4], output: 'softmax', loss: 'cross-entropy', init: 'scaled-normal' }),
    settings: { ...DEFAULT_TRAIN_SETTINGS },
    history: [],
    dataset: {
      name: 'MNIST',
      inputShape: [28, 28],
      classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
      sizes: { train: 2000, test: 500 },
      files: [],
    },
    datasetId: 'mnist',
    scaling: { kind: 'min-max', per: 'global', min: [0], max: [255] },
    parameterCount: 784 * 4 + 4 + 4 * 10 + 10,
    epoch: 3,
    checkpoints: [],
    createdAt: '2025-01-01T00:00:00.000Z',
    appVersion: '0.1.0',
    ...patch,
  };
}

export function layerWeights(modelId: string, layer: number, epoch: number | null = null): LayerWeights {
  const rows = layer === 1 ? 4 : 10;
  const cols = layer === 1 ? 784 : 4;
  const fill = epoch ?? 0;
  return {
    modelId,
    layer,
    epoch,
    activation: layer === 1 ? 'sigmoid' : 'softmax',
    rows,
    cols,
    w: new Float32Array(rows * cols).fill(fill),
    b: new Float32Array(rows).fill(fill),
  };
}

const mistake = (index: number, label: number, predicted: number, confidence: number): MisclassifiedSample => {
  const outputs = new Array(10).fill(0.01);
  outputs[predicted] = confidence;
  return { index, label, predicted, confidence, outputs };
};

/** 20 test images: 15 right, 5 wrong (two 4 → 9, one 7 → 1, one 3 → 5, one 9 → 4). */
export function evaluation(modelId: string): ModelEvaluation {
  const confusion = Array.from({ length: 10 }, () => new Array(10).fill(0));
  for (let c = 0; c < 10; c++) confusion[c]![c] = c < 5 ? 2 : 1;
  const misclassified = [
    mistake(3, 4, 9, 0.6),
    mistake(8, 7, 1, 0.9),
    mistake(11, 4, 9, 0.95),
    mistake(14, 3, 5, 0.4),
    mistake(19, 9, 4, 0.7),
  ];
  for (const m of misclassified) confusion[m.label]![m.predicted]++;
  return {
    modelId,
    datasetId: 'mnist',
    split: 'test',
    count: 20,
    loss: 0.3,
    accuracy: 0.75,
    confusion,
    misclassified,
    misclassifiedCount: misclassified.length,
    seconds: 0.01,
  };
}

const flat = (n: number) => ({ channels: n, height: 1, width: 1, spatial: false, step: 1 });

export function traceResult(modelId: string, predicted: number, testIndex: number | null = null): TraceResult {
  const output = new Array(10).fill(0.01);
  output[predicted] = 0.9;
  return {
    modelId,
    input: new Array(784).fill(0),
    inputShape: flat(784),
    raw: new Array(784).fill(0),
    layers: [
      { layer: 1, kind: 'dense', activation: 'sigmoid', shape: flat(4), z: [0, 1, 2, 3], a: [0.5, 0.7, 0.9, 0.95] },
      { layer: 2, kind: 'dense', activation: 'softmax', shape: flat(10), z: output, a: output },
    ],
    output,
    predicted,
    testIndex,
    label: testIndex === null ? null : 7,
  };
}

/** Three runs (one without saved epochs), model files and runs that open as m1, m2…, and every inspect verb. */
export function inspectVerbs(): Partial<LabApi> {
  let next = 0;
  return {
    listRuns: async () => [
      runSummary('old', { createdAt: '2025-01-01T08:00:00Z', status: 'finished', history: [epochReport(1)] }),
      runSummary('fresh', { createdAt: '2025-01-01T09:00:00Z', status: 'queued', history: [] }),
      runSummary('new', { createdAt: '2025-01-01T10:00:00Z', status: 'stopped', history: [epochReport(1), epochReport(2)] }),
    ],
    openModel: async () => ({ status: 'opened' as const, model: modelSummary(`m${++next}`) }),
    openExampleModel: async () => ({ status: 'opened' as const, model: modelSummary(`m${++next}`, { name: 'nielsen-784-30-10' }) }),
    openRunModel: async (r) =>
      modelSummary(`m${++next}`, {
        source: { kind: 'run', runId: r.runId, runName: 'run', checkpoint: r.best ? 'best' : r.epoch ? 'epoch' : 'latest' },
        checkpoints: [1, 2, 3],
      }),
    closeModel: async () => undefined,
    getWeights: async (r) => layerWeights(r.modelId, r.layer, r.epoch ?? null),
    evaluateModel: async (r) => evaluation(r.modelId),
    getTestImages: async (r) => ({
      width: 28,
      height: 28,
      step: 1,
      indices: r.indices,
      labels: r.indices.map((i) => i % 10),
      pixels: Uint8Array.from(r.indices.flatMap((i) => new Array<number>(784).fill(i % 256))),
    }),
    traceActivations: async (r) => traceResult(r.modelId, r.testIndex !== undefined ? r.testIndex % 10 : 3, r.testIndex ?? null),
    gradientCheck: async (r) => ({
      modelId: r.modelId,
      testIndex: r.testIndex,
      label: 7,
      h: 1e-5,
      layers: [1, 2].map((layer) => ({
        layer,
        relativeError: 1e-9,
        checked: 40,
        samples: [{ name: `b${layer}[0]`, backprop: 0.1, numeric: 0.1 }],
      })),
      kernels: { label: 'wasm SIMD', precision: 'float32' as const, layers: [1, 2].map((layer) => ({ layer, relativeError: 2e-7 })) },
    }),
  };
}
