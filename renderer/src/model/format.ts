/**
 * How numbers read on every screen, in one place: counts with thousands separators (60,000),
 * significant digits, powers of ten instead of e-notation (2.5×10⁴⁶, 10⁻¹²: a learner reads
 * powers of ten, not "2.5e+46"), percentages with a space before the sign (97.2 %), durations,
 * speeds and sizes. A negative number takes the minus sign (−), not the hyphen.
 */

import { superscript } from '@core/engine/notation';

// The superscript digits live with the layer notation (core/engine/notation), shared with the CLI.
export { superscript };

/** What a missing or non-finite value reads as. */
export const NONE = '—';

const MINUS = '−';
const COMPACT = new Intl.NumberFormat('en', { notation: 'compact', maximumSignificantDigits: 3 });
// Made once: Number.toLocaleString builds a new formatter on every call (a fraction of a millisecond,
// which added up to a few per cent of the page's time while a run streamed progress and chart ticks).
const WHOLE = new Intl.NumberFormat('en');
const UP_TO_20_DECIMALS = new Intl.NumberFormat('en', { maximumFractionDigits: 20 });
const upToDecimals = new Map<number, Intl.NumberFormat>();
function withDecimals(places: number): Intl.NumberFormat {
  let format = upToDecimals.get(places);
  if (!format) upToDecimals.set(places, (format = new Intl.NumberFormat('en', { maximumFractionDigits: places })));
  return format;
}

const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const minus = (text: string): string => text.replace('-', MINUS);

/** Whole numbers with thousands separators: 60000 → "60,000" (rounded); "—" when not a number. */
export function count(n: number | null | undefined): string {
  return isFiniteNumber(n) ? WHOLE.format(Math.round(n)) : NONE;
}

/** `digits` significant digits, trailing zeros kept, as a power of ten: 0.1 → "1.000000×10⁻¹" (columns compared digit by digit). */
export function scientific(y: number, digits = 3): string {
  if (!Number.isFinite(y)) return String(y);
  const [mantissa, exponent] = y.toExponential(digits - 1).split('e') as [string, string];
  return `${minus(mantissa)}×10${superscript(Number(exponent))}`;
}

/** 1e73 → "10⁷³", 8.5e72 → "8.5×10⁷²", −2e7 → "−2×10⁷": `digits` significant digits, trailing zeros dropped. */
export function powerOfTen(y: number, digits = 3): string {
  if (y === 0) return '0';
  if (!Number.isFinite(y)) return String(y);
  const [mantissa, exponent] = y.toExponential(digits - 1).split('e') as [string, string];
  const power = `10${superscript(Number(exponent))}`;
  const m = Math.abs(Number(mantissa));
  return `${y < 0 ? MINUS : ''}${m === 1 ? power : `${m}×${power}`}`;
}

/**
 * `digits` significant digits with thousands separators (0.0123, 1,230), powers of ten from a
 * million up and under 0.001. `keepZeros` keeps the trailing zeros that show the precision (0.500).
 */
export function significant(y: number, digits = 3, keepZeros = false): string {
  if (y === 0) return '0';
  if (!Number.isFinite(y)) return String(y);
  const a = Math.abs(y);
  if (a >= 1e6 || a < 1e-3) return keepZeros ? scientific(y, digits) : powerOfTen(y, digits);
  const rounded = Number(y.toPrecision(digits));
  // toPrecision writes e-notation once the digits run out before the decimal point (1234 → "1.23e+3").
  if (keepZeros && Math.abs(rounded) < 10 ** digits) return minus(y.toPrecision(digits));
  return minus(UP_TO_20_DECIMALS.format(rounded));
}

/**
 * A setting as the learner entered it (η, λ, a batch size, an epoch count): its digits kept (up to 6
 * significant), thousands separators, powers of ten under 0.001 — η = 0.5, 10⁻⁵, 100,000 epochs.
 */
export function quantity(value: number | null | undefined): string {
  return isFiniteNumber(value) ? significant(value, 6) : NONE;
}

/** Axis and tooltip numbers: 3 significant digits, 21K in the thousands, powers of ten beyond a million or under 0.001. */
export function compact(y: number): string {
  const a = Math.abs(y);
  return a >= 1e3 && a < 1e6 ? minus(COMPACT.format(y)) : significant(y, 3);
}

/** A number with exactly `decimals` decimals (an activation a = 0.953, a pixel position); "—" when not a number. */
export function fixed(value: number | null | undefined, decimals: number): string {
  return isFiniteNumber(value) ? minus(value.toFixed(decimals)) : NONE;
}

/** A measured value in its own units (a table's cell): up to `places` decimals, 12,345.678; powers of ten from 10⁵ up and under 0.001. */
export function decimal(x: number, places = 3): string {
  const a = Math.abs(x);
  if (a >= 1e5 || (x !== 0 && a < 1e-3)) return powerOfTen(x, 3);
  return minus(withDecimals(places).format(Number(x.toFixed(places))));
}

/** A share as a percentage with `decimals` decimals: 0.9723 → "97.2 %"; "—" when not a number. */
export function percent(share: number | null | undefined, decimals = 1): string {
  return isFiniteNumber(share) ? `${minus((share * 100).toFixed(decimals))} %` : NONE;
}

/** A percentage with 3 significant digits and no trailing zeros, for axes and settings: 0.5 → "50 %", 0.0007 → "0.07 %". */
export function compactPercent(share: number): string {
  return `${significant(share * 100, 3)} %`;
}

/** A loss (cost) value: 3 significant digits with their trailing zeros (0.500), powers of ten when huge or tiny; "—" when not a number. */
export function loss(value: number | null | undefined): string {
  return isFiniteNumber(value) ? significant(value, 3, true) : NONE;
}

/** 42 s, 2 min 05 s, 1 h 02 min; "—" for a time that cannot be known. */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return NONE;
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** Samples per second: 850, or 21.3K from a thousand up (written as the throughput axis writes thousands). */
export function rate(samplesPerSecond: number): string {
  return samplesPerSecond >= 1000 ? `${(samplesPerSecond / 1000).toFixed(1)}K` : samplesPerSecond.toFixed(0);
}

/** A size on disk: at least 1 kB, 30.9 MB from a million bytes, 1.2 GB from a billion. */
export function bytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(n / 1e3))} kB`;
}

/** A date and time in the reader's locale: "Mar 4, 09:15"; the text itself when it is not a date. */
export function clock(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : d.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}
