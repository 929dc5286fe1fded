/**
 * One kind of chart: Chart.js lines over a linear epoch axis, never animated, with no parsing (the
 * data are already {x, y} points sorted by x, capped by the builders), zoomed with the wheel or a
 * pinch and panned by dragging along x (chartjs-plugin-zoom; a double click goes back). While zoomed
 * or panned, redraws keep the user's view. The Chart object must stay out of Vue's reactivity:
 * callers keep it in a plain variable or markRaw it.
 */
import {
  Chart,
  Decimation,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  Tooltip,
  type ChartOptions,
} from 'chart.js';
import { MARKER_OVERHANG, type ChartSpec, type LineSet, type Point } from '@renderer/model/charts/spec';
import zoomPlugin from 'chartjs-plugin-zoom';
import { epochAxis, logAxisTicks, logTick } from '@renderer/model/charts/axes';
import { compact, fixed } from '@renderer/model/format';
import type { ChartTheme } from './theme';
import { splitRedrawPlugin, updateWithoutDrawing } from './split-redraw';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Decimation, Filler, Legend, Tooltip, zoomPlugin);

export type LineChart = Chart<'line', Point[]>;

/** Room for the y ticks and title, the same on every chart so plots stacked in a column start at the same x. */
const Y_AXIS_WIDTH = 72;

/** The spec of a chart's latest draw: option callbacks (the legend filter) read it. */
interface Holder {
  spec: ChartSpec;
  theme: ChartTheme;
}
const holders = new WeakMap<LineChart, Holder>();

/** Tick labels are formatted again on every redraw, mostly the same values: keep the last few hundred. */
function remembered(format: (y: number) => string): (y: number) => string {
  const known = new Map<number, string>();
  return (y) => {
    let text = known.get(y);
    if (text === undefined) {
      if (known.size > 500) known.clear();
      known.set(y, (text = format(y)));
    }
    return text;
  };
}

function options(spec: ChartSpec, theme: ChartTheme, holder: Holder): ChartOptions<'line'> {
  const format = remembered(spec.yFormat ?? compact);
  const xFormat = remembered(compact);
  const logFormat = remembered(logTick);
  const etaFormat = remembered(compact);
  const isLog = (): boolean => holder.spec.yType === 'logarithmic';
  const font = { family: theme.font, size: 11 };
  const x = epochAxis(spec.xMax);
  return {
    animation: false,
    parsing: false,
    normalized: true,
    responsive: true,
    maintainAspectRatio: false,
    spanGaps: true,
    interaction: { mode: 'nearest', axis: 'x', intersect: false },
    elements: { point: { radius: 0, hoverRadius: 4 }, line: { borderWidth: 1.5, tension: 0 } },
    // The last epoch sits on the axis's end: let its marker overhang the plot instead of being cut in half.
    datasets: { line: { clip: MARKER_OVERHANG } },
    color: theme.muted,
    plugins: {
      decimation: { enabled: true, algorithm: spec.decimation },
      legend: {
        position: 'bottom',
        labels: {
          // Each line's own marker (or a line, dashed as drawn) as its swatch, so every entry looks different.
          usePointStyle: true,
          boxWidth: 14,
          boxHeight: 7,
          padding: 10,
          color: theme.muted,
          font,
          sort: (a, b) => (a.datasetIndex ?? 0) - (b.datasetIndex ?? 0),
          filter: (item) => (item.datasetIndex ?? 0) < (holder.spec.legendItems ?? Infinity),
        },
      },
      tooltip: {
        backgroundColor: theme.surface,
        titleColor: theme.text,
        bodyColor: theme.text,
        borderColor: theme.grid,
        borderWidth: 1,
        titleFont: font,
        bodyFont: font,
        callbacks: {
          title: (items) => {
            const x = items[0]?.parsed.x;
            if (x == null) return '';
            return holder.spec.xTooltip ? holder.spec.xTooltip(x) : `epoch ${fixed(x, 2)}`;
          },
          // A run event's marker says what happened (model/train/event-marks.ts); a line point, its value.
          label: (item) => ` ${(item.raw as { note?: string }).note ?? `${item.dataset.label}: ${format(item.parsed.y ?? NaN)}`}`,
        },
      },
      zoom: {
        zoom: { wheel: { enabled: true }, pinch: { enabled: true }, mode: 'x' },
        pan: { enabled: true, mode: 'x' },
        limits: { x: { min: 0, max: 'original' } },
      },
    },
    scales: {
      x: {
        type: 'linear',
        min: 0,
        max: x?.max,
        title: { display: true, text: spec.xTitle ?? 'epoch', color: theme.muted, font },
        // Fixed step, no rotation, few labels sampled: Chart.js measures less text on every redraw.
        ticks: {
          color: theme.muted,
          font,
          maxTicksLimit: 11,
          stepSize: x?.step,
          maxRotation: 0,
          sampleSize: 4,
          callback: (v) => xFormat(Number(v)),
        },
        grid: { color: theme.grid },
        border: { color: theme.grid },
      },
      y: {
        type: spec.yType,
        beginAtZero: spec.fromZero ?? false,
        title: { display: true, text: spec.yTitle, color: theme.muted, font },
        min: spec.yRange?.min,
        max: spec.yRange?.max,
        ticks: {
          color: theme.muted,
          font,
          maxTicksLimit: 7,
          sampleSize: 4,
          callback: (v) => (isLog() ? logFormat(Number(v)) : format(Number(v))),
        },
        // A log axis spans whole decades, so orders of magnitude read at a glance.
        afterDataLimits: (scale) => {
          if (!isLog() || !(scale.min > 0) || !(scale.max > 0)) return;
          scale.min = 10 ** Math.floor(Math.log10(scale.min));
          scale.max = 10 ** Math.ceil(Math.log10(scale.max));
        },
        // Ticks chosen by us (logAxisTicks): Chart.js skips log labels unevenly (10, 10¹¹, 10²¹, 10³⁹…, or one label on a narrow axis).
        afterBuildTicks: (scale) => {
          if (!isLog() || !(scale.min > 0)) return;
          const values = logAxisTicks(scale.min, scale.max);
          if (values.length > 0) scale.ticks = values.map((value) => ({ value }));
        },
        afterFit: (scale) => {
          scale.width = Y_AXIS_WIDTH;
        },
        grid: { color: theme.grid },
        border: { color: theme.grid },
      },
      // η on the right, from 0, shown only while a line uses it (the loss chart's live η).
      y2: {
        type: 'linear',
        position: 'right',
        display: 'auto',
        beginAtZero: true,
        title: { display: true, text: 'η', color: theme.muted, font },
        ticks: { color: theme.muted, font, maxTicksLimit: 5, callback: (v) => etaFormat(Number(v)) },
        grid: { drawOnChartArea: false },
        border: { color: theme.grid },
      },
    },
  };
}

