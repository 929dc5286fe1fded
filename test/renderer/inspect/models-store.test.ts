// @vitest-environment happy-dom
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { MAX_REPLY_BYTES, type LabApi, type LayerWeights, type ModelEvaluation, type TraceResult } from '@core/lab/contract';
import { useModelsStore } from '@renderer/stores/models';
import { deferred, installFakeLab } from '../fake-lab';
import { epochReport, summary as runSummary } from '../train/fixtures';
import { evaluation, inspectVerbs, layerWeights, modelSummary, traceResult } from './fixtures';

let lab: LabApi;

beforeEach(() => {
  setActivePinia(createPinia());
  lab = installFakeLab(inspectVerbs());
});

async function opened() {
  const store = useModelsStore();
  await store.openFile();
  return store;
}

describe('models store: opening', () => {
  it('does nothing at all when the dialog is cancelled', async () => {
    vi.mocked(lab.openModel).mockResolvedValueOnce({ status: 'cancelled' });
    const store = useModelsStore();
    await store.openFile();
    expect(store.model).toBeNull();
    expect(store.notice).toBeNull();
    expect(lab.getWeights).not.toHaveBeenCalled();
  });

  it('opens the example model without a dialog', async () => {
    const store = useModelsStore();
    await store.openExample();
    expect(lab.openExampleModel).toHaveBeenCalledTimes(1);
    expect(lab.openModel).not.toHaveBeenCalled();
    expect(store.model?.name).toBe('nielsen-784-30-10');
    expect(store.layers).toHaveLength(2);
  });

  it('opens a file, loads every layer, and closes the model it replaces', async () => {
    const store = await opened();
    expect(store.model?.modelId).toBe('m1');
    expect(store.layers.map((w) => [w.layer, w.rows, w.cols])).toEqual([
      [1, 4, 784],
      [2, 10, 4],
    ]);
    expect(store.current?.layer).toBe(1);
    await store.openFile();
    expect(store.model?.modelId).toBe('m2');
    expect(lab.closeModel).toHaveBeenCalledWith({ modelId: 'm1' });
  });

  it('keeps the open model when a damaged file is refused, and says why', async () => {
    const store = await opened();
    vi.mocked(lab.openModel).mockResolvedValueOnce({
      status: 'failed',
      code: 'truncated',
      message: 'x.fathom.json: the JSON stops in the middle of a value',
    });
    await store.openFile();
    expect(store.model?.modelId).toBe('m1');
    expect(store.notice).toEqual({
      kind: 'error',
      text: 'Could not open the model: x.fathom.json: the JSON stops in the middle of a value',
    });
    expect(lab.closeModel).not.toHaveBeenCalled();
  });

  it('opens a run at its latest, best or a chosen epoch, and reports a refusal without Electron’s prefix', async () => {
    const store = useModelsStore();
    await store.openRun('r1');
    await store.openRun('r1', 'best');
    await store.openRun('r1', 2);
    expect(vi.mocked(lab.openRunModel).mock.calls.map(([r]) => r)).toEqual([
      { runId: 'r1' },
      { runId: 'r1', best: true },
      { runId: 'r1', epoch: 2 },
    ]);
    vi.mocked(lab.openRunModel).mockRejectedValueOnce(
      new Error('Error invoking remote method \'lab:openRunModel\': LabError: Run "x" has no saved weights yet.'),
    );
    await store.openRun('x');
    expect(store.notice?.text).toBe('Could not open the run\'s model: Run "x" has no saved weights yet.');
    expect(store.model?.modelId).toBe('m3');
  });

  it('lists only runs with saved epochs, newest first', async () => {
    const store = useModelsStore();
    await store.refreshRuns();
    expect(store.runs.map((r) => r.id)).toEqual(['new', 'old']);
  });
});

