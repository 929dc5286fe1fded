/**
 * What each chart draws, as functions of the focused run and the ticked runs. Line style encodes
 * the split everywhere: solid = training, dashed = validation, dotted = test.
 */
import type { NetworkSpec } from '@core/engine/spec';
import { compactPercent } from '../format';
import { fade, layerColour, runColour } from '../charts/palette';
import type { ChartSpec, LineSet, Point } from '../charts/spec';
import type { EpochSeries, RunSeries } from './series';

export interface ChartRun {
  name: string;
  colour: number;
  spec: NetworkSpec;
  /** Planned epochs: decides how big the per-epoch markers are. */
  epochs: number;
  series: RunSeries;
}

export interface ChartContext {
  focused: ChartRun | null;
  overlays: ChartRun[];
}

const DASH = { train: [], validation: [6, 4], test: [2, 3] } as const;
type Split = keyof typeof DASH;

interface Style {
  colour: string;
  width?: number;
  dash?: readonly number[];
  points?: number;
  order?: number;
}

function line(label: string, data: Point[], style: Style): LineSet {
  // A line of one point draws nothing: mark it, or a run that blew up at once looks empty.
  const radius = style.points || (data.length === 1 ? 3 : 0);
  return {
    label,
    data,
    borderColor: style.colour,
    backgroundColor: style.colour,
    borderWidth: style.width ?? 1.5,
    borderDash: [...(style.dash ?? [])],
    pointRadius: radius,
    pointHoverRadius: radius + 2,
    order: style.order ?? 0,
  };
}

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
  return (Object.keys(DASH) as Split[]).map((split) =>
    line(`${prefix}${split}${focused && metric === 'Loss' ? ' (epoch)' : ''}`, data[split], {
      colour,
      dash: DASH[split],
      width: focused ? 2 : 1.5,
      points: run.epochs > 15 ? 1.5 : focused ? 3 : 2,
    }),
  );
}

export function lossChart(ctx: ChartContext, logY: boolean): ChartSpec {
  const mine: LineSet[] = [];
  const f = ctx.focused;
  if (f) {
    const colour = runColour(f.colour);
    mine.push(line('batch loss', f.series.loss, { colour: fade(colour, 0.28), width: 1, order: 2 }));
    mine.push(line('smoothed (EMA)', f.series.smooth, { colour, width: 1.5, order: 1 }));
    mine.push(...epochLines(f, 'Loss', true));
  }
  const theirs = ctx.overlays.flatMap((run) => epochLines(run, 'Loss', false));
  return {
    ...focusedThenOverlays(mine, theirs),
    yType: logY ? 'logarithmic' : 'linear',
    yTitle: 'loss C',
    decimation: 'min-max',
    xMax: epochSpan(ctx),
  };
}

export function accuracyChart(ctx: ChartContext): ChartSpec {
  const mine = ctx.focused ? epochLines(ctx.focused, 'Accuracy', true) : [];
  const theirs = ctx.overlays.flatMap((run) => epochLines(run, 'Accuracy', false));
  return {
    ...focusedThenOverlays(mine, theirs),
    yType: 'linear',
    yTitle: 'accuracy',
    yFormat: compactPercent,
    decimation: 'lttb',
    xMax: epochSpan(ctx),
  };
}

/** ‖∂C/∂w^l‖ per layer on a log axis: live per batch while training, per epoch for stored runs. */
export function gradientChart(ctx: ChartContext): ChartSpec {
  const f = ctx.focused;
  if (!f) return { datasets: [], yType: 'logarithmic', yTitle: '‖∂C/∂w‖', decimation: 'lttb' };
  const live = f.series.gradients.some((g) => g.length > 0);
  const perLayer = live ? f.series.gradients : f.series.epochs.gradients;
  const sets = perLayer.map((data, i) =>
    // Numbered as on the Design tab, where the input is layer 1.
    line(`layer ${i + 2} · ${f.spec.layers[i]?.activation ?? ''}`, data, { colour: layerColour(i + 1), points: live ? 0 : 2 }),
  );
  return {
    datasets: nonEmpty(sets),
    yType: 'logarithmic',
    yTitle: '‖∂C/∂w‖ (log)',
    decimation: 'lttb',
    xMax: epochSpan({ focused: f, overlays: [] }),
  };
}

export function throughputChart(ctx: ChartContext): ChartSpec {
  const f = ctx.focused;
  const sets = f
    ? [
        line('while training', f.series.throughput, { colour: fade(runColour(f.colour), 0.55), width: 1 }),
        line('epoch average', f.series.epochs.throughput, { colour: runColour(f.colour), width: 2, points: 2.5 }),
      ]
    : [];
  return {
    datasets: nonEmpty(sets),
    yType: 'linear',
    yTitle: 'samples / s',
    decimation: 'lttb',
    fromZero: true,
    xMax: epochSpan({ focused: f, overlays: [] }),
  };
}
