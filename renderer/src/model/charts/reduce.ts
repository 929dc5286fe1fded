/**
 * Pure reductions of a chart's points before Chart.js sees them: a cap on the points a line draws
 * (min-max buckets, so spikes survive), quantiles, a y range that ignores the first batches' spike,
 * and an exponential moving average. All run in O(n) or better on arrays of ~10⁵ points.
 */
import type { Point } from './spec';

/** Points a line hands to Chart.js at most: a plot is 400–600 px wide, and a min-max pair per 1.5 px column reads as the full noise. */
export const MAX_DRAWN_POINTS = 800;

/** Appends the min-max buckets of points[from…to) on the grid of `width` starting at x0 to `out` (by index, not push()). */
function appendBuckets(out: Point[], points: Point[], from: number, to: number, x0: number, width: number): void {
  let bucket = NaN;
  let lo: Point | null = null;
  let hi: Point | null = null;
  const flush = (): void => {
    if (!lo || !hi) return;
    const [a, b] = lo.x <= hi.x ? [lo, hi] : [hi, lo];
    out[out.length] = a;
    if (b !== a) out[out.length] = b;
  };
  for (let i = from; i < to; i++) {
    const p = points[i]!;
    const b = Math.floor((p.x - x0) / width);
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
}

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
  appendBuckets(out, points, 1, n - 1, first.x, width * (1 + 1e-12));
  out[out.length] = last;
  return out;
}

interface Capped {
  /** Points of the source already in `out`, the source's last of them, the grid used, and the result. */
  n: number;
  lastSeen: Point;
  width: number;
  out: Point[];
}
const capped = new WeakMap<Point[], Capped>();

/**
 * minMaxDownsample for a line that grows at its end (a run's batch losses): the new points are
 * bucketed on the grid of the previous call and appended to the previous result, in place, so a
 * redraw costs O(new points) and Chart.js keeps the same array. The grid is laid afresh (a new
 * array) once the result reaches 1.5 × cap, or when the line was cut or replaced.
 */
export function capGrowing(points: Point[], cap = MAX_DRAWN_POINTS): Point[] {
  const n = points.length;
  if (n <= cap) return points;
  const memo = capped.get(points);
  if (memo && memo.n <= n && points[memo.n - 1] === memo.lastSeen) {
    if (memo.n === n) return memo.out;
    // Buckets the new points would add on the old grid: only extend while the result stays under 1.5 × cap.
    const added = 2 * Math.ceil((points[n - 1]!.x - memo.lastSeen.x) / memo.width) + 2;
    if (memo.out.length + added < cap * 1.5) {
      const out = memo.out;
      out.length -= 1; // the old last point: it is bucketed again with the new ones
      appendBuckets(out, points, memo.n - 1, n - 1, points[0]!.x, memo.width);
      out[out.length] = points[n - 1]!;
      Object.assign(memo, { n, lastSeen: points[n - 1]! });
      return out;
    }
  }
  const out = minMaxDownsample(points, cap);
  const width = ((points[n - 1]!.x - points[0]!.x) / Math.max(1, Math.floor((cap - 2) / 2)) || 1) * (1 + 1e-12);
  capped.set(points, { n, lastSeen: points[n - 1]!, width, out });
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
  // A log axis spans whole decades; a linear one ends on a round number (0.05, not 0.0499).
  if (log) return { min: 10 ** Math.floor(Math.log10(min / 1.1)), max: 10 ** Math.ceil(Math.log10(max * 1.1)) };
  const pad = (max - min) * 0.05 || Math.abs(max) * 0.05 || 1;
  const low = min >= 0 ? 0 : min - pad;
  return { min: low >= 0 ? 0 : -roundUp(-low), max: roundUp(max + pad) };
}

/** The round number at or above x > 0 with two significant digits, the second 0 or 5 (0.0499 → 0.05, 0.23 → 0.25, 1.3 → 1.5). */
export function roundUp(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return x;
  const unit = 10 ** (Math.floor(Math.log10(x)) - 1) * 5;
  return Number((Math.ceil(x / unit - 1e-9) * unit).toPrecision(12));
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
