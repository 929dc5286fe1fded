import { describe, expect, it } from 'vitest';
import { accuracyChart, gradientChart, lossChart, throughputChart, type ChartRun } from '@renderer/model/train/charts';
import { appendProgress, createSeries, setHistory } from '@renderer/model/train/series';
import { epochTo, samplesPerEpoch, X_AXIS_TEXT } from '@renderer/model/train/x-axis';
import { eventMarks } from '@renderer/model/train/event-marks';
import { epochReport, summary } from './fixtures';

/** A run of `epochs` finished epochs on `train` images, each epoch taking `seconds[e - 1]` seconds of training. */
function run(name: string, train: number, seconds: number[], batchSize = 10): ChartRun {
  const history = seconds.map((s, i) => epochReport(i + 1, { seconds: s, samplesPerSecond: train / s }));
  const series = createSeries();
  setHistory(series, history);
  return { name, colour: 0, spec: summary(name).spec, epochs: seconds.length, series, history, batchSize };
}

const accuracyXs = (spec: ReturnType<typeof accuracyChart>, label: string) =>
  spec.datasets.find((d) => d.label === label)!.data.map((p) => p.x);

describe('comparing runs by epoch, samples seen or training time', () => {
  it('puts each run on the chosen axis by its own training-set size and pace', () => {
    // A: 3 epochs of 1,000 images at 2 s each. B: 6 epochs of 500 images, 1 s then 3 s each.
    const a = run('a', 1000, [2, 2, 2]);
    const b = run('b', 500, [1, 3, 3, 3, 3, 3]);
    const byEpoch = accuracyChart({ focused: a, overlays: [b], xAxis: 'epoch' });
    expect(accuracyXs(byEpoch, 'train (while training)')).toEqual([1, 2, 3]);
    expect(accuracyXs(byEpoch, 'b · train')).toEqual([1, 2, 3, 4, 5, 6]);
    expect(byEpoch.xMax).toBe(6);
    expect(byEpoch.xTitle).toBe('epoch');

    const bySamples = accuracyChart({ focused: a, overlays: [b], xAxis: 'samples' });
    expect(accuracyXs(bySamples, 'train (while training)')).toEqual([1000, 2000, 3000]);
    expect(accuracyXs(bySamples, 'b · train')).toEqual([500, 1000, 1500, 2000, 2500, 3000]);
    // One range for every compared run: both end at 3,000 samples.
    expect(bySamples.xMax).toBe(3000);
    expect(bySamples.xTitle).toBe('training samples seen');

    const byTime = accuracyChart({ focused: a, overlays: [b], xAxis: 'time' });
    expect(accuracyXs(byTime, 'train (while training)')).toEqual([2, 4, 6]);
    expect(accuracyXs(byTime, 'b · train')).toEqual([1, 4, 7, 10, 13, 16]);
    expect(byTime.xMax).toBe(16);
    expect(byTime.xTooltip?.(4)).toBe('4 s of training');
  });

  it('maps the batch curves, η and the event markers of the focused run with its epochs, and gives all four charts one range', () => {
    const a = run('a', 1000, [2, 2]);
    a.events = [{ kind: 'pause', epoch: 2, batch: 50, batchesPerEpoch: 100, time: '2025-01-01T00:00:00Z', detail: 'paused' }];
    appendProgress(a.series, {
      type: 'progress',
      runId: 'a',
      epoch: 2,
      batch: 50,
      batchesPerEpoch: 100,
      samplesPerSecond: 500,
      learningRate: 3,
      points: [
        { step: 100, loss: 1 },
        { step: 150, loss: 0.5 },
      ],
      gradientNorms: [0.1, 0.2],
    });
    const ctx = { focused: a, overlays: [], xAxis: 'samples' as const };
    const loss = lossChart(ctx, false);
    const batch = loss.datasets.find((d) => d.label === 'batch loss')!;
    expect(batch.data.map((p) => p.x)).toEqual([1000, 1500]);
    expect(loss.datasets.find((d) => d.label === 'η')!.data.map((p) => p.x)).toEqual([1500]);
    // The pause marker keeps its words and sits where the pause happened, in samples.
    const marker = eventMarks(a.events, a.series.smooth, 100)[0]!;
    const mapped = loss.datasets.find((d) => d.label === marker.label)!;
    expect(mapped.data).toEqual([{ ...marker.data[0]!, x: 1500 }]);
    const ends = [loss, accuracyChart(ctx), gradientChart(ctx), throughputChart(ctx)].map((c) => c.xMax);
    expect(ends).toEqual([2000, 2000, 2000, 2000]);
  });

  it('places a run before its first finished epoch from its batches and live rate, and leaves out a run that cannot be placed yet', () => {
    const live: ChartRun = {
      name: 'live',
      colour: 1,
      spec: summary('live').spec,
      epochs: 5,
      series: createSeries(),
      history: [],
      batchSize: 20,
    };
    appendProgress(live.series, {
      type: 'progress',
      runId: 'live',
      epoch: 1,
      batch: 25,
      batchesPerEpoch: 50,
      samplesPerSecond: 250,
      learningRate: 3,
      points: [{ step: 25, loss: 2 }],
      gradientNorms: [0.1],
    });
    const paced = { history: [], batchSize: 20, batchesPerEpoch: 50, throughput: live.series.throughput };
    expect(samplesPerEpoch(paced)).toBe(1000);
    expect(epochTo('samples', paced)!(0.5)).toBe(500);
    // 1,000 samples at 250 a second: 4 s an epoch, half of one done.
    expect(epochTo('time', paced)!(0.5)).toBe(2);
    // A run whose record says nothing of its pace (epochs without timings, no batch size) is left out
    // of a samples or time axis rather than drawn at a wrong place; on the epoch axis it is drawn.
    const untimed = [1, 2].map((e) => epochReport(e, { seconds: 0, samplesPerSecond: 0 }));
    const old: ChartRun = { name: 'old', colour: 2, spec: summary('old').spec, epochs: 2, series: createSeries(), history: untimed };
    setHistory(old.series, untimed);
    expect(epochTo('time', { history: untimed, batchesPerEpoch: 0, throughput: [] })).toBeNull();
    const spec = lossChart({ focused: live, overlays: [old], xAxis: 'time' }, false);
    expect(spec.datasets.find((d) => d.label === 'batch loss')!.data).toEqual([{ x: 2, y: 2 }]);
    expect(spec.datasets.some((d) => String(d.label).startsWith('old ·'))).toBe(false);
    expect(lossChart({ focused: live, overlays: [old], xAxis: 'epoch' }, false).datasets.some((d) => d.label === 'old · train')).toBe(true);
  });

  it('times an epoch not finished yet at the pace of the last one', () => {
    const a = run('a', 1000, [2, 4]);
    const to = epochTo('time', { history: a.history, batchSize: 10, batchesPerEpoch: 100, throughput: [] })!;
    expect([to(0), to(1), to(1.5), to(2), to(2.5), to(3)]).toEqual([0, 2, 4, 6, 8, 10]);
    expect(X_AXIS_TEXT.samples.tooltip(12_000)).toBe('12K samples seen');
  });
});
