/**
 * A chart's redraw made smaller and cut in two. Chart.js lays every chart out again on each update
 * (ticks generated and measured, legend measured): while a run streams, the axes and legend of the
 * loss chart stay put for seconds at a time, and only its lines move. So an update whose layout
 * would come out the same — same size, same axis options, same legend, and for an axis fitted to
 * its data the same data bounds — keeps the previous layout; and the drawing is left for the next
 * animation frame, so no frame carries a whole redraw (profiled: layout ≈ 35 %, draw ≈ 25 % of it).
 * Updates Chart.js makes by itself (a resize, a legend click, zooming) lay out and draw as usual.
 */
import type { Chart, Plugin } from 'chart.js';

interface ScaleOptionsLike {
  type?: string;
  min?: unknown;
  max?: unknown;
  ticks?: { stepSize?: unknown };
}

interface DatasetLike {
  label?: string;
  pointStyle?: unknown;
  pointRadius?: unknown;
  yAxisID?: string;
  data: readonly { x: number; y: number }[];
}

/** What a chart's layout depends on, in plain terms (a Chart gives it; tests give it directly). */
export interface LayoutInputs {
  width: number;
  height: number;
  scales: Record<string, ScaleOptionsLike | undefined>;
  /** The datasets shown (hidden ones left out), with the raw data each draws. */
  datasets: DatasetLike[];
}

const defined = (v: unknown): boolean => v !== undefined && v !== null;

/** Lowest and highest value of `pick` over the datasets' points (every point: O(points), ~1,000 per line). */
function bounds(datasets: DatasetLike[], pick: 'x' | 'y'): string {
  let low = Infinity;
  let high = -Infinity;
  for (const set of datasets) {
    for (const p of set.data) {
      const v = p[pick];
      if (v < low) low = v;
      if (v > high) high = v;
    }
  }
  return `${low}…${high}`;
}

/**
 * A string that is the same for two updates exactly when their layouts come out the same: the size,
 * each axis's type, limits and step, the legend's entries, and the data bounds of an axis whose
 * limits are not both given (Chart.js fits those to the data).
 */
export function layoutKey(inputs: LayoutInputs): string {
  const parts: string[] = [`${inputs.width}×${inputs.height}`];
  for (const [id, scale] of Object.entries(inputs.scales)) {
    if (!scale) continue;
    parts.push(`${id}:${scale.type}:${String(scale.min)}:${String(scale.max)}:${String(scale.ticks?.stepSize)}`);
    if (defined(scale.min) && defined(scale.max)) continue;
    const on = inputs.datasets.filter((set) => (id === 'x' ? true : (set.yAxisID ?? 'y') === id));
    parts.push(bounds(on, id === 'x' ? 'x' : 'y'));
  }
  for (const set of inputs.datasets) parts.push(`${set.label}:${String(set.pointStyle)}:${String(set.pointRadius)}`);
  return parts.join('|');
}

type AnyChart = Chart<'line', { x: number; y: number }[]>;

/** The raw array a dataset draws, even after the decimation plugin swapped `data` for its own. */
const raw = (set: DatasetLike): DatasetLike['data'] => (set as DatasetLike & { _data?: DatasetLike['data'] })._data ?? set.data;

function inputsOf(chart: AnyChart): LayoutInputs {
  const datasets = chart.data.datasets
    .filter((_, i) => chart.isDatasetVisible(i))
    .map((set) => ({ ...(set as DatasetLike), data: raw(set as DatasetLike) }));
  return { width: chart.width, height: chart.height, scales: (chart.options.scales ?? {}) as LayoutInputs['scales'], datasets };
}

interface SplitState {
  /** The layout key of the last layout this module asked for; null after any other layout. */
  laidOut: string | null;
  /** Set during an update that keeps the previous layout / that leaves its drawing for later. */
  keepLayout: boolean;
  deferDraw: boolean;
  /** An update's drawing is still owed. */
  owed: boolean;
  asking: string | null;
}

const states = new WeakMap<AnyChart, SplitState>();

/** The plugin each chart is created with: it skips the layout or the drawing when told to. */
export const splitRedrawPlugin: Plugin<'line'> = {
  id: 'fathom-split-redraw',
  beforeLayout: (chart) => !states.get(chart as AnyChart)?.keepLayout,
  afterLayout: (chart) => {
    const state = states.get(chart as AnyChart);
    if (state) state.laidOut = state.asking;
  },
  beforeRender: (chart) => !states.get(chart as AnyChart)?.deferDraw,
  afterRender: (chart) => {
    const state = states.get(chart as AnyChart);
    if (state) state.owed = false;
  },
};

/**
 * Runs `update` (which calls chart.update) keeping the previous layout when it would come out the
 * same, and without drawing: returns the drawing, to be run in a later frame (it does nothing if
 * Chart.js drew meanwhile, e.g. for a hover).
 */
export function updateWithoutDrawing(chart: AnyChart, update: () => void): () => void {
  let state = states.get(chart);
  if (!state) states.set(chart, (state = { laidOut: null, keepLayout: false, deferDraw: false, owed: false, asking: null }));
  const key = layoutKey(inputsOf(chart));
  state.keepLayout = state.laidOut !== null && key === state.laidOut;
  state.asking = key;
  state.deferDraw = true;
  try {
    update();
  } finally {
    state.keepLayout = false;
    state.deferDraw = false;
    state.asking = null;
  }
  state.owed = true;
  const owed = state;
  return () => {
    if (owed.owed) chart.render();
  };
}