describe('models store: weights over checkpoints', () => {
  it('reloads every layer at the chosen epoch', async () => {
    const store = useModelsStore();
    await store.openRun('r1');
    await store.setEpoch(2);
    expect(
      vi
        .mocked(lab.getWeights)
        .mock.calls.slice(-2)
        .map(([r]) => r),
    ).toEqual([
      { modelId: 'm1', layer: 1, epoch: 2 },
      { modelId: 'm1', layer: 2, epoch: 2 },
    ]);
    expect(store.layers.every((w) => w.epoch === 2)).toBe(true);
  });

  it('keeps the newest epoch when an older answer arrives late', async () => {
    const store = useModelsStore();
    await store.openRun('r1');
    const slow = deferred<LayerWeights>();
    vi.mocked(lab.getWeights).mockImplementationOnce(() => slow.promise);
    const first = store.setEpoch(1);
    await store.setEpoch(3);
    slow.resolve(layerWeights('m1', 1, 1));
    await first;
    expect(store.epoch).toBe(3);
    expect(store.layers.map((w) => w.epoch)).toEqual([3, 3]);
  });
});

describe('models store: evaluation, gallery and confusion cells', () => {
  it('evaluates once, and derives per-class metrics', async () => {
    const store = await opened();
    await Promise.all([store.ensureEvaluation(), store.ensureEvaluation()]);
    await store.ensureEvaluation();
    expect(lab.evaluateModel).toHaveBeenCalledTimes(1);
    expect(store.metrics?.accuracy).toBe(0.75);
    expect(store.metrics?.perClass[4]).toMatchObject({ support: 4, truePositives: 2, recall: 0.5 });
  });

  it('filters the gallery to exactly one confusion cell and sorts the surest mistakes first', async () => {
    const store = await opened();
    await store.ensureEvaluation();
    expect(store.gallery.map((m) => m.index)).toEqual([11, 8, 19, 3, 14]);
    store.filterByCell(4, 9);
    expect(store.view).toBe('misclassified');
    expect(store.gallery.map((m) => m.index)).toEqual([11, 3]);
    expect(store.gallery).toHaveLength(store.evaluation!.confusion[4]![9]!);
    store.sort = 'index';
    expect(store.gallery.map((m) => m.index)).toEqual([3, 11]);
    store.setFilter({ predictedClass: 1 });
    expect(store.gallery.map((m) => m.index)).toEqual([8]);
    store.setFilter({});
    expect(store.gallery).toHaveLength(5);
  });

  it('drops an evaluation that arrives after another model was opened', async () => {
    const store = await opened();
    const slow = deferred<ModelEvaluation>();
    vi.mocked(lab.evaluateModel).mockImplementationOnce(() => slow.promise);
    const pending = store.ensureEvaluation();
    await store.openFile();
    slow.resolve(evaluation('m1'));
    await pending;
    expect(store.model?.modelId).toBe('m2');
    expect(store.evaluation).toBeNull();
  });

  it('fetches thumbnails in batches of at most 1,000, each image once', async () => {
    const store = await opened();
    const indices = Array.from({ length: 2500 }, (_, i) => i);
    await Promise.all([store.loadImages(indices), store.loadImages([0, 1, 2])]);
    const calls = vi.mocked(lab.getTestImages).mock.calls.map(([r]) => r.indices.length);
    expect(calls).toEqual([1000, 1000, 500]);
    expect(store.image(1234)?.[0]).toBe(1234 % 256);
    expect(store.image(99_999)).toBeUndefined();
    expect(store.imagesTick).toBeGreaterThan(0);
  });

  it('asks for large images a few at a time, so every reply stays within the byte budget', async () => {
    const big = modelSummary('big', { dataset: { ...modelSummary('big').dataset, inputShape: [1024, 1024] } });
    vi.mocked(lab.openModel).mockResolvedValueOnce({ status: 'opened', model: big });
    const store = await opened();
    await store.loadImages(Array.from({ length: 10 }, (_, i) => i));
    const calls = vi.mocked(lab.getTestImages).mock.calls.map(([r]) => r.indices.length);
    expect(calls).toEqual([4, 4, 2]); // 4 × 1024 × 1024 × 4 bytes = MAX_REPLY_BYTES
    expect(calls.every((n) => n * 1024 * 1024 * 4 <= MAX_REPLY_BYTES)).toBe(true);
  });
});

