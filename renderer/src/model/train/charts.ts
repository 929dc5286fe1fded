/**
 * What each chart draws, as functions of the focused run and the ticked runs. Line style encodes
 * the split everywhere: solid = training, dashed = validation, dotted = test; each split also has
 * its own marker (● train, ◆ validation, ▲ test), which is what the legend shows. Batch curves are
 * handed to Chart.js capped at MAX_DRAWN_POINTS (min-max buckets): the store keeps every point.
 */
import type { NetworkSpec } from '@core/engine/spec';
import type { EpochReport } from '@core/engine/reports';
import type { RunRecordEvent } from '@core/lab/contract';
import { layerLegend } from '../design/layers';
import { compactPercent } from '../format';
import { fade, faintOn, layerColour, runColour } from '../charts/palette';
import { capGrowing, movingAverage, robustRange } from '../charts/reduce';
import type { ChartSpec, LineSet, Point } from '../charts/spec';
import { epochSpread, ratiosToLast } from './gradients';
import { eventMarks } from './event-marks';
import { EMA_BETA, type EpochSeries, type RunSeries } from './series';
import { epochTo, mapLines, X_AXIS_TEXT, type XAxisName } from './x-axis';

export interface ChartRun {
  name: string;
  colour: number;
  spec: NetworkSpec;
  /** Planned epochs: decides how big the per-epoch markers are. */
  epochs: number;
  series: RunSeries;
  /** What happened to the run (η changed, pauses, steps, roll-backs): marked on every chart of the focused run. */
  events?: readonly RunRecordEvent[];
  /** Its finished epochs and batch size: what puts it on a samples-seen or time axis (x-axis.ts). */
  history?: readonly EpochReport[];
  batchSize?: number;
}

export interface ChartContext {
  focused: ChartRun | null;
  overlays: ChartRun[];
  /** What x measures on every chart (default: epochs). */
  xAxis?: XAxisName;
  /** The chart's background ('#rrggbb'), so faint lines can be faded to a contrast that shows on it. */
  surface?: string;
}

const DASH = { train: [], validation: [6, 4], test: [2, 3] } as const;
type Split = keyof typeof DASH;
const MARKER = { train: 'circle', validation: 'rectRot', test: 'triangle' } as const;

/** The live η's line: a quiet grey, apart from every run's colour. */
const ETA_COLOUR = '#8a8f98';

/** The smoothing choices of the loss chart: the weight of the past in the moving average (0 = none). */
export const SMOOTHING = [
  { beta: 0, label: 'off' },
  { beta: 0.9, label: 'light' },
  { beta: EMA_BETA, label: 'medium' },
  { beta: 0.995, label: 'strong' },
] as const;

interface Style {
  colour: string;
  width?: number;
  dash?: readonly number[];
  points?: number;
  marker?: 'circle' | 'rectRot' | 'triangle';
  order?: number;
  /** An edge of a band between quartiles: the upper edge fills down to the lower one, the dataset after it. */
  band?: 'upper' | 'lower';
}

function line(label: string, data: Point[], style: Style): LineSet {
  // A line of one point draws nothing: mark it, or a run that blew up at once looks empty.
  const radius = style.points || (data.length === 1 ? 3 : 0);
  return {
    label,
    data: capGrowing(data),
    borderColor: style.colour,
    backgroundColor: style.colour,
    borderWidth: style.width ?? 1.5,
    borderDash: [...(style.dash ?? [])],
    pointRadius: radius,
    pointHoverRadius: radius + 2,
    // Lines without markers show as a line in the legend; marked ones as their marker.
    pointStyle: style.marker ?? (radius > 0 ? 'circle' : 'line'),
    order: style.order ?? 0,
    ...(style.band
      ? {
          fill: style.band === 'upper' ? '+1' : false,
          backgroundColor: fade(style.colour, 0.16),
          borderColor: fade(style.colour, 0.4),
          borderWidth: 1,
        }
      : {}),
  };
}

