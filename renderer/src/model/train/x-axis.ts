/**
 * The x axis runs are compared on: epochs, training samples seen, or training time. Runs of
 * different lengths, batch sizes and speeds line up on the one that fits the question (a run with
 * half the data per epoch has seen half the samples at epoch 10). The chart builders work in epochs
 * (series.ts); each run's lines are mapped onto the chosen axis last, per run.
 */
import type { EpochReport } from '@core/engine/reports';
import { compact, fixed } from '../format';
import type { LineSet, Point } from '../charts/spec';

export const X_AXES = ['epoch', 'samples', 'time'] as const;
export type XAxisName = (typeof X_AXES)[number];

/** How each axis is offered, titled on the chart, and read in a tooltip. */
export const X_AXIS_TEXT: Record<XAxisName, { option: string; title: string; tooltip: (x: number) => string }> = {
  epoch: { option: 'epoch', title: 'epoch', tooltip: (x) => `epoch ${fixed(x, 2)}` },
  samples: { option: 'samples seen', title: 'training samples seen', tooltip: (x) => `${compact(Math.round(x))} samples seen` },
  time: {
    option: 'training time',
    title: 'training time (s, evaluation and pauses excluded)',
    tooltip: (x) => `${compact(x)} s of training`,
  },
};

/** What a run says about its pace: its finished epochs, its batch size and its live batch rate. */
export interface PacedRun {
  history?: readonly EpochReport[];
  batchSize?: number;
  batchesPerEpoch: number;
  /** Live training samples per second (the latest is used for the epoch in progress). */
  throughput: readonly Point[];
}

/**
 * Training samples in one epoch: exact from a finished epoch (its samples/s × its seconds is the
 * training-set size), else batches per epoch × the batch size (the last batch may be smaller).
 */
export function samplesPerEpoch(run: PacedRun): number | null {
  const done = run.history?.find((r) => r.seconds > 0 && r.samplesPerSecond > 0);
  if (done) return Math.round(done.samplesPerSecond * done.seconds);
  return run.batchesPerEpoch > 0 && run.batchSize ? run.batchesPerEpoch * run.batchSize : null;
}

/**
 * The run's position on `axis` for a position in epochs (fractional mid-epoch), or null when the run
 * has not said enough yet (no finished epoch and no live rate). Time is the training seconds of the
 * epochs before, plus the share done of the current one; an epoch not finished yet is timed at the
 * last one's pace, or at the live rate before any has finished.
 */
export function epochTo(axis: XAxisName, run: PacedRun): ((epoch: number) => number) | null {
  if (axis === 'epoch') return (epoch) => epoch;
  const perEpoch = samplesPerEpoch(run);
  if (perEpoch === null) return null;
  if (axis === 'samples') return (epoch) => epoch * perEpoch;
  const seconds = new Map<number, number>();
  for (const r of run.history ?? []) if (r.seconds > 0) seconds.set(r.epoch, r.seconds);
  const lastRate = run.throughput[run.throughput.length - 1]?.y;
  const lastDone = [...seconds.values()].at(-1);
  const pace = lastDone ?? (lastRate && lastRate > 0 ? perEpoch / lastRate : null);
  if (pace === null) return null;
  const secondsOf = (epoch: number): number => seconds.get(epoch) ?? pace;
  const before: number[] = [0]; // before[e]: training seconds of epochs 1…e
  return (x) => {
    const whole = Math.max(0, Math.floor(x));
    while (before.length <= whole) before.push(before[before.length - 1]! + secondsOf(before.length));
    return before[whole]! + (x - whole) * secondsOf(whole + 1);
  };
}

/** The run's lines with every point moved to `to(x)` (a marker's note kept); the lines as they are on the epoch axis. */
export function mapLines(sets: LineSet[], to: ((epoch: number) => number) | null, axis: XAxisName): LineSet[] {
  if (axis === 'epoch') return sets;
  if (!to) return [];
  return sets.map((set) => ({ ...set, data: set.data.map((p: Point) => ({ ...p, x: to(p.x) })) }));
}
