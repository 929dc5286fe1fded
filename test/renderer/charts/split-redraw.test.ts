// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { layoutKey, type LayoutInputs } from '@renderer/components/charts/split-redraw';
import { createScheduler } from '@renderer/components/charts/scheduler';

const line = (label: string, ys: number[], x0 = 0, yAxisID?: string) => ({
  label,
  pointStyle: 'line',
  pointRadius: 0,
  ...(yAxisID ? { yAxisID } : {}),
  data: ys.map((y, i) => ({ x: x0 + i, y })),
});

/** A loss chart's layout inputs: x and y limits given, η on y2 fitted to its data. */
function lossInputs(batch: number[], eta = [3, 3]): LayoutInputs {
  return {
    width: 434,
    height: 180,
    scales: {
      x: { type: 'linear', min: 0, max: 20, ticks: { stepSize: 5 } },
      y: { type: 'linear', min: 0, max: 0.06 },
      y2: { type: 'linear' },
    },
    datasets: [line('batch loss', batch), line('η', eta, 0, 'y2')],
  };
}

describe('layoutKey: an update keeps the previous layout only when it would come out the same', () => {
  it('is the same when only the lines move within axes whose limits are given', () => {
    expect(layoutKey(lossInputs([0.05, 0.04]))).toBe(layoutKey(lossInputs([0.05, 0.04, 0.03, 0.045])));
  });

  it('changes with the size, an axis limit, its step, its type, or the legend', () => {
    const before = layoutKey(lossInputs([0.05]));
    const changed = (edit: (i: LayoutInputs) => void): string => {
      const inputs = lossInputs([0.05]);
      edit(inputs);
      return layoutKey(inputs);
    };
    expect(changed((i) => (i.width = 500))).not.toBe(before);
    expect(changed((i) => (i.scales['x']!.max = 25))).not.toBe(before);
    expect(changed((i) => (i.scales['x']!.ticks = { stepSize: 2 }))).not.toBe(before);
    expect(changed((i) => (i.scales['y']!.type = 'logarithmic'))).not.toBe(before);
    expect(changed((i) => (i.scales['y']!.max = 0.05))).not.toBe(before);
    expect(changed((i) => i.datasets.push(line('train (epoch)', [0.04])))).not.toBe(before);
    expect(changed((i) => (i.datasets[0]!.pointRadius = 3))).not.toBe(before);
  });

  it('follows the data bounds of an axis fitted to its data, and only of the lines on that axis', () => {
    // η (on y2, fitted) moving changes the layout; the batch losses (on y, limits given) do not.
    expect(layoutKey(lossInputs([0.05], [3, 3]))).not.toBe(layoutKey(lossInputs([0.05], [3, 0.5])));
    const fitted = (ys: number[]): LayoutInputs => ({
      width: 434,
      height: 180,
      scales: { x: { type: 'linear', min: 0, max: 4 }, y: { type: 'logarithmic' } },
      datasets: [line('layer 2', ys)],
    });
    expect(layoutKey(fitted([0.1, 0.2]))).toBe(layoutKey(fitted([0.2, 0.1, 0.15])));
    expect(layoutKey(fitted([0.1, 0.2]))).not.toBe(layoutKey(fitted([0.1, 0.2, 0.3])));
  });

  it('follows x when the x axis has no end given (a chart with no run yet)', () => {
    const inputs = (n: number): LayoutInputs => ({
      width: 434,
      height: 180,
      scales: { x: { type: 'linear', min: 0 }, y: { type: 'linear', min: 0, max: 1 } },
      datasets: [
        line(
          'a',
          Array.from({ length: n }, () => 0.5),
        ),
      ],
    });
    expect(layoutKey(inputs(3))).not.toBe(layoutKey(inputs(4)));
  });
});

describe('redraw scheduler: a redraw in two parts', () => {
  afterEach(() => vi.useRealTimers());

  it("runs a callback's second part in the very next frame, before another chart's turn, never in the same frame", async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'requestAnimationFrame', 'cancelAnimationFrame', 'performance'] });
    const done: string[] = [];
    const at = (what: string) => done.push(`${what}@${Math.round(performance.now())}`);
    const a = createScheduler(() => {
      at('a update');
      return () => at('a draw');
    }, 250);
    const b = createScheduler(() => at('b update'), 250);
    a.request();
    b.request();
    await vi.advanceTimersByTimeAsync(200);
    expect(done.map((d) => d.split('@')[0])).toEqual(['a update', 'a draw', 'b update']);
    const times = done.map((d) => Number(d.split('@')[1]));
    expect(times[1]!).toBeGreaterThan(times[0]!);
    expect(times[2]!).toBeGreaterThan(times[1]!);
  });

  it('a chart cancelled between its two parts does not draw', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'requestAnimationFrame', 'cancelAnimationFrame', 'performance'] });
    const draw = vi.fn();
    const a = createScheduler(() => draw, 250);
    a.request();
    await vi.advanceTimersToNextFrame();
    a.cancel();
    await vi.advanceTimersByTimeAsync(100);
    expect(draw).not.toHaveBeenCalled();
  });
});
