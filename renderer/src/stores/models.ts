/**
 * The Inspect tab: the model open for inspection and what has been asked of it (weights, the
 * test-set evaluation, activation traces, the gradient check, the drawn digit). Large arrays sit
 * in shallowRefs and plain Maps, outside deep reactivity. Talks to window.lab only inside actions,
 * and drops answers about a model that is no longer the open one. Over 300 lines because every
 * view's answers are tied to the open model (all are reset and dropped together when it changes).
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import {
  testImagesPerCall,
  type GradientCheckResult,
  type LabApi,
  type LayerWeights,
  type ModelEvaluation,
  type ModelOpenedEvent,
  type ModelSummary,
  type MisclassifiedSample,
  type RunSummary,
  type TraceResult,
} from '@core/lab/contract';
import type { ScaleMode } from '@renderer/model/inspect/colour';
import { confusionMetrics, filterMisclassified, sortByConfidence, type MistakeFilter } from '@renderer/model/inspect/metrics';
import { attempt, couldNot } from '../lab';

export const INSPECT_VIEWS = ['weights', 'cnn', 'activations', 'misclassified', 'confusion', 'draw', 'gradcheck'] as const;
export type InspectViewName = (typeof INSPECT_VIEWS)[number];
export type GallerySort = 'confidence' | 'index';
/** What the activations view shows: a test image, or the digit drawn in the draw view. */
export type TraceSource = { kind: 'test'; index: number } | { kind: 'drawn' };

/** Marks a test image whose fetch is in flight. */
const EMPTY = new Uint8Array(0);

export interface InspectNotice {
  kind: 'info' | 'error';
  text: string;
}