/** Points the builder was given before capping: what the chart holds, not what it draws. */
const keptPoints = (sources: Point[][]): number => sources.reduce((n, points) => n + points.length, 0);

/**
 * The furthest epoch any drawn run has reached, in any of its series: the axis of every chart
 * drawing those runs ends there. Gradients and throughput draw the focused run alone and pass no
 * overlays: a long ticked run would squeeze them into a sliver; without one all four match.
 */
export function epochSpan(ctx: ChartContext): number | undefined {
  let end = -Infinity;
  const reach = (points: Point[]): void => {
    const last = points[points.length - 1];
    if (last && last.x > end) end = last.x;
  };
  for (const run of [ctx.focused, ...ctx.overlays]) {
    if (!run) continue;
    const { loss, smooth, gradients, throughput, epochs } = run.series;
    [loss, smooth, throughput, ...gradients, ...epochs.gradients].forEach(reach);
    [
      epochs.trainLoss,
      epochs.validationLoss,
      epochs.testLoss,
      epochs.trainAccuracy,
      epochs.validationAccuracy,
      epochs.testAccuracy,
      epochs.throughput,
    ].forEach(reach);
  }
  return end > 0 ? end : undefined;
}

const nonEmpty = (sets: LineSet[]): LineSet[] => sets.filter((s) => s.data.length > 0);

/** The run's epoch → x on the context's axis (null: the run cannot be placed on it yet). */
function axisOf(ctx: ChartContext, run: ChartRun): ((epoch: number) => number) | null {
  const { series } = run;
  const throughput = series.throughput.length > 0 ? series.throughput : series.epochs.throughput;
  return epochTo(ctx.xAxis ?? 'epoch', { ...run, batchesPerEpoch: series.batchesPerEpoch, throughput });
}

/** A run's lines, built in epochs, on the context's x axis. */
const onAxis = (ctx: ChartContext, run: ChartRun, sets: LineSet[]): LineSet[] => mapLines(sets, axisOf(ctx, run), ctx.xAxis ?? 'epoch');

/**
 * Where x ends for these runs on the context's axis, and how the axis is titled and read: every
 * run drawn ends within it, so runs of different lengths share one range.
 */
function xOf(ctx: ChartContext, runs: readonly (ChartRun | null)[]): Pick<ChartSpec, 'xMax' | 'xTitle' | 'xTooltip'> {
  const axis = ctx.xAxis ?? 'epoch';
  const { title, tooltip } = X_AXIS_TEXT[axis];
  let xMax: number | undefined;
  for (const run of runs) {
    const end = run ? epochSpan({ focused: run, overlays: [] }) : undefined;
    const to = run && end !== undefined ? axisOf(ctx, run) : null;
    if (to && end !== undefined) xMax = Math.max(xMax ?? 0, to(end));
  }
  return { xMax, xTitle: title, xTooltip: tooltip };
}

/** The run's events as markers sitting on `along`, the chart's main line. */
const marks = (run: ChartRun, along: readonly Point[]): LineSet[] => eventMarks(run.events, along, run.series.batchesPerEpoch);

/** The focused run's lines (in the legend) followed by the ticked runs' (named in the overlay key). */
function focusedThenOverlays(mine: LineSet[], theirs: LineSet[]): Pick<ChartSpec, 'datasets' | 'legendItems'> {
  const shown = nonEmpty(mine);
  return { datasets: [...shown, ...nonEmpty(theirs)], legendItems: shown.length };
}

