/**
 * Binds a canvas to a chart spec: creates the Chart when mounted, redraws it (throttled to a few
 * frames a second) when any watched source moves, rebuilds it when the theme changes, destroys it
 * on unmount. The Chart lives in a closure variable, never in reactive state.
 */
import { onBeforeUnmount, onMounted, ref, watch, type Ref, type WatchSource } from 'vue';
import type { ChartSpec } from '@renderer/model/charts/spec';
import { applySpec, createLineChart, type LineChart } from './line-chart';
import { createScheduler } from './scheduler';
import { readTheme } from './theme';

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

export function useLiveChart(canvas: Ref<HTMLCanvasElement | null>, build: () => ChartSpec, sources: WatchSource[]): LiveChart {
  let chart: LineChart | null = null;
  const points = ref(0);
  const axes = ref(drawnAxes(null));
  const scheduler = createScheduler(() => {
    if (!chart) return;
    const spec = build();
    // Counted first: once Chart.js holds the datasets, its decimation plugin swaps their `data`.
    const count = countPoints(spec);
    applySpec(chart, spec);
    points.value = count;
    axes.value = drawnAxes(chart);
  });

  const create = (): void => {
    chart?.destroy();
    const spec = build();
    const count = countPoints(spec);
    chart = canvas.value ? createLineChart(canvas.value, spec, readTheme()) : null;
    points.value = count;
    axes.value = drawnAxes(chart);
  };

  const themeObserver = new MutationObserver(create);
  const media = window.matchMedia?.('(prefers-color-scheme: dark)');

  onMounted(() => {
    create();
    themeObserver.observe(document.documentElement, { attributes: true, attributeFilter: ['class', 'data-theme', 'style'] });
    media?.addEventListener('change', create);
  });
  watch(sources, () => scheduler.request(), { deep: false });
  onBeforeUnmount(() => {
    scheduler.cancel();
    themeObserver.disconnect();
    media?.removeEventListener('change', create);
    chart?.destroy();
    chart = null;
  });
  return { points, axes };
}
