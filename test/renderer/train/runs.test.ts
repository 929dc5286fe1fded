// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { UNDO_DELETE_MS, useRunsStore } from '@renderer/stores/runs';
import type { LabApi, RunEvent } from '@core/lab/contract';
import { installFakeLab, labEvents, type LabEvents } from '../fake-lab';
import { epochReport, runVerbs, summary } from './fixtures';

type Progress = Extract<RunEvent, { type: 'progress' }>;

const progress = (runId: string, steps: number[], extra: Partial<Progress> = {}): Progress => ({
  type: 'progress',
  runId,
  epoch: 1,
  batch: steps.at(-1) ?? 0,
  batchesPerEpoch: 100,
  samplesPerSecond: 5000,
  learningRate: 3,
  points: steps.map((step) => ({ step, loss: 2 / step })),
  gradientNorms: [0.001, 0.5],
  ...extra,
});

let lab: LabApi;
let events: LabEvents;

async function loaded(runs = [summary('a', { createdAt: '2025-01-01T10:00:00Z' })]) {
  events = labEvents();
  lab = installFakeLab({ ...runVerbs(runs), onEvent: events.onEvent });
  const store = useRunsStore();
  store.connect();
  await store.load();
  return store;
}

beforeEach(() => {
  setActivePinia(createPinia());
});
afterEach(() => {
  vi.useRealTimers();
});

describe('runs store: connection and listing', () => {
  it('subscribes once and unsubscribes on disconnect', async () => {
    const store = await loaded();
    store.connect();
    expect(events.listeners).toBe(1);
    store.disconnect();
    expect(events.listeners).toBe(0);
  });

  it('lists runs newest first, focuses the newest active one and charts stored history', async () => {
    const store = await loaded([
      summary('old', { createdAt: '2025-01-01T09:00:00Z', status: 'finished', history: [epochReport(1), epochReport(2)] }),
      summary('live', { createdAt: '2025-01-01T08:00:00Z', status: 'paused' }),
      summary('new', { createdAt: '2025-01-01T10:00:00Z', status: 'stopped' }),
    ]);
    expect(store.ordered.map((r) => r.id)).toEqual(['new', 'old', 'live']);
    expect(store.focusedId).toBe('live');
    const epochs = store.seriesOf('old').epochs;
    expect(epochs.trainLoss).toEqual([
      { x: 1, y: 1 },
      { x: 2, y: 0.5 },
    ]);
    expect(epochs.validationAccuracy.map((p) => p.y)).toEqual([0.49, 0.5]);
    expect(epochs.gradients[0]!.map((p) => p.y)).toEqual([0.01, 0.01]);
  });

  it('turns a failed listing into a notice instead of throwing', async () => {
    events = labEvents();
    lab = installFakeLab({ ...runVerbs(), onEvent: events.onEvent });
    vi.mocked(lab.listRuns).mockRejectedValueOnce(new Error('disk full'));
    const store = useRunsStore();
    await store.load();
    expect(store.notice).toEqual({ kind: 'error', text: 'Could not list the runs: disk full' });
  });
});

