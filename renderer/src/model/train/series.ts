/**
 * The plain arrays the charts draw. They live OUTSIDE Vue's reactivity (a 30-epoch MNIST run is
 * ~150,000 batch losses): progress events append to them in place and a throttled redraw picks
 * them up. x is always measured in epochs (batch step / batches per epoch), so the batch curves,
 * the per-epoch points and the curves of other runs share one linear axis.
 */
import type { RunEvent } from '@core/lab/contract';
import type { EpochReport } from '@core/engine/reports';
import type { Point } from '../charts/spec';

export type { Point };

type ProgressEvent = Extract<RunEvent, { type: 'progress' }>;

/** Weight of the past in the exponential moving average of the batch loss. */
export const EMA_BETA = 0.98;

export interface EpochSeries {
  trainLoss: Point[];
  validationLoss: Point[];
  testLoss: Point[];
  trainAccuracy: Point[];
  validationAccuracy: Point[];
  testAccuracy: Point[];
  /** Training samples per second over each epoch (evaluation excluded). */
  throughput: Point[];
  /** Mean ‖∂C/∂w^l‖ over each epoch, one array per layer l = 1…L. */
  gradients: Point[][];
  /** η of each epoch's last batch (EpochReport.learningRate; absent in runs recorded before it was). */
  learningRate: Point[];
}

export interface RunSeries {
  /** 0 until the first progress event says how many batches an epoch has. */
  batchesPerEpoch: number;
  /** Every batch loss, and its bias-corrected EMA. */
  loss: Point[];
  smooth: Point[];
  /** Latest ‖∂C/∂w^l‖ per progress event, one array per layer. */
  gradients: Point[][];
  throughput: Point[];
  /** η as each progress event reported it: the schedule's value or a person's mid-run change. */
  learningRate: Point[];
  epochs: EpochSeries;
  /** Running EMA state: the raw average and the number of terms in it. */
  ema: number;
  emaTerms: number;
  /** Bumped on every change; charts redraw when it moves. */
  version: number;
}

export function emptyEpochSeries(): EpochSeries {
  return {
    trainLoss: [],
    validationLoss: [],
    testLoss: [],
    trainAccuracy: [],
    validationAccuracy: [],
    testAccuracy: [],
    throughput: [],
    gradients: [],
    learningRate: [],
  };
}

export function createSeries(): RunSeries {
  return {
    batchesPerEpoch: 0,
    loss: [],
    smooth: [],
    gradients: [],
    throughput: [],
    learningRate: [],
    epochs: emptyEpochSeries(),
    ema: 0,
    emaTerms: 0,
    version: 0,
  };
}

/**
 * Appends by index rather than with push(): Chart.js patches push() on the arrays it draws
 * (to animate insertions) and we want none of that per batch.
 */
function append(points: Point[], x: number, y: number): void {
  points[points.length] = { x, y };
}

/** Keeps x strictly increasing, which Chart.js's `normalized: true` and decimation rely on. */
function lastX(points: Point[]): number {
  return points.length ? points[points.length - 1]!.x : -Infinity;
}

export function appendProgress(series: RunSeries, event: ProgressEvent): void {
  const perEpoch = event.batchesPerEpoch > 0 ? event.batchesPerEpoch : 1;
  series.batchesPerEpoch = perEpoch;
  let x = 0;
  for (const { step, loss } of event.points) {
    x = step / perEpoch;
    if (!Number.isFinite(loss) || x <= lastX(series.loss)) continue;
    append(series.loss, x, loss);
    series.ema = EMA_BETA * series.ema + (1 - EMA_BETA) * loss;
    series.emaTerms++;
    append(series.smooth, x, series.ema / (1 - EMA_BETA ** series.emaTerms));
  }
  const at = event.points.length ? x : event.epoch - 1 + event.batch / perEpoch;
  // Batches from across the interval when the worker sends them (a fast run's epoch may span only a
  // few events), else the latest batch's norms.
  const samples = event.gradientSamples?.length ? event.gradientSamples : [{ step: at * perEpoch, norms: event.gradientNorms }];
  for (const { step, norms } of samples) {
    const sampleAt = step / perEpoch;
    norms.forEach((g, i) => {
      const layer = (series.gradients[i] ??= []);
      // A log axis cannot show 0 or a non-finite norm: leave a gap.
      if (g > 0 && Number.isFinite(g) && sampleAt > lastX(layer)) append(layer, sampleAt, g);
    });
  }
  if (event.samplesPerSecond > 0 && at > lastX(series.throughput)) append(series.throughput, at, event.samplesPerSecond);
  if (event.learningRate > 0 && Number.isFinite(event.learningRate) && at > lastX(series.learningRate))
    append(series.learningRate, at, event.learningRate);
  series.version++;
}

function fill(points: Point[], history: EpochReport[], pick: (r: EpochReport) => number | null | undefined): void {
  points.length = 0;
  for (const report of history) {
    const y = pick(report);
    if (typeof y === 'number' && Number.isFinite(y)) append(points, report.epoch, y);
  }
}

/** Rebuilds the per-epoch arrays in place (so charts keep their references) from a run's history. */
export function setHistory(series: RunSeries, history: EpochReport[]): void {
  const e = series.epochs;
  fill(e.trainLoss, history, (r) => r.trainLoss);
  fill(e.validationLoss, history, (r) => r.validationLoss);
  fill(e.testLoss, history, (r) => r.testLoss);
  fill(e.trainAccuracy, history, (r) => r.trainAccuracy);
  fill(e.validationAccuracy, history, (r) => r.validationAccuracy);
  fill(e.testAccuracy, history, (r) => r.testAccuracy);
  fill(e.throughput, history, (r) => (r.samplesPerSecond > 0 ? r.samplesPerSecond : null));
  fill(e.learningRate, history, (r) => r.learningRate);
  const layers = history.reduce((n, r) => Math.max(n, r.layers.length), 0);
  for (let l = 0; l < layers; l++) {
    const points = (e.gradients[l] ??= []);
    fill(points, history, (r) => {
      const g = r.layers[l]?.gradientNorm;
      return g !== undefined && g > 0 ? g : null;
    });
  }
  series.version++;
}

/**
 * Drops the batch points after `epoch` (x is in epochs) and recomputes the loss EMA from the ones
 * kept, so the blown-up losses do not linger in the smoothed curve. Returns what puts them back.
 */
export function cutSeries(s: RunSeries, epoch: number): () => void {
  const arrays = [s.loss, s.smooth, s.throughput, s.learningRate, ...s.gradients];
  const tails = arrays.map((points) => {
    const keep = points.filter((p) => p.x <= epoch).length;
    const tail = points.slice(keep);
    points.length = keep; // not splice(): Chart.js patches the array methods of the data it draws
    return tail;
  });
  const { ema, emaTerms } = s;
  s.ema = 0;
  s.emaTerms = 0;
  for (const p of s.loss) {
    s.ema = EMA_BETA * s.ema + (1 - EMA_BETA) * p.y;
    s.emaTerms++;
  }
  s.version++;
  return () => {
    arrays.forEach((points, i) => tails[i]!.forEach((p) => (points[points.length] = p)));
    Object.assign(s, { ema, emaTerms });
    s.version++;
  };
}
