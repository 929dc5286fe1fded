/**
 * One kind of chart: Chart.js lines over a linear epoch axis, decimated, never animated, with no
 * parsing (the data are already {x, y} points sorted by x). The Chart object must stay out of
 * Vue's reactivity: callers keep it in a plain variable or markRaw it.
 */
import {
  Chart,
  Decimation,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  Tooltip,
  type ChartDataset,
  type ChartOptions,
} from 'chart.js';
import type { Point } from './series';
import type { ChartTheme } from './theme';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Decimation, Legend, Tooltip);

export type LineSet = ChartDataset<'line', Point[]>;
export type LineChart = Chart<'line', Point[]>;

export interface ChartSpec {
  datasets: LineSet[];
  yType: 'linear' | 'logarithmic';
  yTitle: string;
  /** How y values read in ticks and tooltips. */
  yFormat?: (y: number) => string;
  decimation: 'lttb' | 'min-max';
  /** Only the first `legendItems` datasets (the focused run's) appear in the legend; all by default. */
  legendItems?: number;
  /** Start the y axis at zero (for rates, where a zoomed axis exaggerates noise). */
  fromZero?: boolean;
}

const thousands = new Intl.NumberFormat('en', { notation: 'compact', maximumSignificantDigits: 3 });

export const compact = (y: number): string => {
  if (y === 0) return '0';
  const a = Math.abs(y);
  if (a >= 1e6 || a < 1e-3) return y.toExponential(a >= 1e6 ? 1 : 0);
  if (a >= 1e4) return thousands.format(y);
  return String(Number(y.toPrecision(3)));
};

/** The spec of a chart's latest draw: option callbacks (the legend filter) read it. */
interface Holder {
  spec: ChartSpec;
}
const holders = new WeakMap<LineChart, Holder>();

/** On a log axis only 1, 2 and 5 × 10ⁿ get a label; the rest stay as grid lines. */
function logTick(y: number, format: (y: number) => string): string {
  const mantissa = Math.round(y / 10 ** Math.floor(Math.log10(y) + 1e-9));
  return mantissa === 1 || mantissa === 2 || mantissa === 5 ? format(y) : '';
}

function options(spec: ChartSpec, theme: ChartTheme, holder: Holder): ChartOptions<'line'> {
  const format = spec.yFormat ?? compact;
  const isLog = (): boolean => holder.spec.yType === 'logarithmic';
  const font = { family: theme.font, size: 11 };
  return {
    animation: false,
    parsing: false,
    normalized: true,
    responsive: true,
    maintainAspectRatio: false,
    spanGaps: true,
    interaction: { mode: 'nearest', axis: 'x', intersect: false },
    elements: { point: { radius: 0, hoverRadius: 4 }, line: { borderWidth: 1.5, tension: 0 } },
    color: theme.muted,
    plugins: {
      decimation: { enabled: true, algorithm: spec.decimation },
      legend: {
        position: 'bottom',
        labels: {
          boxWidth: 14,
          boxHeight: 2,
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
          title: (items) => (items[0] ? `epoch ${(items[0].parsed.x ?? 0).toFixed(2)}` : ''),
          label: (item) => ` ${item.dataset.label}: ${format(item.parsed.y ?? NaN)}`,
        },
      },
    },
    scales: {
      x: {
        type: 'linear',
        min: 0,
        title: { display: true, text: 'epoch', color: theme.muted, font },
        ticks: { color: theme.muted, font, maxTicksLimit: 11 },
        grid: { color: theme.grid },
        border: { color: theme.grid },
      },
      y: {
        type: spec.yType,
        beginAtZero: spec.fromZero ?? false,
        title: { display: true, text: spec.yTitle, color: theme.muted, font },
        ticks: { color: theme.muted, font, maxTicksLimit: 7, callback: (v) => (isLog() ? logTick(Number(v), format) : format(Number(v))) },
        // A log axis spans whole decades, so orders of magnitude read at a glance.
        afterDataLimits: (scale) => {
          if (!isLog() || !(scale.min > 0) || !(scale.max > 0)) return;
          scale.min = 10 ** Math.floor(Math.log10(scale.min));
          scale.max = 10 ** Math.ceil(Math.log10(scale.max));
        },
        grid: { color: theme.grid },
        border: { color: theme.grid },
      },
    },
  };
}

export function createLineChart(canvas: HTMLCanvasElement, spec: ChartSpec, theme: ChartTheme): LineChart {
  const holder: Holder = { spec };
  const chart: LineChart = new Chart(canvas, { type: 'line', data: { datasets: spec.datasets }, options: options(spec, theme, holder) });
  holders.set(chart, holder);
  return chart;
}

/** The raw array a dataset draws, even after the decimation plugin swapped `data` for its own. */
function rawData(set: LineSet): Point[] {
  return (set as LineSet & { _data?: Point[] })._data ?? set.data;
}

/**
 * Redraws with the new spec. When the same datasets draw the same arrays (the usual case: points
 * were appended in place) only `update('none')` runs; otherwise the dataset list is replaced.
 */
export function applySpec(chart: LineChart, spec: ChartSpec): void {
  const current = chart.data.datasets;
  const same =
    current.length === spec.datasets.length &&
    current.every((set, i) => set.label === spec.datasets[i]!.label && rawData(set) === spec.datasets[i]!.data);
  if (!same) chart.data.datasets = spec.datasets;
  const holder = holders.get(chart);
  if (holder) holder.spec = spec;
  const y = chart.options.scales?.['y'];
  if (y && y.type !== spec.yType) y.type = spec.yType;
  chart.update('none');
}
