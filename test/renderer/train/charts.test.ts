// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { accuracyChart, epochSpan, gradientChart, lossChart, throughputChart, type ChartRun } from '@renderer/model/train/charts';
import { decadeTicks, epochAxis, logAxisTicks, logTick } from '@renderer/model/charts/axes';
import { MARKER_OVERHANG } from '@renderer/model/charts/spec';
import { createScheduler } from '@renderer/components/charts/scheduler';
import { appendProgress, createSeries, cutSeries, setHistory } from '@renderer/model/train/series';
import { explainNonFinite, tenth } from '@renderer/model/train/explain';
import { remaining } from '@renderer/model/train/progress';
import { compactArchitecture } from '@renderer/model/train/run-diff';
import { epochReport, summary } from './fixtures';

function chartRun(name: string, colour: number, epochs = 3): ChartRun {
  const series = createSeries();
  setHistory(
    series,
    [1, 2, 3].slice(0, epochs).map((e) => epochReport(e)),
  );
  return { name, colour, spec: summary(name).spec, epochs: 30, series };
}

describe('chart datasets', () => {
  it('puts the focused run in the legend and the ticked runs after it', () => {
    const focused = chartRun('a', 0);
    appendProgress(focused.series, {
      type: 'progress',
      runId: 'a',
      epoch: 1,
      batch: 2,
      batchesPerEpoch: 10,
      samplesPerSecond: 1,
      learningRate: 3,
      points: [
        { step: 1, loss: 1 },
        { step: 2, loss: 0.5 },
      ],
      gradientNorms: [0.1, 0.2],
    });
    const spec = lossChart({ focused, overlays: [chartRun('b', 1)] }, false);
    expect(spec.datasets.map((d) => d.label)).toEqual([
      'batch loss',
      'smoothed (EMA)',
      'train (epoch)',
      'validation (epoch)',
      'η',
      'b · train',
      'b · validation',
    ]);
    expect(spec.legendItems).toBe(5);
    // The live η on its own axis, one point per progress event, at the event's place in epochs.
    const eta = spec.datasets.find((d) => d.label === 'η')!;
    expect(eta.yAxisID).toBe('y2');
    expect(eta.data).toEqual([{ x: 0.2, y: 3 }]);
    // The batch arrays themselves, not copies: appending in place is what keeps updates cheap.
    expect(spec.datasets[0]!.data).toBe(focused.series.loss);
    expect(lossChart({ focused, overlays: [] }, true).yType).toBe('logarithmic');
  });

  it('draws accuracy per epoch with validation dashed', () => {
    const spec = accuracyChart({ focused: chartRun('a', 0), overlays: [] });
    expect(spec.datasets.map((d) => [d.label, d.borderDash])).toEqual([
      ['train (while training)', []],
      ['validation', [6, 4]],
    ]);
  });

  it('draws one gradient line per layer, named as on the Design tab, from epochs when there are no live points', () => {
    const spec = gradientChart({ focused: chartRun('a', 0), overlays: [] });
    expect(spec.yType).toBe('logarithmic');
    expect(spec.datasets.map((d) => d.label)).toEqual(['layer 2 · sigmoid', 'layer 3 · sigmoid']);
    expect(spec.datasets[0]!.data.map((p) => p.y)).toEqual([0.01, 0.01, 0.01]);
  });

  it('ends the epoch axis at a round number past the data, in at most 8 round steps', () => {
    expect(epochAxis(0.085)).toEqual({ max: 0.1, step: 0.02 });
    expect(epochAxis(0.09)).toEqual({ max: 0.1, step: 0.02 });
    expect(epochAxis(2)).toEqual({ max: 2, step: 0.5 });
    expect(epochAxis(15.7)).toEqual({ max: 16, step: 2 });
    expect(epochAxis(80)).toEqual({ max: 80, step: 10 });
    expect(epochAxis(0.3)).toEqual({ max: 0.3, step: 0.05 });
    expect([epochAxis(undefined), epochAxis(0), epochAxis(NaN)]).toEqual([null, null, null]);
  });

  it('gives every chart of a run the same epoch span, the furthest any series reached', () => {
    // Loss points reach further than the throughput samples (the case that ended one axis at 0.09, the other at 0.10).
    const focused = chartRun('a', 0, 0);
    appendProgress(focused.series, {
      type: 'progress',
      runId: 'a',
      epoch: 1,
      batch: 17,
      batchesPerEpoch: 200,
      samplesPerSecond: 20_000,
      learningRate: 100,
      points: [
        { step: 16, loss: 1 },
        { step: 17, loss: 1e73 },
      ],
      gradientNorms: [1e38],
    });
    appendProgress(focused.series, {
      type: 'progress',
      runId: 'a',
      epoch: 1,
      batch: 18,
      batchesPerEpoch: 200,
      samplesPerSecond: 0,
      learningRate: 100,
      points: [{ step: 18, loss: Infinity }],
      gradientNorms: [],
    });
    const ctx = { focused, overlays: [] };
    expect(epochSpan(ctx)).toBeCloseTo(18 / 200);
    const ends = [lossChart(ctx, true), accuracyChart(ctx), gradientChart(ctx), throughputChart(ctx)].map((c) => c.xMax);
    expect(new Set(ends).size).toBe(1);
    // A ticked run that went further stretches the charts it is drawn on, not the focused run's own.
    const longer = { focused, overlays: [chartRun('b', 1, 3)] };
    expect([lossChart(longer, false), accuracyChart(longer)].map((c) => c.xMax)).toEqual([3, 3]);
    expect([gradientChart(longer), throughputChart(longer)].map((c) => c.xMax)).toEqual([ends[0], ends[0]]);
    expect(epochSpan({ focused: null, overlays: [] })).toBeUndefined();
  });

  it('lets every marker, hovered too, overhang the plot whole (the last epoch sits on the axis end)', () => {
    const ctx = { focused: chartRun('a', 0), overlays: [chartRun('b', 1)] };
    const sets = [lossChart(ctx, false), accuracyChart(ctx), gradientChart(ctx), throughputChart(ctx)].flatMap((c) => c.datasets);
    expect(sets.length).toBeGreaterThan(0);
    for (const set of sets) expect(Number(set.pointHoverRadius), String(set.label)).toBeLessThanOrEqual(MARKER_OVERHANG);
  });

  it('marks a line of one point, which would otherwise draw nothing', () => {
    const focused = chartRun('a', 0, 0);
    appendProgress(focused.series, {
      type: 'progress',
      runId: 'a',
      epoch: 1,
      batch: 1,
      batchesPerEpoch: 10,
      samplesPerSecond: 500,
      learningRate: 1,
      points: [{ step: 1, loss: 1 }],
      gradientNorms: [0.5],
    });
    const live = throughputChart({ focused, overlays: [] }).datasets[0]!;
    expect(live.data).toHaveLength(1);
    expect(live.pointRadius).toBeGreaterThan(0);
    appendProgress(focused.series, {
      type: 'progress',
      runId: 'a',
      epoch: 1,
      batch: 2,
      batchesPerEpoch: 10,
      samplesPerSecond: 600,
      learningRate: 1,
      points: [{ step: 2, loss: 0.9 }],
      gradientNorms: [0.4],
    });
    expect(throughputChart({ focused, overlays: [] }).datasets[0]!.pointRadius).toBe(0);
  });
});

