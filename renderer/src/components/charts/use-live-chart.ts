/**
 * Binds a canvas to a chart spec: creates the Chart when mounted, redraws it (throttled to a few
 * frames a second) when any watched source moves, rebuilds it when the theme changes, destroys it
 * on unmount. The Chart lives in a closure variable, never in reactive state.
 */
import { onBeforeUnmount, onMounted, ref, watch, type Ref, type WatchSource } from 'vue';
import type { ChartSpec } from '@renderer/model/charts/spec';
import { epochAxis } from '@renderer/model/charts/axes';
import { applySpec, createLineChart, type LineChart } from './line-chart';
import { createScheduler } from './scheduler';
import { readTheme, type ChartTheme } from './theme';

export interface LiveChart {
  /** Points the chart holds (before capping and decimation) at the latest draw: 0 means an empty chart. */
  points: Ref<number>;
  /** What the latest draw put on its axes (where the epoch axis ends, the y tick labels): read by the e2e tests. */
  axes: Ref<{ xEnd: number | null; yTicks: string }>;
}

function drawnAxes(chart: LineChart | null): { xEnd: number | null; yTicks: string } {
  const x = chart?.scales['x'];
  const y = chart?.scales['y'];
  const labels = (y?.ticks ?? []).map((t) => (Array.isArray(t.label) ? t.label.join(' ') : String(t.label ?? ''))).filter(Boolean);
  return { xEnd: x ? x.max : null, yTicks: labels.join(' | ') };
}

const countPoints = (spec: ChartSpec): number => spec.kept ?? spec.datasets.reduce((n, set) => n + set.data.length, 0);

/** What a redraw would change on screen: when it is the same as the last one drawn, the redraw is skipped. */
function signature(spec: ChartSpec): string {
  const sets = spec.datasets.map((d) => {
    const last = d.data[d.data.length - 1];
    return `${String(d.label)}:${String(d.borderColor)}:${d.data.length}:${last?.x}:${last?.y}:${String(d.pointRadius)}`;
  });
  return [spec.yType, epochAxis(spec.xMax)?.max, spec.yRange?.min, spec.yRange?.max, spec.kept, ...sets].join('|');
}

/**
 * The time of each part of a redraw (the update: the spec built and Chart.js's update; the draw,
 * a frame later) as a user-timing entry named REDRAW_MEASURE, detailed "<chart's test id> <part>":
 * the e2e benchmark observes them. The buffer is cleared at once (an observer still hears each),
 * so a long session keeps none.
 */
export const REDRAW_MEASURE = 'fathom-chart-redraw';
function measureRedraw(start: number, part: 'update' | 'draw', canvas: HTMLCanvasElement | null): void {
  const chart = canvas?.closest<HTMLElement>('[data-testid]')?.dataset['testid'] ?? 'chart';
  performance.measure(REDRAW_MEASURE, { start, end: performance.now(), detail: `${chart} ${part}` });
  performance.clearMeasures(REDRAW_MEASURE);
}

/** `build` gets the theme the chart was made with (read again when the theme changes, not on every redraw). */
export function useLiveChart(
  canvas: Ref<HTMLCanvasElement | null>,
  build: (theme: ChartTheme) => ChartSpec,
  sources: WatchSource[],
): LiveChart {
  let chart: LineChart | null = null;
  let theme: ChartTheme | null = null;
  const points = ref(0);
  const axes = ref(drawnAxes(null));
  let drawn = '';
  // A chart on a hidden tab is not redrawn; it catches up once it shows again.
  let visible = true;
  let stale = false;
  const scheduler = createScheduler(() => {
    if (!chart) return undefined;
    const started = performance.now();
    if (!visible) {
      stale = true;
      return undefined;
    }
    const spec = build(theme ?? (theme = readTheme()));
    const next = signature(spec);
    if (next === drawn) return undefined;
    drawn = next;
    // Counted first: once Chart.js holds the datasets, its decimation plugin swaps their `data`.
    const count = countPoints(spec);
    const draw = applySpec(chart, spec);
    points.value = count;
    measureRedraw(started, 'update', canvas.value);
    return () => {
      const drawing = performance.now();
      draw();
      measureRedraw(drawing, 'draw', canvas.value);
    };
  });

  const create = (): void => {
    chart?.destroy();
    theme = readTheme();
    const spec = build(theme);
    const count = countPoints(spec);
    drawn = signature(spec);
    // The axes are read after every layout, so they stay true when Chart.js lays the chart out
    // again by itself (a resize after a rebuild changes how many ticks fit).
    chart = canvas.value ? createLineChart(canvas.value, spec, theme, (c) => (axes.value = drawnAxes(c))) : null;
    points.value = count;
    axes.value = drawnAxes(chart);
  };

  const shown =
    typeof IntersectionObserver === 'undefined'
      ? null
      : new IntersectionObserver((entries) => {
          visible = entries.some((e) => e.isIntersecting);
          if (visible && stale) {
            stale = false;
            scheduler.request();
          }
        });

  const themeObserver = new MutationObserver(create);
  const media = window.matchMedia?.('(prefers-color-scheme: dark)');

  onMounted(() => {
    create();
    if (canvas.value) shown?.observe(canvas.value);
    themeObserver.observe(document.documentElement, { attributes: true, attributeFilter: ['class', 'data-theme', 'style'] });
    media?.addEventListener('change', create);
  });
  watch(sources, () => scheduler.request(), { deep: false });
  onBeforeUnmount(() => {
    scheduler.cancel();
    shown?.disconnect();
    themeObserver.disconnect();
    media?.removeEventListener('change', create);
    chart?.destroy();
    chart = null;
  });
  return { points, axes };
}
