/**
 * Runs: the summaries of past and current runs (reactive, small) and their chart series (plain
 * arrays outside reactivity, see model/train/series.ts). Talks to window.lab only inside actions.
 * About 380 lines: the run list, its event stream and the controls (a deletion's Undo included)
 * share one lifecycle of the runs (what an event changes, a control must see), so they stay in one store.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import {
  isRunEvent,
  type LabApi,
  type RollbackPoints,
  type RunEvent,
  type RunRecordEvent,
  type RunSummary,
  type StartRunRequest,
} from '@core/lab/contract';
import type { EpochReport, NonFinite } from '@core/engine/reports';
import { appendProgress, createSeries, cutSeries, setHistory, type RunSeries } from '@renderer/model/train/series';
import { explainFailure, explainNonFinite, type Explanation } from '@renderer/model/train/explain';
import { diffRun, type FieldDiff } from '@renderer/model/train/run-diff';
import { latestRate } from '@renderer/model/train/run-record';
import type { XAxisName } from '@renderer/model/train/x-axis';
import type { LiveProgress } from '@renderer/model/train/progress';
import { count, quantity } from '@renderer/model/format';
import { attempt, couldNot, useLab } from '../lab';
import { useComputeStore } from './compute';

export interface RunState extends RunSummary {
  progress: LiveProgress | null;
  nonFinite: NonFinite | null;
  /** Index into the run palette, fixed for the run's lifetime. */
  colour: number;
  /**
   * Pause or Resume asked (by a button or the menu) and its new status not yet back: the worker
   * stops between batches, at an epoch's end after its evaluation, so the window says so at once.
   */
  asked?: 'pause' | 'resume';
}

export interface Notice {
  kind: 'info' | 'error';
  text: string;
  /** A file the lab just saved: the notice offers to show it in its folder. */
  path?: string;
}

const ACTIVE = new Set(['queued', 'running', 'paused']);
/** How long a deleted run can be brought back (its Undo) before the service deletes it. */
export const UNDO_DELETE_MS = 6000;
/** Runs whose per-batch arrays are kept; older ones keep only their per-epoch curves. */
const MAX_BATCH_SERIES = 6;

export const isActive = (run: RunSummary): boolean => ACTIVE.has(run.status);

