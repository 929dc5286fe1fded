import { describe, expect, it } from 'vitest';
import type { RunRecordEvent } from '@core/lab/contract';
import { describeResults, elideMiddle, eventX, rateChanged, rateHistory } from '@renderer/model/train/run-record';
import { eventMarks } from '@renderer/model/train/event-marks';
import { lossChart, accuracyChart, gradientChart, throughputChart, type ChartRun } from '@renderer/model/train/charts';
import { appendProgress, createSeries, setHistory } from '@renderer/model/train/series';
import { describeRun } from '@renderer/model/train/run-diff';
import { epochReport, summary } from './fixtures';

const at = (kind: RunRecordEvent['kind'], epoch: number, batch: number, extra: Partial<RunRecordEvent> = {}): RunRecordEvent => ({
  kind,
  epoch,
  batch,
  batchesPerEpoch: 100,
  time: '2026-01-01T00:00:00.000Z',
  detail: `${kind} at ${epoch}/${batch}`,
  ...extra,
});

describe('η as a history', () => {
  it('reads "3" while unchanged, and "3 → 0.5 at epoch 4" once changed, a roll-back named', () => {
    const run = summary('a', { settings: { ...summary('a').settings, learningRate: 3 } });
    expect(rateHistory(run)).toBe('3');
    expect(rateChanged(run)).toBe(false);
    run.events = [at('pause', 4, 0), at('learning-rate', 4, 0, { from: 3, to: 0.5 }), at('rollback', 6, 0, { from: 0.5, to: 0.1 })];
    expect(rateHistory(run)).toBe('3 → 0.5 at epoch 4 → 0.1 at epoch 6 (rolled back)');
    expect(rateChanged(run)).toBe(true);
    expect(describeRun(run).find((f) => f.key === 'learningRate')!.value).toBe(rateHistory(run));
    run.events = [at('learning-rate', 2, 30, { from: 3, to: 0.123456 })];
    expect(rateHistory(run)).toBe('3 → 0.1235 at epoch 2, batch 30');
  });
});

describe('results for the comparison', () => {
  it('names the best epoch on validation with the test accuracy there, the final losses, epochs and time', () => {
    const history = [
      epochReport(1, { validationAccuracy: 0.9, testAccuracy: 0.89, testLoss: 0.5 }),
      epochReport(2, { validationAccuracy: 0.95, testAccuracy: 0.94, testLoss: 0.3 }),
      epochReport(3, { validationAccuracy: 0.93, testAccuracy: 0.95, testLoss: 0.25, trainLoss: 0.2, validationLoss: 0.28 }),
    ];
    const rows = Object.fromEntries(describeResults({ history }).map((r) => [r.key, r]));
    expect(rows['best']).toMatchObject({ label: 'Best val. acc.', value: '95.0 % (epoch 2)' });
    expect(rows['bestTest']).toMatchObject({ value: '94.0 %' });
    expect(rows['trainLoss']!.value).toBe('0.200');
    expect(rows['heldOutLoss']!.value).toBe('0.280 / 0.250');
    expect(rows['epochs']!.value).toBe('3');
    expect(rows['time']!.value).toBe('8 s');
  });

  it('says when the best epoch was picked on the test set, and shows dashes for a run with no epochs', () => {
    const history = [epochReport(1, { validationAccuracy: undefined, validationLoss: undefined, testAccuracy: 0.8 })];
    expect(describeResults({ history })[0]).toMatchObject({ label: 'Best test acc.', value: '80.0 % (epoch 1)' });
    expect(describeResults({ history: [] }).map((r) => r.value)).toEqual(['—', '—', '—', '—', '0', '—']);
  });
});

describe('names that stay apart', () => {
  it('keeps a short name and cuts a long one in the middle, so its end (η) stays', () => {
    expect(elideMiddle('784-30-10 sgd η=3')).toBe('784-30-10 sgd η=3');
    const a = elideMiddle('784-100-100-100-30-10 momentum η=3→0.5', 30);
    const b = elideMiddle('784-100-100-100-30-10 momentum η=3→0.1', 30);
    expect(a.length).toBeLessThanOrEqual(30);
    expect(a).toContain('…');
    expect(a).not.toBe(b);
    expect(a.endsWith('η=3→0.5')).toBe(true);
  });
});

describe('event markers on the charts', () => {
  it('places each event at its epoch position on the line, one dataset per kind, with its words', () => {
    expect(eventX(at('step', 3, 25))).toBe(2.25);
    expect(eventX({ ...at('step', 3, 25), batchesPerEpoch: undefined }, 50)).toBe(2.5);
    const line = [0, 1, 2, 3].map((x) => ({ x, y: 10 - x }));
    const sets = eventMarks([at('pause', 2, 0), at('learning-rate', 2, 90, { to: 0.5 }), at('pause', 3, 0)], line);
    expect(sets.map((s) => s.label)).toEqual(['paused', 'η changed']);
    expect(sets[0]!.data).toEqual([
      { x: 1, y: 9, note: 'paused: pause at 2/0' },
      { x: 2, y: 8, note: 'paused: pause at 3/0' },
    ]);
    expect(sets[1]!.data).toEqual([{ x: 1.9, y: 8, note: 'η changed: learning-rate at 2/90' }]);
    expect(eventMarks([at('pause', 2, 0)], [])).toEqual([]);
  });

  it('marks the focused run’s events on every Train chart, in its legend', () => {
    const series = createSeries();
    setHistory(series, [epochReport(1), epochReport(2)]);
    appendProgress(series, {
      type: 'progress',
      runId: 'a',
      epoch: 2,
      batch: 50,
      batchesPerEpoch: 100,
      samplesPerSecond: 1000,
      learningRate: 3,
      points: [{ step: 150, loss: 0.4 }],
      gradientNorms: [0.1, 0.2],
    });
    const run: ChartRun = {
      name: 'a',
      colour: 0,
      spec: summary('a').spec,
      epochs: 10,
      series,
      events: [at('learning-rate', 2, 0, { from: 3, to: 0.5 })],
    };
    for (const chart of [
      lossChart({ focused: run, overlays: [] }, false),
      accuracyChart({ focused: run, overlays: [] }),
      gradientChart({ focused: run, overlays: [] }),
      throughputChart({ focused: run, overlays: [] }),
    ]) {
      const marker = chart.datasets.findIndex((d) => d.label === 'η changed');
      expect(marker).toBeGreaterThanOrEqual(0);
      expect(marker).toBeLessThan(chart.legendItems ?? Infinity);
      expect(chart.datasets[marker]!.data[0]!.x).toBe(1);
    }
  });
});
