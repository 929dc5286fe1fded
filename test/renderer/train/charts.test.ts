// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { accuracyChart, gradientChart, lossChart, type ChartRun } from '../../../renderer/src/charts/datasets';
import { compact } from '../../../renderer/src/charts/line-chart';
import { createScheduler } from '../../../renderer/src/charts/scheduler';
import { appendProgress, createSeries, setHistory } from '../../../renderer/src/charts/series';
import { explainNonFinite, tenth } from '../../../renderer/src/components/train/explain';
import { remaining } from '../../../renderer/src/components/train/format';
import { compactArchitecture } from '../../../renderer/src/components/train/run-diff';
import { epochReport, summary } from './fake-lab';

function chartRun(name: string, colour: number, epochs = 3): ChartRun {
  const series = createSeries();
  setHistory(series, [1, 2, 3].slice(0, epochs).map((e) => epochReport(e)));
  return { name, colour, spec: summary(name).spec, epochs: 30, series };
}

describe('chart datasets', () => {
  it('puts the focused run in the legend and the ticked runs after it', () => {
    const focused = chartRun('a', 0);
    appendProgress(focused.series, {
      type: 'progress', runId: 'a', epoch: 1, batch: 2, batchesPerEpoch: 10, samplesPerSecond: 1, learningRate: 3,
      points: [{ step: 1, loss: 1 }, { step: 2, loss: 0.5 }], gradientNorms: [0.1, 0.2],
    });
    const spec = lossChart({ focused, overlays: [chartRun('b', 1)] }, false);
    expect(spec.datasets.map((d) => d.label)).toEqual(['batch loss', 'smoothed (EMA)', 'train (epoch)', 'validation (epoch)', 'b · train', 'b · validation']);
    expect(spec.legendItems).toBe(4);
    // The batch arrays themselves, not copies: appending in place is what keeps updates cheap.
    expect(spec.datasets[0]!.data).toBe(focused.series.loss);
    expect(lossChart({ focused, overlays: [] }, true).yType).toBe('logarithmic');
  });

  it('draws accuracy per epoch with validation dashed', () => {
    const spec = accuracyChart({ focused: chartRun('a', 0), overlays: [] });
    expect(spec.datasets.map((d) => [d.label, d.borderDash])).toEqual([
      ['train', []],
      ['validation', [6, 4]],
    ]);
  });

  it('draws one gradient line per layer, named as on the Design tab, from epochs when there are no live points', () => {
    const spec = gradientChart({ focused: chartRun('a', 0), overlays: [] });
    expect(spec.yType).toBe('logarithmic');
    expect(spec.datasets.map((d) => d.label)).toEqual(['layer 2 · sigmoid', 'layer 3 · sigmoid']);
    expect(spec.datasets[0]!.data.map((p) => p.y)).toEqual([0.01, 0.01, 0.01]);
  });

  it('formats axis values compactly', () => {
    expect([compact(0), compact(0.123456), compact(21000), compact(3e30), compact(0.0004)]).toEqual(['0', '0.123', '21K', '3.0e+30', '4e-4']);
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

describe('training helpers', () => {
  it('estimates the share done and the time left from the live speed', () => {
    const p = { epoch: 2, batch: 100, batchesPerEpoch: 200, samplesPerSecond: 1000, learningRate: 3 };
    const { done, seconds } = remaining(p, 4, 10);
    expect(done).toBeCloseTo(300 / 800);
    expect(seconds).toBeCloseTo((500 * 10) / 1000);
  });

  it('suggests a readable η/10 and names layers as the Design tab does', () => {
    expect([tenth(3), tenth(0.123), tenth(1e-4)]).toEqual([0.3, 0.0123, 0.00001]);
    const e = explainNonFinite({ what: 'weight', layer: 1, epoch: 3, batch: 7 }, summary('a'));
    expect(e.detail).toMatch(/^The weights of layer 2 became NaN or infinite at epoch 3, batch 7\./);
  });

  it('writes architectures compactly', () => {
    expect(compactArchitecture(summary('a').spec)).toBe('784-30-10 sigmoid');
    expect(compactArchitecture({ ...summary('a').spec, layers: [{ units: 100, activation: 'relu' }, { units: 10, activation: 'softmax' }] })).toBe('784-100 relu-10 softmax');
  });
});