describe('models store: activations, drawing and the gradient check', () => {
  it('opens a test image in the activations view', async () => {
    const store = await opened();
    await store.inspectTestImage(17);
    expect(store.view).toBe('activations');
    expect(store.traceSource).toEqual({ kind: 'test', index: 17 });
    expect(lab.traceActivations).toHaveBeenLastCalledWith({ modelId: 'm1', testIndex: 17 });
    expect(store.trace?.predicted).toBe(7);
  });

  it('predicts the drawn digit, sending only the newest drawing while one request is in flight', async () => {
    const store = await opened();
    const held = deferred<TraceResult>();
    vi.mocked(lab.traceActivations).mockImplementationOnce(() => held.promise);
    const drawings = [1, 2, 3, 4].map((v) => new Array(784).fill(v));
    const first = store.predictDrawn(drawings[0]!);
    for (const d of drawings.slice(1)) void store.predictDrawn(d);
    held.resolve(traceResult('m1', 1));
    await first;
    await vi.waitFor(() => expect(store.drawnTrace?.predicted).toBe(3));
    const sent = vi.mocked(lab.traceActivations).mock.calls.map(([r]) => r.input?.[0]);
    expect(sent).toEqual([1, 4]);
    await store.traceActivations({ kind: 'drawn' });
    expect(lab.traceActivations).toHaveBeenLastCalledWith({ modelId: 'm1', input: drawings[3] });
    await store.predictDrawn(null);
    expect(store.drawnTrace).toBeNull();
  });

  it('runs the gradient check on the chosen test image', async () => {
    const store = await opened();
    await store.runGradientCheck(42);
    expect(store.gradSample).toBe(42);
    expect(store.gradCheck?.layers.map((l) => l.relativeError)).toEqual([1e-9, 1e-9]);
  });

  it('forgets what it computed for the previous model', async () => {
    const store = await opened();
    await store.ensureEvaluation();
    await store.inspectTestImage(3);
    store.filterByCell(4, 9);
    await store.openFile();
    expect([store.evaluation, store.trace, store.gradCheck]).toEqual([null, null, null]);
    expect(store.filter).toEqual({});
    expect(store.model).toEqual(modelSummary('m2'));
  });
});

describe('models store: a run rolled back while open', () => {
  const rolledBack = (count: number) =>
    vi.mocked(lab.listRuns).mockResolvedValue([
      runSummary('r1', {
        status: 'paused',
        history: [epochReport(1)],
        rollbacks: Array.from({ length: count }, () => ({ at: '2026-11-26T10:00:00Z', fromEpoch: 3, toEpoch: 1, learningRate: 0.1 })),
      }),
    ]);

  it('reopens the run at its latest epoch, and says why, when it went back since it was opened', async () => {
    rolledBack(0);
    const store = useModelsStore();
    await store.openRun('r1', 3);
    await store.refreshRuns();
    expect(store.model?.modelId).toBe('m1');
    rolledBack(1);
    await store.refreshRuns();
    expect(vi.mocked(lab.openRunModel).mock.calls.at(-1)![0]).toEqual({ runId: 'r1' });
    expect(store.model?.modelId).toBe('m2');
    expect(store.notice).toEqual({
      kind: 'info',
      text: 'Run "run" went back to epoch 1 after it was opened here, so its later checkpoints are gone: it is reopened at its latest saved epoch.',
    });
    await store.refreshRuns();
    expect(store.model?.modelId).toBe('m2');
  });

  it('keeps a run opened after its roll-back as it is', async () => {
    rolledBack(1);
    const store = useModelsStore();
    await store.openRun('r1');
    await store.refreshRuns();
    expect(store.model?.modelId).toBe('m1');
    expect(store.notice).toBeNull();
  });
});