describe('redraw scheduler', () => {
  afterEach(() => vi.useRealTimers());

  it('coalesces requests into at most one redraw per interval', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'requestAnimationFrame', 'cancelAnimationFrame', 'performance'] });
    const draw = vi.fn();
    const scheduler = createScheduler(draw, 250);
    for (let i = 0; i < 50; i++) scheduler.request();
    await vi.advanceTimersByTimeAsync(20);
    expect(draw).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 50; i++) scheduler.request();
    await vi.advanceTimersByTimeAsync(100);
    expect(draw).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(200);
    expect(draw).toHaveBeenCalledTimes(2);
    scheduler.request();
    scheduler.cancel();
    await vi.advanceTimersByTimeAsync(500);
    expect(draw).toHaveBeenCalledTimes(2);
  });
});

describe('redraw scheduler: charts in step', () => {
  afterEach(() => vi.useRealTimers());

  it('two charts that drew at different moments redraw on the next tick of the shared clock, one per frame', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'requestAnimationFrame', 'cancelAnimationFrame', 'performance'] });
    const drawn: string[] = [];
    const a = createScheduler(() => drawn.push(`a@${Math.round(performance.now())}`), 250);
    const b = createScheduler(() => drawn.push(`b@${Math.round(performance.now())}`), 250);
    a.request();
    await vi.advanceTimersByTimeAsync(100);
    b.request();
    await vi.advanceTimersByTimeAsync(50);
    drawn.length = 0;
    // One progress event: both ask at once; after t = 250 they draw in consecutive frames, never in the same one.
    a.request();
    b.request();
    await vi.advanceTimersByTimeAsync(300);
    expect(drawn.map((d) => d.split('@')[0])).toEqual(['a', 'b']);
    const [ta, tb] = drawn.map((d) => Number(d.split('@')[1]));
    expect(ta).toBeGreaterThanOrEqual(250);
    expect(tb! - ta!).toBeGreaterThan(0);
    expect(tb! - ta!).toBeLessThanOrEqual(20); // the next frame (16 ms under fake timers)
  });

  it('a cancelled chart leaves the frame queue, and the others still draw', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'requestAnimationFrame', 'cancelAnimationFrame', 'performance'] });
    const drawn: string[] = [];
    const a = createScheduler(() => drawn.push('a'), 250);
    const b = createScheduler(() => drawn.push('b'), 250);
    a.request();
    b.request();
    a.cancel();
    await vi.advanceTimersByTimeAsync(100);
    expect(drawn).toEqual(['b']);
  });
});

