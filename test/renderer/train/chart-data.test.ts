// The chart data builders as pure functions: capping, quantiles, the loss chart's robust range,
// smoothing, the gradient chart's per-epoch medians and quartile bands, and the ratios between layers.
import { describe, expect, it } from 'vitest';
import {
  capGrowing,
  MAX_DRAWN_POINTS,
  minMaxDownsample,
  movingAverage,
  quantile,
  robustRange,
  roundUp,
} from '@renderer/model/charts/reduce';
import { contrast, FAINT_CONTRAST, layerColour } from '@renderer/model/charts/palette';
import type { Point } from '@renderer/model/charts/spec';
import { epochSpread, ratiosToLast } from '@renderer/model/train/gradients';
import { gradientChart, lossChart, type ChartRun } from '@renderer/model/train/charts';
import { appendProgress, createSeries, setHistory } from '@renderer/model/train/series';
import { epochReport, summary } from './fixtures';

const line = (ys: number[], dx = 1): Point[] => ys.map((y, i) => ({ x: (i + 1) * dx, y }));

describe('capping the points a line draws', () => {
  it('leaves a short line alone (the same array)', () => {
    const points = line([1, 2, 3]);
    expect(minMaxDownsample(points, 10)).toBe(points);
  });

  it('keeps at most the cap, the first and last points, and every bucket’s extremes in x order', () => {
    const ys = Array.from({ length: 10_000 }, (_, i) => Math.sin(i / 50));
    ys[4321] = 99; // a spike
    ys[7777] = -99; // a dip
    const points = line(ys);
    const out = minMaxDownsample(points, 200);
    expect(out.length).toBeLessThanOrEqual(200);
    expect(out[0]).toBe(points[0]);
    expect(out.at(-1)).toBe(points.at(-1));
    expect(out.some((p) => p.y === 99)).toBe(true);
    expect(out.some((p) => p.y === -99)).toBe(true);
    for (let i = 1; i < out.length; i++) expect(out[i]!.x).toBeGreaterThan(out[i - 1]!.x);
    expect(Math.max(...out.map((p) => p.y))).toBe(99);
  });

  it('caps a growing line in place: new points are bucketed onto the previous result, spikes kept, the cap held', () => {
    const points = line(Array.from({ length: 2000 }, (_, i) => Math.cos(i)));
    const first = capGrowing(points, 100);
    expect(first.length).toBeLessThanOrEqual(100);
    expect(capGrowing(points, 100)).toBe(first); // nothing new: the same result
    for (let i = 2000; i < 2200; i++) points[points.length] = { x: i + 1, y: i === 2100 ? 50 : Math.cos(i) };
    const grown = capGrowing(points, 100);
    expect(grown).toBe(first);
    expect(grown.at(-1)).toBe(points.at(-1));
    expect(grown.some((p) => p.y === 50)).toBe(true);
    for (let i = 1; i < grown.length; i++) expect(grown[i]!.x).toBeGreaterThan(grown[i - 1]!.x);
    // Grown far past the grid: laid afresh, within the cap again.
    for (let i = 2200; i < 8000; i++) points[points.length] = { x: i + 1, y: Math.cos(i) };
    const fresh = capGrowing(points, 100);
    expect(fresh).not.toBe(first);
    expect(fresh.length).toBeLessThanOrEqual(100);
    // Cut (a roll-back): laid afresh from what is left.
    points.length = 3000;
    const cut = capGrowing(points, 100);
    expect(cut.at(-1)).toBe(points[2999]);
    expect(cut.length).toBeLessThanOrEqual(100);
  });

  it('caps the loss chart’s batch lines but still counts every kept point', () => {
    const run = chartRun();
    const n = MAX_DRAWN_POINTS * 5;
    feed(
      run,
      Array.from({ length: n }, (_, i) => 0.1 + 0.01 * Math.sin(i)),
    );
    const spec = lossChart({ focused: run, overlays: [] }, false);
    const batch = spec.datasets.find((d) => d.label === 'batch loss')!;
    expect(batch.data.length).toBeLessThanOrEqual(MAX_DRAWN_POINTS);
    expect(spec.kept).toBe(3 * n + 2 * 3); // batch, smoothed and η (one a progress event here), plus the train and validation epochs
  });
});

describe('quantiles', () => {
  it('interpolates between neighbours of a sorted list', () => {
    expect(quantile([1, 2, 3, 4, 5], 0.5)).toBe(3);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4, 5], 0.25)).toBe(2);
    expect(quantile([10, 20], 1)).toBe(20);
    expect(quantile([], 0.5)).toBeNaN();
  });
});

