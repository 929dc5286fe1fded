/** How to read a gradient check's relative error, in the lab's words. */
export interface Verdict {
  level: 'good' | 'fine' | 'doubtful' | 'wrong';
  text: string;
}

/** Thresholds on ‖g_backprop − g_numeric‖ / (‖g_backprop‖ + ‖g_numeric‖), as the usual rules of thumb go. */
export function verdict(relativeError: number): Verdict {
  if (!Number.isFinite(relativeError)) return { level: 'wrong', text: 'not a number: something overflowed' };
  if (relativeError < 1e-6) return { level: 'good', text: 'backprop agrees' };
  if (relativeError < 1e-4) return { level: 'fine', text: 'agrees within rounding' };
  if (relativeError < 1e-2) return { level: 'doubtful', text: 'doubtful (a kink straddled by ±h?)' };
  return { level: 'wrong', text: 'backprop is wrong here' };
}