describe('runs store: events', () => {
  it('appends batched progress points in epoch units, with an EMA, per-layer gradients and throughput', async () => {
    const store = await loaded();
    const tick = store.tick;
    events.emit(progress('a', [1, 2, 3]));
    events.emit(progress('a', [4, 5], { gradientNorms: [0, 0.4], samplesPerSecond: 6000 }));
    const s = store.seriesOf('a');
    expect(s.loss.map((p) => p.x)).toEqual([0.01, 0.02, 0.03, 0.04, 0.05]);
    expect(s.loss[0]!.y).toBe(2);
    // The bias-corrected EMA starts at the first loss and lags behind the falling raw loss.
    expect(s.smooth[0]!.y).toBeCloseTo(2);
    expect(s.smooth[4]!.y).toBeGreaterThan(s.loss[4]!.y);
    expect(s.smooth[4]!.y).toBeLessThan(s.loss[0]!.y);
    // A zero norm cannot sit on a log axis: layer 1 skips it.
    expect(s.gradients[0]!.map((p) => p.y)).toEqual([0.001]);
    expect(s.gradients[1]!.map((p) => p.y)).toEqual([0.5, 0.4]);
    expect(s.throughput.map((p) => p.y)).toEqual([5000, 6000]);
    expect(store.focused?.progress).toEqual({ epoch: 1, batch: 5, batchesPerEpoch: 100, samplesPerSecond: 6000, learningRate: 3 });
    expect(store.tick).toBe(tick + 2);
  });

  it('skips non-finite losses and repeated steps so x stays strictly increasing', async () => {
    const store = await loaded();
    events.emit({
      ...progress('a', [1, 2]),
      points: [
        { step: 1, loss: 1 },
        { step: 2, loss: NaN },
      ],
    });
    events.emit(progress('a', [1, 3]));
    expect(store.seriesOf('a').loss.map((p) => p.x)).toEqual([0.01, 0.03]);
  });

  it('records epoch reports, replacing a repeated epoch', async () => {
    const store = await loaded();
    events.emit({ type: 'epoch', runId: 'a', report: epochReport(1) });
    events.emit({ type: 'epoch', runId: 'a', report: epochReport(2) });
    events.emit({ type: 'epoch', runId: 'a', report: epochReport(2, { trainLoss: 0.25 }) });
    expect(store.focused?.history.map((r) => r.trainLoss)).toEqual([1, 0.25]);
    expect(store.seriesOf('a').epochs.trainLoss.at(-1)).toEqual({ x: 2, y: 0.25 });
  });

  it('appends the epochs a coalesced event carries, oldest first, without the history being resent', async () => {
    const store = await loaded();
    events.emit({ type: 'epoch', runId: 'a', report: epochReport(1) });
    events.emit({ type: 'epoch', runId: 'a', report: epochReport(4, { trainLoss: 0.4 }), before: [epochReport(2), epochReport(3)] });
    expect(store.focused?.history.map((r) => r.epoch)).toEqual([1, 2, 3, 4]);
    expect(store.seriesOf('a').epochs.trainLoss.map((p) => p.x)).toEqual([1, 2, 3, 4]);
    expect(store.seriesOf('a').epochs.trainLoss.at(-1)).toEqual({ x: 4, y: 0.4 });
  });

  it('follows status changes and keeps the status message', async () => {
    const store = await loaded();
    events.emit({ type: 'status', runId: 'a', status: 'queued', queuePosition: 2 });
    expect(store.focused).toMatchObject({ status: 'queued', queuePosition: 2 });
    events.emit({ type: 'status', runId: 'a', status: 'failed', message: 'worker crashed: out of memory' });
    expect(store.focused?.status).toBe('failed');
    expect(store.explanation).toMatchObject({ kind: 'failed', title: 'Training failed', detail: 'worker crashed: out of memory' });
  });

  it('explains a non-finite pause, suggests η/10, and clears it when the run resumes', async () => {
    const store = await loaded();
    events.emit(progress('a', [1]));
    events.emit({ type: 'non-finite', runId: 'a', detail: { what: 'gradient', layer: 2, epoch: 2, batch: 140 } });
    events.emit({ type: 'status', runId: 'a', status: 'paused', message: 'paused: non-finite gradient' });
    const e = store.explanation!;
    expect(e.kind).toBe('non-finite');
    expect(e.detail).toContain('The gradient of layer 3 became NaN or infinite at epoch 2, batch 140');
    expect(e.tips[0]).toBe('Lower the learning rate: try η/10 = 0.3 (it is 3 now).');
    expect(e.suggestedLearningRate).toBe(0.3);
    events.emit({ type: 'status', runId: 'a', status: 'running' });
    expect(store.explanation).toBeNull();
    expect(store.focused?.message).toBeUndefined();
  });

  it('suggests a scaled initialisation when the weights start as N(0, 1)', async () => {
    const store = await loaded([summary('a', { spec: { ...summary('a').spec, init: 'normal' } })]);
    events.emit({ type: 'non-finite', runId: 'a', detail: { what: 'loss', epoch: 1, batch: 7 } });
    expect(store.explanation?.detail).toContain('The loss became NaN or infinite at epoch 1, batch 7');
    expect(store.explanation?.tips.some((t) => t.includes('scaled initialisation'))).toBe(true);
    store.dismiss('a');
    expect(store.explanation).toBeNull();
  });

  it('replays events that arrive before startRun answers, and focuses the new run', async () => {
    const store = await loaded();
    let answer!: () => void;
    vi.mocked(lab.startRun).mockImplementationOnce(
      (request) =>
        new Promise(
          (resolve) => (answer = () => resolve(summary('b', { spec: request.spec, status: 'queued', createdAt: '2025-02-01T00:00:00Z' }))),
        ),
    );
    const started = store.start({ ...summary('x'), validation: true });
    events.emit({ type: 'status', runId: 'b', status: 'running' });
    events.emit(progress('b', [1, 2]));
    answer();
    await started;
    expect(store.focusedId).toBe('b');
    expect(store.focused?.status).toBe('running');
    expect(store.focused?.progress?.batch).toBe(2);
    expect(store.seriesOf('b').loss).toHaveLength(2);
    expect(lab.listRuns).toHaveBeenCalledTimes(1);
  });

  it('lists runs again when a run it does not know reports', async () => {
    vi.useFakeTimers();
    try {
      const store = await loaded();
      vi.mocked(lab.listRuns).mockResolvedValueOnce([summary('a'), summary('z', { createdAt: '2026-01-01T00:00:00Z' })]);
      events.emit({ type: 'status', runId: 'z', status: 'running' });
      await vi.advanceTimersByTimeAsync(400);
      expect(store.runs.map((r) => r.id).sort()).toEqual(['a', 'z']);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('runs store: overlays and differences', () => {
  const three = () => [
    summary('a', { createdAt: '2025-01-01T01:00:00Z', status: 'finished' }),
    summary('b', { createdAt: '2025-01-01T02:00:00Z', status: 'finished', settings: { ...summary('b').settings, learningRate: 0.5 } }),
    summary('c', {
      createdAt: '2025-01-01T03:00:00Z',
      status: 'finished',
      settings: { ...summary('c').settings, batchSize: 32, optimizer: 'momentum' },
      spec: {
        ...summary('c').spec,
        layers: [
          { units: 100, activation: 'relu' },
          { units: 10, activation: 'softmax' },
        ],
        loss: 'cross-entropy',
      },
    }),
  ];

  it('ticks runs to overlay them, never duplicating the focused run', async () => {
    const store = await loaded(three());
    expect(store.focusedId).toBe('c');
    store.toggleOverlay('a');
    store.toggleOverlay('c');
    expect(store.overlays.map((r) => r.id)).toEqual(['a']);
    store.toggleOverlay('a');
    expect(store.overlays).toEqual([]);
  });

  it('diffs the hovered run against the others, or against the ticked runs when some are ticked', async () => {
    const store = await loaded(three());
    store.hover('b');
    const byKey = Object.fromEntries(store.hoverDiff.map((d) => [d.key, d]));
    expect(byKey['learningRate']).toMatchObject({ label: 'Learning rate η', value: '0.5', others: ['3'] });
    expect(byKey['architecture']).toMatchObject({ value: '784-30-10 sigmoid', others: ['784-100 relu-10 softmax'] });
    expect(byKey['optimizer']?.others).toEqual(['momentum (μ 0.9)']);
    expect(byKey['seed']).toBeUndefined();
    store.toggleOverlay('a');
    expect(store.hoverDiff.map((d) => d.key)).toEqual(['learningRate']);
    store.hover(null);
    expect(store.hoverDiff).toEqual([]);
  });
});

describe('runs store: actions', () => {
  it('sends controls for the focused run', async () => {
    const store = await loaded();
    await store.pause();
    await store.step();
    await store.resume();
    await store.stop();
    for (const verb of ['pauseRun', 'stepRun', 'resumeRun', 'stopRun'] as const) expect(lab[verb]).toHaveBeenCalledWith({ runId: 'a' });
  });

  it('changes the learning rate mid-run and refuses nonsense', async () => {
    const store = await loaded();
    events.emit(progress('a', [1]));
    expect(await store.setLearningRate(-1)).toBe(false);
    expect(await store.setLearningRate(0.3)).toBe(true);
    expect(lab.setLearningRate).toHaveBeenCalledWith({ runId: 'a', learningRate: 0.3 });
    expect(store.focused?.progress?.learningRate).toBe(0.3);
    // The base η stays as designed; the change arrives as a record event (with the run's name after it).
    const base = store.focused!.settings.learningRate;
    expect(base).not.toBe(0.3);
    const change = {
      kind: 'learning-rate' as const,
      epoch: 1,
      batch: 1,
      time: '2025-01-01T00:01:00.000Z',
      detail: 'η → 0.3',
      from: base,
      to: 0.3,
    };
    events.emit({ type: 'record', runId: 'a', event: change, name: 'run a' });
    events.emit({ type: 'record', runId: 'a', event: change, name: 'run a' }); // heard twice, kept once
    expect(store.focused?.settings.learningRate).toBe(base);
    expect(store.focused?.events).toEqual([change]);
  });

  it('deletes a run with its series, overlay and focus', async () => {
    vi.useFakeTimers();
    const store = await loaded([
      summary('a', { status: 'finished' }),
      summary('b', { status: 'finished', createdAt: '2030-01-01T00:00:00Z' }),
    ]);
    store.toggleOverlay('a');
    store.focus('b');
    store.remove('b');
    // Gone from the list at once, deleted by the service only after its Undo ran out.
    expect(store.ordered.map((r) => r.id)).toEqual(['a']);
    expect(store.focusedId).toBe('a');
    expect(lab.deleteRun).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(UNDO_DELETE_MS);
    expect(lab.deleteRun).toHaveBeenCalledWith({ runId: 'b' });
    expect(store.runs.map((r) => r.id)).toEqual(['a']);
    store.remove('a');
    await vi.advanceTimersByTimeAsync(UNDO_DELETE_MS);
    expect(store.overlayIds).toEqual([]);
    expect(store.focusedId).toBeNull();
  });

  it('brings a deleted run back while its Undo lasts, and the service never deletes it', async () => {
    vi.useFakeTimers();
    const store = await loaded([
      summary('a', { status: 'finished', number: 1 }),
      summary('b', { status: 'finished', number: 2, name: 'wide' }),
    ]);
    store.remove('b');
    expect(store.deleting).toEqual([{ runId: 'b', label: '#2 wide' }]);
    expect(store.ordered.map((r) => r.id)).toEqual(['a']);
    await vi.advanceTimersByTimeAsync(UNDO_DELETE_MS - 1);
    store.undoDelete('b');
    await vi.advanceTimersByTimeAsync(UNDO_DELETE_MS);
    expect(lab.deleteRun).not.toHaveBeenCalled();
    expect(store.deleting).toEqual([]);
    expect(store.ordered.map((r) => r.id).sort()).toEqual(['a', 'b']);
  });

  it('renames a run with the name the service kept; a refusal is said', async () => {
    const store = await loaded([summary('a', { status: 'finished' })]);
    vi.mocked(lab.renameRun).mockResolvedValueOnce(summary('a', { name: 'mine' }));
    expect(await store.rename('a', '  mine ')).toBe(true);
    expect(lab.renameRun).toHaveBeenCalledWith({ runId: 'a', name: '  mine ' });
    expect(store.runs[0]!.name).toBe('mine');
    vi.mocked(lab.renameRun).mockRejectedValueOnce(new Error('name: no control characters'));
    expect(await store.rename('a', 'x\u0007')).toBe(false);
    expect(store.notice?.text).toBe('Could not rename the run: name: no control characters');
    expect(store.runs[0]!.name).toBe('mine');
  });

  it('saves a model and says where; a refused save becomes an error notice', async () => {
    const store = await loaded();
    await store.save('a');
    expect(store.notice).toEqual({ kind: 'info', text: 'Saved the model to /home/ada/model.json', path: '/home/ada/model.json' });
    vi.mocked(lab.saveModel).mockRejectedValueOnce(new Error('The run has no weights yet.'));
    await store.save('a');
    expect(store.notice).toEqual({ kind: 'error', text: 'Could not save the model: The run has no weights yet.' });
  });
});
