/**
 * The gradient chart's numbers: per-layer norms summarised per epoch (median, with a band between
 * the quartiles) and the ratio of each layer's median to the last layer's, where vanishing
 * gradients read directly (a ratio of 10⁻³ = the layer learns a thousand times slower).
 */
import type { Point } from '../charts/spec';
import { quantile } from '../charts/reduce';

export interface EpochSpread {
  median: Point[];
  q1: Point[];
  q3: Point[];
}

/** The epoch a point at x (in epochs) belongs to: x in (e − 1, e] is epoch e. */
const epochOf = (x: number): number => Math.max(1, Math.ceil(x - 1e-9));

/**
 * Per epoch, the median and quartiles of the norms sampled during it, drawn at the epoch's end
 * (x = e); the epoch still under way is drawn at its latest sample, so the line grows as it trains.
 */
export function epochSpread(samples: Point[]): EpochSpread {
  const out: EpochSpread = { median: [], q1: [], q3: [] };
  let start = 0;
  while (start < samples.length) {
    const epoch = epochOf(samples[start]!.x);
    let end = start;
    while (end < samples.length && epochOf(samples[end]!.x) === epoch) end++;
    const values = Float64Array.from(samples.slice(start, end), (p) => p.y).sort();
    const finished = end < samples.length;
    const x = finished ? epoch : samples[end - 1]!.x;
    out.median.push({ x, y: quantile(values, 0.5) });
    out.q1.push({ x, y: quantile(values, 0.25) });
    out.q3.push({ x, y: quantile(values, 0.75) });
    start = end;
  }
  return out;
}

/**
 * Each layer's values divided by the last layer's at the same x, for every layer but the last
 * (points where the last layer has no value are left out).
 */
export function ratiosToLast(perLayer: Point[][]): Point[][] {
  const last = perLayer[perLayer.length - 1];
  if (!last || perLayer.length < 2) return [];
  const reference = new Map(last.map((p) => [p.x, p.y]));
  return perLayer.slice(0, -1).map((points) =>
    points.flatMap((p) => {
      const r = reference.get(p.x);
      return r !== undefined && r > 0 ? [{ x: p.x, y: p.y / r }] : [];
    }),
  );
}
