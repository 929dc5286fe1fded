/**
 * Pure reductions of a chart's points before Chart.js sees them: a cap on the points a line draws
 * (min-max buckets, so spikes survive), quantiles, a y range that ignores the first batches' spike,
 * and an exponential moving average. All run in O(n) or better on arrays of ~10⁵ points.
 */
import type { Point } from './spec';

/** Points a line hands to Chart.js at most: a plot is ~600 px wide, two points per pixel column is plenty. */
export const MAX_DRAWN_POINTS = 1200;

/**
 * At most `cap` points of `points` (sorted by x): the x range cut into cap/2 equal buckets, each
 * giving its lowest and highest point in x order, so every spike and dip stays visible. The first
 * and last points are always kept (the line starts and ends where the data do).
 */
export function minMaxDownsample(points: Point[], cap = MAX_DRAWN_POINTS): Point[] {
  const n = points.length;
  if (n <= cap) return points;
  const first = points[0]!;
  const last = points[n - 1]!;
  const buckets = Math.max(1, Math.floor((cap - 2) / 2));
  const width = (last.x - first.x) / buckets || 1;
  const out: Point[] = [first];
  let bucket = -1;
  let lo: Point | null = null;
  let hi: Point | null = null;
  const flush = (): void => {
    if (!lo || !hi) return;
    if (lo === hi) out.push(lo);
    else if (lo.x < hi.x) out.push(lo, hi);
    else out.push(hi, lo);
  };
  for (let i = 1; i < n - 1; i++) {
    const p = points[i]!;
    const b = Math.min(buckets - 1, Math.floor((p.x - first.x) / width));
    if (b !== bucket) {
      flush();
      bucket = b;
      lo = hi = p;
    } else {
      if (p.y < lo!.y) lo = p;
      if (p.y > hi!.y) hi = p;
    }
  }
  flush();
  out.push(last);
  return out;
}

/** The q-quantile (0 ≤ q ≤ 1) of ascending `sorted`, interpolated between neighbours; NaN when empty. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const at = Math.min(1, Math.max(0, q)) * (n - 1);
  const below = Math.floor(at);
  const above = Math.min(n - 1, below + 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (at - below);
}

/** The finite (and, for a log axis, positive) y values of up to `limit` points spread evenly over `points`, ascending. */
function sampledValues(points: Point[], from: number, limit: number, positive: boolean): Float64Array {
  const count = points.length - from;
  const stride = Math.max(1, Math.ceil(count / limit));
  const values: number[] = [];
  for (let i = from; i < points.length; i += stride) {
    const y = points[i]!.y;
    if (Number.isFinite(y) && (!positive || y > 0)) values.push(y);
  }
  return Float64Array.from(values).sort();
}

export interface YRange {
  min: number;
  max: number;
}

/**
 * The default y range of a loss chart. The first batches of a run cost far more than the rest
 * (random weights), and a range that fits them squashes the training into the bottom few percent:
 * so the range fits the batch losses after the first 2 % of them (at least 10 batches) from their
 * 1st to their 99th percentile, and all of `lines` (the per-epoch points, the smoothed curve after
 * the same start), with a little headroom. A linear range starts at 0 when every value is ≥ 0.
 * Null when there is nothing to fit (Chart.js then fits the data itself).
 */
export function robustRange(batch: Point[], lines: Point[][], log: boolean): YRange | null {
  const skip = batch.length > 20 ? Math.max(10, Math.floor(batch.length * 0.02)) : 0;
  const sample = sampledValues(batch, skip, 2000, log);
  let min = sample.length ? quantile(sample, 0.01) : Infinity;
  let max = sample.length ? quantile(sample, 0.99) : -Infinity;
  const skipX = skip > 0 ? batch[skip]!.x : -Infinity;
  for (const points of lines) {
    // A long line is the smoothed curve: every 50th of its points finds its range closely enough.
    const stride = Math.max(1, Math.ceil(points.length / 2000));
    for (let i = 0; i < points.length; i += stride) {
      const p = points[i]!;
      if (p.x < skipX || !Number.isFinite(p.y) || (log && !(p.y > 0))) continue;
      if (p.y < min) min = p.y;
      if (p.y > max) max = p.y;
    }
  }
  if (!(max >= min)) return null;
  if (log) return { min: min / 1.25, max: max * 1.25 };
  const pad = (max - min) * 0.05 || Math.abs(max) * 0.05 || 1;
  return { min: min >= 0 ? 0 : min - pad, max: max + pad };
}

/** The bias-corrected exponential moving average of `points` with weight `beta` on the past (0 = the points themselves). */
export function movingAverage(points: Point[], beta: number): Point[] {
  if (!(beta > 0)) return points;
  const out: Point[] = new Array<Point>(points.length);
  let average = 0;
  let correction = 1;
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    average = beta * average + (1 - beta) * p.y;
    correction *= beta;
    out[i] = { x: p.x, y: average / (1 - correction) };
  }
  return out;
}
