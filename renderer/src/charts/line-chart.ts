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
  /** Where the epoch axis ends: the same for every chart of a run, so their x positions line up. */
  xMax?: number;
}

/** Pixels a marker may reach past the plot area (the largest marker's radius, plus its hover growth). */
export const MARKER_OVERHANG = 6;

/** Room for the y ticks and title, the same on every chart so plots stacked in a column start at the same x. */
const Y_AXIS_WIDTH = 72;

/**
 * The end and tick step of an epoch axis that reaches `xMax`: at most 8 steps of 1, 2 or 5 × 10ⁿ,
 * so charts given the same xMax draw identical ticks whatever their width.
 */
export function epochAxis(xMax: number | undefined): { max: number; step: number } | null {
  if (xMax === undefined || !(xMax > 0) || !Number.isFinite(xMax)) return null;
  const raw = xMax / 8;
  const decade = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * decade).find((s) => s >= raw * (1 - 1e-9))!;
  // Rounded to the step's decimals, so 0.1 does not end as 0.30000000000000004.
  const max = Number((Math.ceil(xMax / step - 1e-9) * step).toPrecision(12));
  return { max, step };
}

const thousands = new Intl.NumberFormat('en', { notation: 'compact', maximumSignificantDigits: 3 });
const SUPERSCRIPT: Record<string, string> = { '-': '⁻', 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹' };

/** 1e73 → "10⁷³", 8.5e72 → "8.5×10⁷²": a learner reads powers of ten, not "1.0e+73". */
export function powerOfTen(y: number): string {
  const [mantissa, exponent] = y.toExponential(2).split('e') as [string, string];
  const power = `10${String(Number(exponent)).replace(/./g, (c) => SUPERSCRIPT[c] ?? c)}`;
  const m = Math.abs(Number(mantissa));
  return `${y < 0 ? '−' : ''}${m === 1 ? power : `${m}×${power}`}`;
}

/** Axis and tooltip numbers: plain under a thousand, 21K above, powers of ten beyond a million or under 0.001. */
export const compact = (y: number): string => {
  if (y === 0) return '0';
  if (!Number.isFinite(y)) return String(y);
  const a = Math.abs(y);
  if (a >= 1e6 || a < 1e-3) return powerOfTen(y);
  if (a >= 1e3) return thousands.format(y);
  return String(Number(y.toPrecision(3)));
};

/** The spec of a chart's latest draw: option callbacks (the legend filter) read it. */
interface Holder {
  spec: ChartSpec;
}
const holders = new WeakMap<LineChart, Holder>();

/** Exponents of the decades to label when an axis spans more than 6 of them, every 1, 2, 5, 10… decades; else null. */
export function decadeTicks(low: number, high: number): number[] | null {
  const span = high - low;
  if (!(span > 6) || !Number.isFinite(span)) return null;
  const raw = span / 6;
  const decade = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * decade).find((k) => k >= raw)!;
  const out: number[] = [];
  for (let e = Math.ceil(low / step - 1e-9) * step; e <= high + 1e-9; e += step) out.push(Math.round(e) + 0); // + 0: no "-0"
  return out;
}

/** On a log axis only 1, 2 and 5 × 10ⁿ get a label; the rest stay as grid lines. */
export function logTick(y: number, format: (y: number) => string): string {
  const m = y / 10 ** Math.floor(Math.log10(y) + 1e-9);
  // Exactly 1, 2 or 5: a narrow axis also gets ticks such as 0.016, which rounding would label.
  const mantissa = Math.round(m);
  return Math.abs(m - mantissa) < 1e-6 && (mantissa === 1 || mantissa === 2 || mantissa === 5) ? format(y) : '';
}

function options(spec: ChartSpec, theme: ChartTheme, holder: Holder): ChartOptions<'line'> {
  const format = spec.yFormat ?? compact;
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
        max: x?.max,
        title: { display: true, text: 'epoch', color: theme.muted, font },
        ticks: { color: theme.muted, font, maxTicksLimit: 11, stepSize: x?.step },
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
        // Over many decades Chart.js skips ticks unevenly (10, 10¹¹, 10²¹, 10³⁹…): label every k-th decade instead.
        afterBuildTicks: (scale) => {
          if (!isLog() || !(scale.min > 0)) return;
          const exponents = decadeTicks(Math.log10(scale.min), Math.log10(scale.max));
          if (exponents) scale.ticks = exponents.map((e) => ({ value: Number(`1e${e}`) }));
        },
        afterFit: (scale) => {
          scale.width = Y_AXIS_WIDTH;
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
    // A new marker size too (a lone point's marker goes once its line has two): Chart.js caches resolved options.
    current.every(
      (set, i) =>
        set.label === spec.datasets[i]!.label &&
        rawData(set) === spec.datasets[i]!.data &&
        set.pointRadius === spec.datasets[i]!.pointRadius,
    );
  if (!same) chart.data.datasets = spec.datasets;
  const holder = holders.get(chart);
  if (holder) holder.spec = spec;
  const y = chart.options.scales?.['y'];
  if (y && y.type !== spec.yType) y.type = spec.yType;
  const x = chart.options.scales?.['x'];
  const axis = epochAxis(spec.xMax);
  if (x?.type === 'linear' && x.ticks) {
    x.max = axis?.max;
    x.ticks.stepSize = axis?.step;
  }
  chart.update('none');
}