function epochLines(run: ChartRun, metric: 'Loss' | 'Accuracy', focused: boolean): LineSet[] {
  const colour = runColour(run.colour);
  const e: EpochSeries = run.series.epochs;
  const data: Record<Split, Point[]> =
    metric === 'Loss'
      ? { train: e.trainLoss, validation: e.validationLoss, test: e.testLoss }
      : { train: e.trainAccuracy, validation: e.validationAccuracy, test: e.testAccuracy };
  const prefix = focused ? '' : `${run.name} · `;
  // Train accuracy is counted over the epoch's batches while the weights move, not measured on the
  // end-of-epoch weights like validation and test: the legend says so (epoch 1's train accuracy
  // sits below its test accuracy for that reason).
  const suffix = (split: Split): string => {
    if (!focused) return '';
    if (metric === 'Loss') return ' (epoch)';
    return split === 'train' ? ' (while training)' : '';
  };
  return (Object.keys(DASH) as Split[]).map((split) =>
    line(`${prefix}${split}${suffix(split)}`, data[split], {
      colour,
      dash: DASH[split],
      width: focused ? 2.5 : 1.5,
      marker: MARKER[split],
      points: run.epochs > 15 ? 2 : focused ? 3.5 : 2,
    }),
  );
}

/**
 * Batch losses (faint, at the back), their moving average (`smoothing` = the weight of the past; the
 * store keeps the default one), and the per-epoch losses on top. The y range ignores the first
 * batches' spike (robustRange); zooming out or the log scale shows it.
 */
export function lossChart(ctx: ChartContext, logY: boolean, smoothing: number = EMA_BETA): ChartSpec {
  const mine: LineSet[] = [];
  const sources: Point[][] = [];
  const f = ctx.focused;
  let range = null;
  if (f) {
    const colour = runColour(f.colour);
    const smooth = smoothing === EMA_BETA ? f.series.smooth : movingAverage(f.series.loss, smoothing);
    const e = f.series.epochs;
    mine.push(line('batch loss', f.series.loss, { colour: faintOn(colour, ctx.surface), width: 1, order: 3 }));
    if (smoothing > 0) mine.push(line('smoothed (EMA)', smooth, { colour, width: 1.5, order: 2 }));
    mine.push(...epochLines(f, 'Loss', true));
    mine.push(...marks(f, smoothing > 0 && smooth.length > 0 ? smooth : f.series.loss.length > 0 ? f.series.loss : e.trainLoss));
    // η on its own axis (y2, from 0): live from the progress events, else each epoch's from the history.
    const eta = f.series.learningRate.length ? f.series.learningRate : e.learningRate;
    if (eta.length) mine.push({ ...line('η', eta, { colour: ETA_COLOUR, width: 1, dash: [3, 2], order: 4 }), yAxisID: 'y2' });
    sources.push(f.series.loss, smoothing > 0 ? smooth : [], e.trainLoss, e.validationLoss, e.testLoss, eta);
    range = robustRange(f.series.loss, [smoothing > 0 ? smooth : [], e.trainLoss, e.validationLoss, e.testLoss], logY);
  }
  const theirs = ctx.overlays.flatMap((run) => onAxis(ctx, run, epochLines(run, 'Loss', false)));
  for (const run of ctx.overlays) sources.push(run.series.epochs.trainLoss, run.series.epochs.validationLoss, run.series.epochs.testLoss);
  const overlayRange = robustRange(
    [],
    ctx.overlays.flatMap((run) => [run.series.epochs.trainLoss, run.series.epochs.validationLoss, run.series.epochs.testLoss]),
    logY,
  );
  return {
    ...focusedThenOverlays(f ? onAxis(ctx, f, mine) : mine, theirs),
    yType: logY ? 'logarithmic' : 'linear',
    yTitle: 'loss C',
    decimation: 'min-max',
    ...xOf(ctx, [f, ...ctx.overlays]),
    kept: keptPoints(sources),
    yRange: mergeRanges(range, overlayRange),
  };
}

function mergeRanges(a: { min: number; max: number } | null, b: { min: number; max: number } | null): ChartSpec['yRange'] {
  if (!a || !b) return a ?? b ?? undefined;
  return { min: Math.min(a.min, b.min), max: Math.max(a.max, b.max) };
}