/** Markers ringed in the page's surface colour, so per-epoch points stand out from the lines under them. */
function ringMarkers(spec: ChartSpec, theme: ChartTheme): void {
  for (const set of spec.datasets) {
    if (Number(set.pointRadius) > 0 && set.pointBorderColor === undefined) {
      set.pointBorderColor = theme.surface;
      set.pointBorderWidth = 1;
    }
  }
}

/** `onUpdated` hears every layout Chart.js makes, its own after a resize included. */
export function createLineChart(
  canvas: HTMLCanvasElement,
  spec: ChartSpec,
  theme: ChartTheme,
  onUpdated?: (chart: LineChart) => void,
): LineChart {
  const holder: Holder = { spec, theme };
  ringMarkers(spec, theme);
  const chart: LineChart = new Chart(canvas, {
    type: 'line',
    data: { datasets: spec.datasets },
    options: options(spec, theme, holder),
    plugins: [splitRedrawPlugin, ...(onUpdated ? [{ id: 'fathom-updated', afterUpdate: (c: LineChart) => onUpdated(c) }] : [])],
  });
  holders.set(chart, holder);
  canvas.addEventListener('dblclick', () => chart.resetZoom('none'));
  return chart;
}

/** The raw array a dataset draws, even after the decimation plugin swapped `data` for its own. */
function rawData(set: LineSet): Point[] {
  return (set as LineSet & { _data?: Point[] })._data ?? set.data;
}

/**
 * Updates the chart to the new spec and returns its drawing, to be run in the next frame (see
 * split-redraw.ts: the layout is kept when it would come out the same). When the same datasets
 * draw the same arrays (the usual case: points were appended in place) only `update('none')` runs;
 * otherwise the dataset list is replaced.
 */
export function applySpec(chart: LineChart, spec: ChartSpec): () => void {
  const holder = holders.get(chart);
  if (holder) ringMarkers(spec, holder.theme);
  const current = chart.data.datasets;
  const same =
    current.length === spec.datasets.length &&
    // A new marker size too (a lone point's marker goes once its line has two): Chart.js caches resolved options.
    current.every(
      (set, i) =>
        set.label === spec.datasets[i]!.label &&
        rawData(set) === spec.datasets[i]!.data &&
        set.pointRadius === spec.datasets[i]!.pointRadius,
    );
  if (!same) chart.data.datasets = spec.datasets;
  if (holder) holder.spec = spec;
  const y = chart.options.scales?.['y'];
  const typeChanged = y !== undefined && y.type !== spec.yType;
  // The user's zoom and pan stay put while new points arrive; a new y scale type starts afresh.
  if (typeChanged && chart.isZoomedOrPanned()) chart.resetZoom('none');
  if (y && (typeChanged || !chart.isZoomedOrPanned())) {
    y.type = spec.yType;
    y.min = spec.yRange?.min;
    y.max = spec.yRange?.max;
  }
  const x = chart.options.scales?.['x'];
  const axis = epochAxis(spec.xMax);
  // Another measure on x (epochs, samples, time): the user's zoom no longer means anything.
  const xTitle = spec.xTitle ?? 'epoch';
  if (x?.type === 'linear' && x.title && x.title.text !== xTitle) {
    x.title.text = xTitle;
    if (chart.isZoomedOrPanned()) chart.resetZoom('none');
  }
  if (x?.type === 'linear' && x.ticks && !chart.isZoomedOrPanned()) {
    x.max = axis?.max;
    x.ticks.stepSize = axis?.step;
  }
  return updateWithoutDrawing(chart, () => chart.update('none'));
}