describe('the loss chart’s default y range', () => {
  // 1,000 batches: a spike of 5 in the first batches, then losses between 0.1 and 0.2.
  const losses = Array.from({ length: 1000 }, (_, i) => (i < 5 ? 5 - i : 0.1 + (0.1 * ((i * 37) % 100)) / 100));

  it('ignores the first batches’ spike and fits the rest from 0 (linear)', () => {
    const range = robustRange(line(losses, 0.001), [], false)!;
    expect(range.min).toBe(0);
    expect(range.max).toBeGreaterThan(0.19);
    expect(range.max).toBeLessThanOrEqual(0.25);
  });

  it('still fits every per-epoch point (and the smoothed curve after the start)', () => {
    const range = robustRange(line(losses, 0.001), [[{ x: 1, y: 0.4 }]], false)!;
    expect(range.max).toBeGreaterThanOrEqual(0.4);
  });

  it('on a log axis spans the whole decades around the kept losses, never reaching 0', () => {
    expect(robustRange(line(losses, 0.001), [], true)).toEqual({ min: 0.01, max: 1 });
  });

  it('ends a linear range on a round number', () => {
    expect(roundUp(0.0499)).toBe(0.05);
    expect(roundUp(0.23)).toBe(0.25);
    expect(roundUp(1.3)).toBe(1.5);
    expect(roundUp(0.2)).toBe(0.2);
    expect(robustRange(line(losses, 0.001), [], false)!.max).toBe(0.25);
  });

  it('has nothing to fit without points, and fits a few points whole', () => {
    expect(robustRange([], [], false)).toBeNull();
    expect(robustRange(line([3, 2, 1]), [], false)!.max).toBeGreaterThanOrEqual(3);
  });

  it('makes the loss chart’s range ignore the spike of a run', () => {
    const run = chartRun();
    feed(run, losses);
    const spec = lossChart({ focused: run, overlays: [] }, false);
    expect(spec.yRange!.max).toBeLessThan(1.5); // the epoch points of the fixture reach 1.1
  });
});

describe('smoothing', () => {
  it('is the bias-corrected moving average, and off at 0', () => {
    const points = line([2, 0, 0]);
    expect(movingAverage(points, 0)).toBe(points);
    const s = movingAverage(points, 0.5).map((p) => p.y);
    expect(s[0]).toBeCloseTo(2);
    expect(s[1]).toBeCloseTo(0.5 / 0.75);
    expect(s[2]).toBeCloseTo(0.25 / 0.875);
  });

  it('follows the chosen weight in the loss chart, and drops the line when off', () => {
    const run = chartRun();
    feed(run, [1, 0, 0, 0]);
    const labels = (beta: number): string[] => lossChart({ focused: run, overlays: [] }, false, beta).datasets.map((d) => String(d.label));
    expect(labels(0)).not.toContain('smoothed (EMA)');
    const light = lossChart({ focused: run, overlays: [] }, false, 0.5).datasets.find((d) => d.label === 'smoothed (EMA)')!;
    expect(light.data.map((p) => p.y)[1]).toBeCloseTo(0.25 / 0.75);
  });
});

describe('loss chart styles', () => {
  it('gives every line of the legend its own swatch: line, faded line, and a marker per split', () => {
    const run = chartRun();
    feed(run, [1, 0.5]);
    const sets = lossChart({ focused: run, overlays: [] }, false).datasets;
    const swatches = sets.map((d) => `${String(d.pointStyle)} ${String(d.borderColor)} ${JSON.stringify(d.borderDash)}`);
    expect(new Set(swatches).size).toBe(sets.length);
    const epochs = sets.filter((d) => String(d.label).endsWith('(epoch)'));
    expect(epochs.map((d) => d.pointStyle)).toEqual(['circle', 'rectRot']);
    // Epoch lines are drawn last (lowest order, on top) and thicker than the batch noise.
    const batch = sets.find((d) => d.label === 'batch loss')!;
    for (const e of epochs) {
      expect(Number(e.order)).toBeLessThan(Number(batch.order));
      expect(Number(e.borderWidth)).toBeGreaterThan(Number(batch.borderWidth));
    }
  });
});

describe('the batch losses on a light and a dark surface', () => {
  // theme.css's --surface of the light and the dark theme.
  const SURFACES = { light: '#ffffff', dark: '#16191f' };
  const rgba = (hex: string): number[] => [1, 3, 5, 7].map((i) => parseInt(hex.slice(i, i + 2), 16));
  const batchColour = (surface?: string): string => {
    const run = chartRun();
    feed(run, [1, 0.5]);
    const sets = lossChart({ focused: run, overlays: [], ...(surface ? { surface } : {}) }, false).datasets;
    return String(sets.find((d) => d.label === 'batch loss')!.borderColor);
  };
  const onSurface = (hex: string, surface: string): number => {
    const [r, g, b, a] = rgba(hex) as [number, number, number, number];
    const back = rgba(`${surface}ff`);
    return contrast(
      [r, g, b].map((c, i) => (a / 255) * c + (1 - a / 255) * back[i]!),
      back.slice(0, 3),
    );
  };

  it('fades them to the same contrast on both, so the dark theme draws them stronger', () => {
    const light = batchColour(SURFACES.light);
    const dark = batchColour(SURFACES.dark);
    for (const [hex, surface] of [
      [light, SURFACES.light],
      [dark, SURFACES.dark],
    ] as const) {
      expect(onSurface(hex, surface)).toBeGreaterThanOrEqual(FAINT_CONTRAST);
      // Still faint: well below the moving average drawn in the full colour.
      expect(onSurface(hex, surface)).toBeLessThan(FAINT_CONTRAST + 0.1);
    }
    expect(rgba(dark)[3]).toBeGreaterThan(rgba(light)[3]!);
  });

  it('fades them to 22 % when the surface is not known', () => {
    expect(rgba(batchColour())[3]).toBe(Math.round(0.22 * 255));
  });
});