export const useRunsStore = defineStore('runs', () => {
  const runs = ref<RunState[]>([]);
  const focusedId = ref<string | null>(null);
  const overlayIds = ref<string[]>([]);
  const hoveredId = ref<string | null>(null);
  /** What x measures on the charts: epochs, samples seen or training time (runs of different lengths compared). */
  const xAxis = ref<XAxisName>('epoch');
  const dismissed = ref<string[]>([]);
  const notice = ref<Notice | null>(null);
  const starting = ref(false);
  /** Bumped whenever chart data changes: charts watch this, never the arrays. */
  const tick = shallowRef(0);
  /** Runs deleted in the page and waiting out their Undo, oldest first: hidden everywhere, still in the service. */
  const deleting = ref<{ runId: string; label: string }[]>([]);
  const deleteTimers = new Map<string, ReturnType<typeof setTimeout>>();

  const series = new Map<string, RunSeries>();
  const pending = new Map<string, RunEvent[]>();
  let unsubscribe: (() => void) | null = null;
  let nextColour = 0;
  let refreshTimer: ReturnType<typeof setTimeout> | null = null;

  const find = (id: string | null): RunState | undefined => runs.value.find((r) => r.id === id);
  const hidden = (id: string): boolean => deleting.value.some((d) => d.runId === id);
  /** The runs shown (a run waiting out its Undo is not), newest first. */
  const ordered = computed(() => runs.value.filter((r) => !hidden(r.id)).sort((a, b) => b.createdAt.localeCompare(a.createdAt)));
  const focused = computed(() => find(focusedId.value) ?? null);
  const overlays = computed(() =>
    overlayIds.value.flatMap((id) => find(id) ?? []).filter((r) => r.id !== focusedId.value && !hidden(r.id)),
  );
  const hoverDiff = computed<FieldDiff[]>(() => {
    const run = find(hoveredId.value);
    if (!run) return [];
    const ticked = overlayIds.value.filter((id) => id !== run.id && !hidden(id)).flatMap((id) => find(id) ?? []);
    return diffRun(run, ticked.length ? ticked : ordered.value.filter((r) => r.id !== run.id));
  });
  const explanation = computed<Explanation | null>(() => {
    const run = focused.value;
    if (!run || dismissed.value.includes(run.id)) return null;
    if (run.status === 'failed') return explainFailure(run.message);
    if (run.nonFinite) return explainNonFinite(run.nonFinite, run, run.progress?.learningRate ?? latestRate(run));
    return null;
  });

  function seriesOf(id: string): RunSeries {
    let s = series.get(id);
    if (!s) series.set(id, (s = createSeries()));
    return s;
  }

  function bump(): void {
    tick.value++;
  }

  function upsert(summary: RunSummary, from: 'list' | 'start'): RunState {
    const existing = find(summary.id);
    if (existing) {
      // A listing is newer than our events; a start reply is older than them.
      if (from === 'list') Object.assign(existing, summary, { message: summary.message });
      return existing;
    }
    runs.value.push({ ...summary, progress: null, nonFinite: null, colour: nextColour++ });
    const run = runs.value[runs.value.length - 1]!;
    setHistory(seriesOf(run.id), run.history);
    const waiting = pending.get(run.id) ?? [];
    pending.delete(run.id);
    if (from === 'start') waiting.forEach((e) => apply(run, e));
    return run;
  }

  /** Appends the epochs of one event (a fast run's come several at once); an epoch already held is replaced. */
  function recordEpochs(run: RunState, reports: EpochReport[]): void {
    for (const report of reports) {
      const last = run.history[run.history.length - 1];
      const at = last && last.epoch < report.epoch ? -1 : run.history.findIndex((r) => r.epoch === report.epoch);
      if (at >= 0) run.history.splice(at, 1, report);
      else run.history.push(report);
      if (report.nonFinite) run.nonFinite = report.nonFinite;
    }
    setHistory(seriesOf(run.id), run.history);
  }

  /** A record event (η changed, a pause…), unless a listing already brought it; the name is the service's after it. */
  function recordEvent(run: RunState, event: RunRecordEvent, name: string): void {
    const held = run.events ?? [];
    const same = (e: RunRecordEvent) =>
      e.time === event.time && e.kind === event.kind && e.epoch === event.epoch && e.batch === event.batch;
    if (!held.some(same)) run.events = [...held, event];
    run.name = name;
  }

  function apply(run: RunState, event: RunEvent): void {
    if (event.type === 'status') {
      run.asked = undefined;
      run.status = event.status;
      run.queuePosition = event.queuePosition;
      if (event.message !== undefined) run.message = event.message;
      else if (event.status === 'running' || event.status === 'queued') run.message = undefined;
      if (event.status === 'running') {
        run.nonFinite = null;
        dismissed.value = dismissed.value.filter((id) => id !== run.id);
      }
    } else if (event.type === 'progress') {
      const { epoch, batch, batchesPerEpoch, samplesPerSecond, learningRate } = event;
      run.progress = { epoch, batch, batchesPerEpoch, samplesPerSecond, learningRate };
      if (event.backend) run.backend = event.backend;
      if (event.threads) run.threads = event.threads;
    } else if (event.type === 'epoch') recordEpochs(run, [...(event.before ?? []), event.report]);
    else if (event.type === 'record') recordEvent(run, event.event, event.name);
    else run.nonFinite = event.detail;
  }

  function handle(event: RunEvent): void {
    if (event.type === 'progress') appendProgress(seriesOf(event.runId), event);
    const run = find(event.runId);
    if (run) apply(run, event);
    else {
      pending.set(event.runId, [...(pending.get(event.runId) ?? []), event]);
      if (!starting.value) scheduleRefresh();
    }
    if (event.type !== 'status') bump();
  }

  function scheduleRefresh(): void {
    refreshTimer ??= setTimeout(() => {
      refreshTimer = null;
      void load();
    }, 300);
  }

  function connect(): void {
    // The stream also carries import progress (the dataset library's) and models opened from outside: runs only here.
    unsubscribe ??= useLab().onEvent((event) => isRunEvent(event) && handle(event));
  }

  function disconnect(): void {
    unsubscribe?.();
    unsubscribe = null;
    if (refreshTimer) clearTimeout(refreshTimer);
    refreshTimer = null;
  }

  /** Calls the lab; a refusal becomes the error notice "Could not <what>: …" and undefined. */
  async function act<T>(what: string, call: (lab: LabApi) => Promise<T>): Promise<T | undefined> {
    const result = await attempt(call);
    if (result.ok) return result.value;
    notice.value = { kind: 'error', text: couldNot(what, result.message) };
    return undefined;
  }

  async function load(): Promise<void> {
    const listed = await act('list the runs', (lab) => lab.listRuns());
    if (!listed) return;
    const ids = new Set(listed.map((r) => r.id));
    runs.value = runs.value.filter((r) => ids.has(r.id));
    [...listed].sort((a, b) => a.createdAt.localeCompare(b.createdAt)).forEach((r) => upsert(r, 'list'));
    for (const r of runs.value) setHistory(seriesOf(r.id), r.history);
    listed.forEach((r) => pending.delete(r.id));
    if (!find(focusedId.value)) focusedId.value = (ordered.value.find(isActive) ?? ordered.value[0])?.id ?? null;
    bump();
  }

  async function start(request: StartRunRequest): Promise<void> {
    starting.value = true;
    const summary = await act('start the run', (lab) => lab.startRun({ checkpoints: { ...useComputeStore().checkpoints }, ...request }));
    starting.value = false;
    if (!summary) return;
    const run = upsert(summary, 'start');
    focusedId.value = run.id;
    notice.value = null;
    trimSeries();
    bump();
  }

  /** Frees the per-batch arrays of old runs; their per-epoch curves stay. */
  function trimSeries(): void {
    const withBatches = ordered.value.filter((r) => (series.get(r.id)?.loss.length ?? 0) > 0);
    for (const run of withBatches.slice(MAX_BATCH_SERIES)) {
      if (run.id === focusedId.value || isActive(run)) continue;
      const s = seriesOf(run.id);
      s.loss.length = s.smooth.length = s.throughput.length = s.gradients.length = 0;
    }
  }

  const control =
    (verb: 'stepRun' | 'stopRun', what: string) =>
    async (runId = focusedId.value): Promise<void> => {
      if (runId) await act(what, (lab) => lab[verb]({ runId }));
    };

  /** Pause or Resume: the run shows it was asked until its status event (or the lab's refusal) comes back. */
  const ask =
    (verb: 'pauseRun' | 'resumeRun', what: string, asked: 'pause' | 'resume') =>
    async (runId = focusedId.value): Promise<void> => {
      if (!runId) return;
      const run = find(runId);
      if (run) run.asked = asked;
      const done = await act(what, async (lab) => (await lab[verb]({ runId }), true));
      // Refused (a notice says why): the status will not change, so the button comes back.
      if (!done && run?.asked === asked) run.asked = undefined;
    };

  async function setLearningRate(learningRate: number, runId = focusedId.value): Promise<boolean> {
    if (!runId || !(learningRate > 0) || !Number.isFinite(learningRate)) return false;
    const done = await act('change the learning rate', async (lab) => (await lab.setLearningRate({ runId, learningRate }), true));
    const run = find(runId);
    // The run's settings keep their base η: the change comes back as a record event.
    if (done && run?.progress) run.progress.learningRate = learningRate;
    return done ?? false;
  }

  /** The saved epochs a paused run can go back to, and the healthy one the service suggests (null on error: a notice says why). */
  async function rollbackPoints(runId: string): Promise<RollbackPoints | null> {
    return (await act("read the run's saved epochs", (lab) => lab.rollbackPoints({ runId }))) ?? null;
  }

  /**
   * Goes back to a saved epoch and trains on at η: the service cuts the later epochs, so the charts
   * drop them too. The batch points go before the call (the new branch's first points may arrive
   * before its answer, and x must keep increasing) and come back if it is refused. Reports there
   * before the call are the ones cut; any that arrive meanwhile are the new branch's.
   */
  async function resumeFromEpoch(runId: string, epoch: number, learningRate: number): Promise<boolean> {
    const run = find(runId);
    if (!run || !(learningRate > 0) || !Number.isFinite(learningRate)) return false;
    const stale = new Set(run.history.filter((r) => r.epoch > epoch));
    const restore = cutSeries(seriesOf(runId), epoch);
    const done = await act(`go back to epoch ${epoch}`, async (lab) => (await lab.resumeFromEpoch({ runId, epoch, learningRate }), true));
    if (!done) {
      restore();
      bump();
      return false;
    }
    run.history = run.history.filter((r) => !stale.has(r));
    run.nonFinite = null;
    if (run.progress) run.progress.learningRate = learningRate;
    setHistory(seriesOf(runId), run.history);
    notice.value = { kind: 'info', text: `Went back to epoch ${count(epoch)}: training on at η = ${quantity(learningRate)}.` };
    bump();
    return true;
  }

  /**
   * Deletes a run in two steps: it leaves the list at once with an Undo offered for UNDO_DELETE_MS,
   * and only then does the service delete it (its record and files).
   */
  function remove(runId: string): void {
    const run = find(runId);
    if (!run || hidden(runId)) return;
    deleting.value = [...deleting.value, { runId, label: `#${run.number ?? '?'} ${run.name}` }];
    if (focusedId.value === runId) focusedId.value = ordered.value[0]?.id ?? null;
    if (hoveredId.value === runId) hoveredId.value = null;
    deleteTimers.set(
      runId,
      setTimeout(() => void finishDelete(runId), UNDO_DELETE_MS),
    );
    bump();
  }

  /** Brings back a run deleted less than UNDO_DELETE_MS ago. */
  function undoDelete(runId: string): void {
    const timer = deleteTimers.get(runId);
    if (timer === undefined) return;
    clearTimeout(timer);
    deleteTimers.delete(runId);
    deleting.value = deleting.value.filter((d) => d.runId !== runId);
    focusedId.value ??= runId;
    bump();
  }

  /** The service deletes the run (its Undo is over); refused, the run comes back with the reason. */
  async function finishDelete(runId: string): Promise<void> {
    const timer = deleteTimers.get(runId);
    if (timer !== undefined) clearTimeout(timer);
    deleteTimers.delete(runId);
    const done = await act('delete the run', async (lab) => (await lab.deleteRun({ runId }), true));
    deleting.value = deleting.value.filter((d) => d.runId !== runId);
    if (!done) return bump();
    runs.value = runs.value.filter((r) => r.id !== runId);
    overlayIds.value = overlayIds.value.filter((id) => id !== runId);
    series.delete(runId);
    if (focusedId.value === runId) focusedId.value = ordered.value[0]?.id ?? null;
    if (hoveredId.value === runId) hoveredId.value = null;
    bump();
  }

  /** Renames a run (the service refuses a blank name or control characters, and says so). */
  async function rename(runId: string, name: string): Promise<boolean> {
    const renamed = await act('rename the run', (lab) => lab.renameRun({ runId, name }));
    const run = find(runId);
    if (renamed && run) run.name = renamed.name;
    return renamed !== undefined;
  }

  async function save(runId: string): Promise<void> {
    const result = await act('save the model', (lab) => lab.saveModel({ runId }));
    if (result?.saved) notice.value = { kind: 'info', text: `Saved the model to ${result.path}`, path: result.path };
  }

  function focus(runId: string): void {
    focusedId.value = runId;
    bump();
  }

  function toggleOverlay(runId: string): void {
    const ids = overlayIds.value;
    overlayIds.value = ids.includes(runId) ? ids.filter((id) => id !== runId) : [...ids, runId];
    bump();
  }

  function hover(runId: string | null): void {
    hoveredId.value = runId;
  }

  function dismiss(runId: string): void {
    if (!dismissed.value.includes(runId)) dismissed.value = [...dismissed.value, runId];
  }

  return {
    runs,
    ordered,
    focusedId,
    focused,
    overlayIds,
    overlays,
    hoveredId,
    xAxis,
    hoverDiff,
    explanation,
    notice,
    starting,
    tick,
    seriesOf,
    handle,
    connect,
    disconnect,
    load,
    start,
    setLearningRate,
    rollbackPoints,
    resumeFromEpoch,
    remove,
    undoDelete,
    finishDelete,
    deleting,
    rename,
    save,
    focus,
    toggleOverlay,
    hover,
    dismiss,
    pause: ask('pauseRun', 'pause the run', 'pause'),
    resume: ask('resumeRun', 'resume the run', 'resume'),
    step: control('stepRun', 'run one batch'),
    stop: control('stopRun', 'stop the run'),
  };
});
