/** Where the ticks of the charts' axes go: the same for every chart given the same data, whatever its width. */
import { powerOfTen } from '../format';

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

/**
 * On a log axis only 1, 2 and 5 × 10ⁿ get a label, all written as powers of ten (10⁻², 2×10⁻²,
 * never 0.01 beside 10⁻⁴); the rest stay as grid lines.
 */
export function logTick(y: number): string {
  const m = y / 10 ** Math.floor(Math.log10(y) + 1e-9);
  // Exactly 1, 2 or 5: a narrow axis also gets ticks such as 0.016, which rounding would label.
  const mantissa = Math.round(m);
  return Math.abs(m - mantissa) < 1e-6 && (mantissa === 1 || mantissa === 2 || mantissa === 5) ? powerOfTen(y, 1) : '';
}

/**
 * The ticks of a log axis from `min` to `max` (both > 0): 1, 2 and 5 × 10ⁿ when it spans up to two
 * decades, every decade up to six, evenly spaced decades beyond (decadeTicks). Chosen here rather
 * than by Chart.js, whose tick limit skips labels unevenly and can leave a narrow axis one label.
 */
export function logAxisTicks(min: number, max: number): number[] {
  if (!(min > 0) || !(max > min) || !Number.isFinite(max)) return [];
  const low = Math.log10(min);
  const high = Math.log10(max);
  const spaced = decadeTicks(low, high);
  if (spaced) return spaced.map((e) => Number(`1e${e}`));
  const mantissas = high - low <= 2 + 1e-9 ? [1, 2, 5] : [1];
  const out: number[] = [];
  for (let e = Math.floor(low + 1e-9); e <= Math.ceil(high - 1e-9); e++) {
    for (const m of mantissas) {
      const value = Number(`${m}e${e}`);
      if (value >= min * (1 - 1e-9) && value <= max * (1 + 1e-9)) out.push(value);
    }
  }
  return out;
}
