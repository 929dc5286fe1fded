/** How numbers read on every screen. */

export function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

export function rate(samplesPerSecond: number): string {
  return samplesPerSecond >= 1000 ? `${(samplesPerSecond / 1000).toFixed(1)} k` : samplesPerSecond.toFixed(0);
}

export function percent(share: number | null | undefined): string {
  return typeof share === 'number' && Number.isFinite(share) ? `${(share * 100).toFixed(1)} %` : '—';
}

export function loss(value: number | undefined): string {
  return typeof value === 'number' && Number.isFinite(value) ? value.toPrecision(3) : '—';
}

export function clock(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : d.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

const thousands = new Intl.NumberFormat('en', { notation: 'compact', maximumSignificantDigits: 3 });
const SUPERSCRIPT: Record<string, string> = { '-': '⁻', 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹' };

/** 1e73 → "10⁷³", 8.5e72 → "8.5×10⁷²": a learner reads powers of ten, not "1.0e+73". */
export function powerOfTen(y: number): string {
  const [mantissa, exponent] = y.toExponential(2).split('e') as [string, string];
  const power = `10${String(Number(exponent)).replace(/./g, (c) => SUPERSCRIPT[c] ?? c)}`;
  const m = Math.abs(Number(mantissa));
  return `${y < 0 ? '−' : ''}${m === 1 ? power : `${m}×${power}`}`;
}

/** Axis and tooltip numbers: plain under a thousand, 21K above, powers of ten beyond a million or under 0.001. */
export const compact = (y: number): string => {
  if (y === 0) return '0';
  if (!Number.isFinite(y)) return String(y);
  const a = Math.abs(y);
  if (a >= 1e6 || a < 1e-3) return powerOfTen(y);
  if (a >= 1e3) return thousands.format(y);
  return String(Number(y.toPrecision(3)));
};