describe('training helpers', () => {
  it('estimates the share done and the time left from the live speed', () => {
    const p = { epoch: 2, batch: 100, batchesPerEpoch: 200, samplesPerSecond: 1000, learningRate: 3 };
    const { done, seconds } = remaining(p, 4, 10);
    expect(done).toBeCloseTo(300 / 800);
    expect(seconds).toBeCloseTo((500 * 10) / 1000);
  });

  it('cuts the batch points after an epoch, smooths again from the ones kept, and puts them back on request', () => {
    const series = createSeries();
    const points = [1, 2, 3, 4].map((step) => ({ step, loss: step < 3 ? 1 : 1e6 }));
    appendProgress(series, {
      type: 'progress',
      runId: 'a',
      epoch: 2,
      batch: 2,
      batchesPerEpoch: 2,
      samplesPerSecond: 100,
      learningRate: 3,
      points,
      gradientNorms: [0.1],
    });
    const smoothed = series.smooth.map((p) => p.y);
    const restore = cutSeries(series, 1);
    expect(series.loss.map((p) => p.x)).toEqual([0.5, 1]);
    expect(series.gradients[0]).toEqual([]);
    expect(series.ema / (1 - 0.98 ** series.emaTerms)).toBeCloseTo(1);
    restore();
    expect(series.loss.map((p) => p.y)).toEqual([1, 1, 1e6, 1e6]);
    expect(series.smooth.map((p) => p.y)).toEqual(smoothed);
    expect(series.gradients[0]!.map((p) => p.x)).toEqual([2]);
  });

  it('suggests a readable η/10 and names layers as the Design tab does', () => {
    expect([tenth(3), tenth(0.123), tenth(1e-4)]).toEqual([0.3, 0.0123, 0.00001]);
    const e = explainNonFinite({ what: 'weight', layer: 1, epoch: 3, batch: 7 }, summary('a'));
    expect(e.detail).toMatch(/^The weights of layer 2 became NaN or infinite at epoch 3, batch 7\./);
  });

  it('writes architectures compactly', () => {
    expect(compactArchitecture(summary('a').spec)).toBe('784-30-10 sigmoid');
    expect(
      compactArchitecture({
        ...summary('a').spec,
        layers: [
          { units: 100, activation: 'relu' },
          { units: 10, activation: 'softmax' },
        ],
      }),
    ).toBe('784-100 relu-10 softmax');
  });
});

describe('log axes over many decades', () => {
  it('labels only 1, 2 and 5 × 10ⁿ, not the in-between ticks of a narrow axis, all as powers of ten', () => {
    expect([0.01, 0.013, 0.016, 0.02, 0.05, 0.1, 1e38, 5e38, 1.6e38].map((y) => logTick(y))).toEqual([
      '10⁻²',
      '',
      '',
      '2×10⁻²',
      '5×10⁻²',
      '10⁻¹',
      '10³⁸',
      '5×10³⁸',
      '',
    ]);
  });

  it('ticks a narrow log axis at 1, 2 and 5 × 10ⁿ, a wider one at every decade, a very wide one at spaced decades', () => {
    expect(logAxisTicks(0.01, 0.1)).toEqual([0.01, 0.02, 0.05, 0.1]);
    expect(logAxisTicks(1e-4, 1)).toEqual([1e-4, 1e-3, 1e-2, 1e-1, 1]);
    expect(logAxisTicks(1, 1e73)).toEqual([1, 1e20, 1e40, 1e60]);
    expect(logAxisTicks(0, 1)).toEqual([]);
  });

  it('labels evenly spaced decades once an axis spans more than six', () => {
    expect(decadeTicks(0, 73)).toEqual([0, 20, 40, 60]);
    expect(decadeTicks(-3, 9)).toEqual([-2, 0, 2, 4, 6, 8]);
    expect(decadeTicks(37, 39)).toBeNull();
    expect(decadeTicks(0, Infinity)).toBeNull();
  });
});

describe('the live η on the loss chart', () => {
  it('follows the progress events, a manual change included, and falls back to the epochs’ η without them', () => {
    const run = chartRun('a', 0);
    const progress = (batch: number, learningRate: number) =>
      appendProgress(run.series, {
        type: 'progress',
        runId: 'a',
        epoch: 1,
        batch,
        batchesPerEpoch: 10,
        samplesPerSecond: 1,
        learningRate,
        points: [{ step: batch, loss: 1 / batch }],
        gradientNorms: [0.1],
      });
    progress(1, 3);
    progress(2, 3);
    progress(3, 0.5); // changed by hand between two batches
    const eta = lossChart({ focused: run, overlays: [] }, false).datasets.find((d) => d.label === 'η')!;
    expect(eta.data.map((p) => p.y)).toEqual([3, 3, 0.5]);

    // A run read back from the list has no progress points: its epochs' η are drawn.
    const listed = chartRun('b', 1);
    setHistory(listed.series, [
      { ...epochReport(1), learningRate: 3 },
      { ...epochReport(2), learningRate: 1.5 },
    ]);
    const fromEpochs = lossChart({ focused: listed, overlays: [] }, false).datasets.find((d) => d.label === 'η')!;
    expect(fromEpochs.data).toEqual([
      { x: 1, y: 3 },
      { x: 2, y: 1.5 },
    ]);
  });
});