export const useModelsStore = defineStore('models', () => {
  const model = shallowRef<ModelSummary | null>(null);
  const view = ref<InspectViewName>('weights');
  const notice = ref<InspectNotice | null>(null);
  /** What is being fetched, for the busy indicator; null when idle. */
  const busy = ref<string | null>(null);
  const runs = ref<RunSummary[]>([]);

  // Weights: every layer of the chosen checkpoint (null = the open model's own weights).
  const epoch = ref<number | null>(null);
  const layers = shallowRef<LayerWeights[]>([]);
  const layer = ref(1);
  const scaleMode = ref<ScaleMode>('shared');

  // The test-set evaluation and the gallery of mistakes.
  const evaluation = shallowRef<ModelEvaluation | null>(null);
  const filter = ref<MistakeFilter>({});
  const sort = ref<GallerySort>('confidence');
  /** Raw 0–255 test images by index, and a counter bumped when more arrive (canvases watch it). */
  const images = new Map<number, Uint8Array>();
  const imagesTick = shallowRef(0);
  const imageSize = ref({ width: 28, height: 28 });

  // Activations, the drawn digit and the gradient check.
  const traceSource = ref<TraceSource>({ kind: 'test', index: 0 });
  const trace = shallowRef<TraceResult | null>(null);
  const drawnInput = shallowRef<number[] | null>(null);
  const drawnTrace = shallowRef<TraceResult | null>(null);
  const gradSample = ref(0);
  /** Whether a person has run the check on an image of their choice (else the view suggests one). */
  const gradSampleChosen = ref(false);
  const gradCheck = shallowRef<GradientCheckResult | null>(null);

  let evaluating: Promise<void> | null = null;
  let drawing: { busy: boolean; next: number[] | null } = { busy: false, next: null };

  const modelId = computed(() => model.value?.modelId ?? null);
  const metrics = computed(() => (evaluation.value ? confusionMetrics(evaluation.value.confusion) : null));
  const gallery = computed<MisclassifiedSample[]>(() => {
    const list = filterMisclassified(evaluation.value?.misclassified ?? [], filter.value);
    return sort.value === 'confidence' ? sortByConfidence(list) : [...list].sort((a, b) => a.index - b.index);
  });
  const classes = computed(() => model.value?.dataset.classes ?? []);
  const current = computed(() => layers.value.find((w) => w.layer === layer.value) ?? null);
  const canEvaluate = computed(() => model.value?.datasetId != null);

  const fail = (what: string, message: string): void => void (notice.value = { kind: 'error', text: couldNot(what, message) });

  /** Calls the lab and turns a refusal into a notice; answers for a model that was replaced meanwhile are dropped. */
  async function act<T>(what: string, call: (lab: LabApi) => Promise<T>): Promise<T | undefined> {
    const id = modelId.value;
    busy.value = what;
    const result = await attempt(call);
    if (busy.value === what) busy.value = null;
    if (modelId.value !== id) return undefined;
    if (result.ok) return result.value;
    fail(what, result.message);
    return undefined;
  }

  /** Roll-backs the open model's run had when it was opened: a later one deleted checkpoints it lists. */
  let openedRollbacks = 0;
  const rollbacksOf = (runId: string) => runs.value.find((r) => r.id === runId)?.rollbacks ?? [];

  /** Runs that have saved weights (at least one finished epoch), newest first. */
  async function refreshRuns(): Promise<void> {
    const listed = await attempt((lab) => lab.listRuns());
    if (!listed.ok) return fail('list the runs', listed.message);
    runs.value = listed.value.filter((r) => r.history.length > 0).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    await reopenIfRolledBack();
  }

  /** The open run went back to an earlier epoch since it was opened here: its slider would offer deleted checkpoints. */
  async function reopenIfRolledBack(): Promise<void> {
    const source = model.value?.source;
    if (source?.kind !== 'run') return;
    const rollbacks = rollbacksOf(source.runId);
    if (rollbacks.length <= openedRollbacks) return;
    openedRollbacks = rollbacks.length;
    await openRun(source.runId);
    notice.value = {
      kind: 'info',
      text: `Run "${source.runName}" went back to epoch ${rollbacks.at(-1)!.toEpoch} after it was opened here, so its later checkpoints are gone: it is reopened at its latest saved epoch.`,
    };
  }

  /** Asks main for a model file. A damaged file leaves the open model as it was and says why. */
  async function openFile(): Promise<void> {
    busy.value = 'open the model';
    const answer = await attempt((lab) => lab.openModel());
    const result = answer.ok ? answer.value : { status: 'failed' as const, message: answer.message };
    if (result.status === 'failed') fail('open the model', result.message);
    else if (result.status === 'opened') await show(result.model);
    busy.value = null;
  }

  /** Opens the bundled example model (Nielsen's 784-30-10, trained by the CLI with seed 1). */
  async function openExample(): Promise<void> {
    busy.value = 'open the example model';
    const answer = await attempt((lab) => lab.openExampleModel());
    const result = answer.ok ? answer.value : { status: 'failed' as const, message: answer.message };
    if (result.status === 'failed') fail('open the example model', result.message);
    else if (result.status === 'opened') await show(result.model);
    busy.value = null;
  }

  /** A model file main opened from outside the page (command line, second launch, the OS): show it, or say why it was refused. */
  async function showOpened(result: ModelOpenedEvent['result']): Promise<void> {
    if (result.status === 'failed') notice.value = { kind: 'error', text: `Could not open the model: ${result.message}` };
    else await show(result.model);
  }

  /** Opens a run's latest checkpoint, its best, or a given epoch's. */
  async function openRun(runId: string, which: 'latest' | 'best' | number = 'latest'): Promise<void> {
    busy.value = 'open the run';
    const request = which === 'best' ? { runId, best: true } : which === 'latest' ? { runId } : { runId, epoch: which };
    // The run's roll-backs as of now (the list held here may be older than the run).
    const answer = await attempt((lab) => Promise.all([lab.openRunModel(request), lab.listRuns()]));
    if (answer.ok) {
      const [summary, listed] = answer.value;
      openedRollbacks = listed.find((r) => r.id === runId)?.rollbacks?.length ?? 0;
      await show(summary);
    } else fail("open the run's model", answer.message);
    busy.value = null;
  }

  /** Makes `summary` the open model, closing the previous one and forgetting everything computed for it. */
  async function show(summary: ModelSummary): Promise<void> {
    const previous = model.value;
    model.value = summary;
    notice.value = null;
    epoch.value = null;
    layers.value = [];
    layer.value = 1;
    evaluation.value = null;
    evaluating = null;
    filter.value = {};
    trace.value = null;
    drawnTrace.value = null;
    gradCheck.value = null;
    traceSource.value = { kind: 'test', index: 0 };
    // Closing only frees memory in main: a refusal there changes nothing here.
    if (previous) void attempt((lab) => lab.closeModel({ modelId: previous.modelId }));
    await loadWeights();
    if (drawnInput.value) void predictDrawn(drawnInput.value);
  }

  /** Every layer's weights at the chosen checkpoint. */
  async function loadWeights(): Promise<void> {
    const m = model.value;
    if (!m) return;
    const at = epoch.value;
    const loaded = await act('load the weights', (lab) =>
      Promise.all(
        m.spec.layers.map((_, i) =>
          lab.getWeights(at === null ? { modelId: m.modelId, layer: i + 1 } : { modelId: m.modelId, layer: i + 1, epoch: at }),
        ),
      ),
    );
    if (loaded && epoch.value === at) layers.value = loaded;
  }

  async function setEpoch(value: number | null): Promise<void> {
    if (epoch.value === value) return;
    epoch.value = value;
    await loadWeights();
  }

  /** The test-set evaluation, fetched once per model. */
  function ensureEvaluation(): Promise<void> {
    if (!model.value || evaluation.value || !canEvaluate.value) return Promise.resolve();
    const id = model.value.modelId;
    evaluating ??= act('evaluate the model on the test set', (lab) => lab.evaluateModel({ modelId: id })).then((result) => {
      if (result) evaluation.value = result;
      else evaluating = null;
    });
    return evaluating;
  }

  /** Fetches the raw test images not yet cached, as many per call as one reply carries (testImagesPerCall). */
  async function loadImages(indices: readonly number[]): Promise<void> {
    const wanted = [...new Set(indices)].filter((i) => !images.has(i));
    const perCall = testImagesPerCall(model.value?.dataset.inputShape.reduce((a, b) => a * b, 1) ?? 784);
    for (let start = 0; start < wanted.length; start += perCall) {
      const batch = wanted.slice(start, start + perCall);
      for (const i of batch) images.set(i, EMPTY); // in flight: not asked for twice
      const answer = await attempt((lab) => lab.getTestImages({ datasetId: model.value?.datasetId ?? 'mnist', indices: batch }));
      if (!answer.ok) {
        for (const i of batch) images.delete(i);
        imagesTick.value++;
        return fail('load the test images', answer.message);
      }
      const page = answer.value;
      const size = page.width * page.height;
      imageSize.value = { width: page.width, height: page.height };
      page.indices.forEach((index, k) => images.set(index, Uint8Array.from(page.pixels.subarray(k * size, (k + 1) * size))));
      imagesTick.value++;
    }
  }

  /** A cached test image (raw 0–255), or undefined while it is not here yet. */
  function image(index: number): Uint8Array | undefined {
    const pixels = images.get(index);
    return pixels && pixels.length > 0 ? pixels : undefined;
  }

  function setFilter(next: MistakeFilter): void {
    filter.value = { ...next };
  }

  /** Shows exactly the mistakes of one confusion cell in the gallery. */
  function filterByCell(trueClass: number, predictedClass: number): void {
    filter.value = { trueClass, predictedClass };
    view.value = 'misclassified';
  }

  /** Traces what the activations view shows: a test image, or the drawn digit. */
  async function traceActivations(source: TraceSource = traceSource.value): Promise<void> {
    const m = model.value;
    if (!m) return;
    traceSource.value = source;
    if (source.kind === 'drawn' && !drawnInput.value) {
      trace.value = null;
      return;
    }
    const request =
      source.kind === 'test' ? { modelId: m.modelId, testIndex: source.index } : { modelId: m.modelId, input: drawnInput.value! };
    const result = await act('trace the activations', (lab) => lab.traceActivations(request));
    if (result) trace.value = result;
  }

  /** Opens a test image in the activations view (from the gallery, say). */
  async function inspectTestImage(index: number): Promise<void> {
    view.value = 'activations';
    await traceActivations({ kind: 'test', index });
  }

  /**
   * The live prediction for the drawn digit (raw 0–255, prepared 28 × 28), or null to clear it.
   * While one request is in flight only the newest drawing waits, so fast strokes never queue up.
   */
  async function predictDrawn(input: number[] | null): Promise<void> {
    drawnInput.value = input;
    if (!input) {
      drawnTrace.value = null;
      return;
    }
    if (drawing.busy) {
      drawing.next = input;
      return;
    }
    const m = model.value;
    if (!m) return;
    drawing.busy = true;
    try {
      const result = await act('predict the drawn digit', (lab) => lab.traceActivations({ modelId: m.modelId, input }));
      if (result && drawnInput.value === input) drawnTrace.value = result;
    } finally {
      drawing.busy = false;
    }
    const next = drawing.next;
    drawing.next = null;
    if (next) await predictDrawn(next);
  }

  async function runGradientCheck(index = gradSample.value): Promise<void> {
    const m = model.value;
    if (!m) return;
    gradSample.value = index;
    gradSampleChosen.value = true;
    const result = await act('run the gradient check', (lab) => lab.gradientCheck({ modelId: m.modelId, testIndex: index }));
    if (result) gradCheck.value = result;
  }

  function dismissNotice(): void {
    notice.value = null;
  }

  /** Forgets the cached images and the draw queue (for tests and when the tab closes). */
  function reset(): void {
    images.clear();
    drawing = { busy: false, next: null };
  }

  return {
    model,
    view,
    notice,
    busy,
    runs,
    epoch,
    layers,
    layer,
    scaleMode,
    evaluation,
    filter,
    sort,
    imagesTick,
    imageSize,
    traceSource,
    trace,
    drawnInput,
    drawnTrace,
    gradSample,
    gradSampleChosen,
    gradCheck,
    modelId,
    metrics,
    gallery,
    classes,
    current,
    canEvaluate,
    refreshRuns,
    openExample,
    openFile,
    showOpened,
    openRun,
    loadWeights,
    setEpoch,
    ensureEvaluation,
    loadImages,
    image,
    setFilter,
    filterByCell,
    traceActivations,
    inspectTestImage,
    predictDrawn,
    runGradientCheck,
    dismissNotice,
    reset,
  };
});