describe('gradients per epoch', () => {
  it('takes each epoch’s median and quartiles, at the epoch’s end; the epoch under way at its latest sample', () => {
    const samples: Point[] = [
      { x: 0.25, y: 1 },
      { x: 0.5, y: 2 },
      { x: 0.75, y: 3 },
      { x: 1, y: 4 },
      { x: 1.2, y: 10 },
      { x: 1.4, y: 30 },
    ];
    const s = epochSpread(samples);
    expect(s.median).toEqual([
      { x: 1, y: 2.5 },
      { x: 1.4, y: 20 },
    ]);
    expect(s.q1[0]).toEqual({ x: 1, y: 1.75 });
    expect(s.q3[0]).toEqual({ x: 1, y: 3.25 });
    expect(epochSpread([])).toEqual({ median: [], q1: [], q3: [] });
  });

  it('divides each layer by the last one at the same x', () => {
    const ratios = ratiosToLast([line([0.001, 0.002]), line([0.01, 0.02]), line([0.1, 0.1])]);
    expect(ratios).toHaveLength(2);
    ratios.forEach((points, l) =>
      points.forEach((p, i) =>
        expect(p.y).toBeCloseTo(
          [
            [0.01, 0.02],
            [0.1, 0.2],
          ][l]![i]!,
          12,
        ),
      ),
    );
    expect(ratiosToLast([line([1])])).toEqual([]);
  });

  it('draws a median per layer in the legend, with quartile bands behind them, in distinct colours', () => {
    const run = chartRun();
    feed(run, [1, 0.9, 0.8, 0.7], [0.001, 0.1]);
    const spec = gradientChart({ focused: run, overlays: [] });
    expect(spec.legendItems).toBe(2);
    expect(spec.datasets.slice(0, 2).map((d) => d.label)).toEqual(['layer 2 · sigmoid', 'layer 3 · sigmoid']);
    const bands = spec.datasets.slice(2);
    expect(bands.map((d) => d.fill)).toEqual(['+1', false, '+1', false]);
    expect(spec.datasets[0]!.borderColor).not.toBe(spec.datasets[1]!.borderColor);
    const ratio = gradientChart({ focused: run, overlays: [] }, 'ratio');
    expect(ratio.datasets.map((d) => d.label)).toEqual(['layer 2 · sigmoid ÷ layer 3']);
    expect(ratio.datasets[0]!.data.every((p) => Math.abs(p.y - 0.01) < 1e-12)).toBe(true);
  });

  it('takes every gradient sample of an event at its own batch, so one event can fill an epoch’s quartiles', () => {
    const run = chartRun();
    // One event for a whole epoch of 4 batches: the norms of all four, not only the last one's.
    appendProgress(run.series, {
      type: 'progress',
      runId: 'a',
      epoch: 1,
      batch: 4,
      batchesPerEpoch: 4,
      samplesPerSecond: 1,
      learningRate: 3,
      points: [1, 2, 3, 4].map((step) => ({ step, loss: 1 })),
      gradientNorms: [4, 40],
      gradientSamples: [1, 2, 3, 4].map((step) => ({ step, norms: [step, 10 * step] })),
    });
    expect(run.series.gradients[0]).toEqual([1, 2, 3, 4].map((step) => ({ x: step / 4, y: step })));
    expect(epochSpread(run.series.gradients[1]!).median).toEqual([{ x: 1, y: 25 }]);
  });

  it('gives neighbouring layers colours far apart', () => {
    const rgb = (hex: string): number[] => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
    for (let l = 1; l < 8; l++) {
      const [a, b] = [rgb(layerColour(l)), rgb(layerColour(l + 1))];
      const distance = Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!);
      expect(distance, `layers ${l} and ${l + 1}`).toBeGreaterThan(80);
    }
  });
});

function chartRun(): ChartRun {
  const series = createSeries();
  setHistory(
    series,
    [1, 2, 3].map((e) => epochReport(e)),
  );
  return { name: 'a', colour: 0, spec: summary('a').spec, epochs: 30, series };
}

/** One progress event per loss, 4 batches an epoch, with the same gradient norms every time. */
function feed(run: ChartRun, losses: number[], gradientNorms = [0.01, 0.2]): void {
  losses.forEach((loss, i) =>
    appendProgress(run.series, {
      type: 'progress',
      runId: 'a',
      epoch: Math.floor(i / 4) + 1,
      batch: (i % 4) + 1,
      batchesPerEpoch: 4,
      samplesPerSecond: 1,
      learningRate: 3,
      points: [{ step: i + 1, loss }],
      gradientNorms,
    }),
  );
}