export function accuracyChart(ctx: ChartContext): ChartSpec {
  const f = ctx.focused;
  const mine = f ? epochLines(f, 'Accuracy', true) : [];
  if (f) {
    const e = f.series.epochs;
    mine.push(...marks(f, [e.validationAccuracy, e.testAccuracy, e.trainAccuracy].find((points) => points.length > 0) ?? []));
  }
  const theirs = ctx.overlays.flatMap((run) => onAxis(ctx, run, epochLines(run, 'Accuracy', false)));
  return {
    ...focusedThenOverlays(f ? onAxis(ctx, f, mine) : mine, theirs),
    yType: 'linear',
    yTitle: 'accuracy',
    yFormat: compactPercent,
    decimation: 'lttb',
    ...xOf(ctx, [f, ...ctx.overlays]),
  };
}

export type GradientView = 'norms' | 'ratio';

/**
 * ‖∂C/∂w^l‖ per layer and per epoch on a log axis: the median of the norms sampled while training,
 * with a band between their quartiles (stored runs have only each epoch's mean). `ratio` divides
 * every layer by the last one instead, so a layer that learns 1,000 times slower sits at 10⁻³.
 */
export function gradientChart(ctx: ChartContext, view: GradientView = 'norms'): ChartSpec {
  const f = ctx.focused;
  const yTitle = view === 'ratio' ? '÷ last layer' : '‖∂C/∂w‖';
  if (!f) return { datasets: [], yType: 'logarithmic', yTitle, decimation: 'lttb' };
  const live = f.series.gradients.some((g) => g.length > 0);
  const spreads = live ? f.series.gradients.map(epochSpread) : f.series.epochs.gradients.map((median) => ({ median, q1: [], q3: [] }));
  // Numbered as on the Design tab, where the input is layer 1; a CNN's layers by their kind (conv 2, pool 3).
  const name = (i: number): string => layerLegend(f.spec, i);
  const L = spreads.length;
  const medians: LineSet[] = [];
  const bands: LineSet[] = [];
  if (view === 'ratio') {
    ratiosToLast(spreads.map((s) => s.median)).forEach((data, i) =>
      medians.push(line(`${name(i)} ÷ layer ${L + 1}`, data, { colour: layerColour(i + 1), width: 2, points: 2.5 })),
    );
  } else {
    spreads.forEach((s, i) => {
      const colour = layerColour(i + 1);
      medians.push(line(name(i), s.median, { colour, width: 2, points: 2.5 }));
      // The upper quartile fills down to the lower one, which follows it.
      if (s.q1.length > 0) {
        bands.push(line(`${name(i)} upper quartile`, s.q3, { colour, band: 'upper', order: 1 }));
        bands.push(line(`${name(i)} lower quartile`, s.q1, { colour, band: 'lower', order: 1 }));
      }
    });
  }
  const shown = nonEmpty(medians);
  shown.push(...marks(f, shown[0]?.data ?? []));
  const drawn = onAxis(ctx, f, [...shown, ...nonEmpty(bands)]);
  return {
    datasets: drawn,
    legendItems: Math.min(shown.length, drawn.length),
    yType: 'logarithmic',
    yTitle: `${yTitle} (log)`,
    decimation: 'lttb',
    ...xOf(ctx, [f]),
    kept: keptPoints(live ? f.series.gradients : f.series.epochs.gradients),
  };
}

export function throughputChart(ctx: ChartContext): ChartSpec {
  const f = ctx.focused;
  const sets = f
    ? [
        line('while training', f.series.throughput, { colour: fade(runColour(f.colour), 0.55), width: 1 }),
        line('epoch average', f.series.epochs.throughput, { colour: runColour(f.colour), width: 2, points: 2.5 }),
        ...marks(f, f.series.throughput.length > 0 ? f.series.throughput : f.series.epochs.throughput),
      ]
    : [];
  return {
    datasets: f ? onAxis(ctx, f, nonEmpty(sets)) : [],
    yType: 'linear',
    yTitle: 'samples / s',
    decimation: 'lttb',
    fromZero: true,
    ...xOf(ctx, [f]),
    kept: f ? keptPoints([f.series.throughput, f.series.epochs.throughput]) : 0,
  };
}
