/** Small formatters for the training screens. */
import type { LiveProgress } from '@renderer/stores/runs';

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

/** Share of the planned batches done, and the seconds left at the current speed (evaluation not counted). */
export function remaining(p: LiveProgress, epochs: number, batchSize: number): { done: number; seconds: number } {
  const total = epochs * p.batchesPerEpoch;
  const done = (p.epoch - 1) * p.batchesPerEpoch + p.batch;
  const left = Math.max(0, total - done);
  return {
    done: total > 0 ? Math.min(1, done / total) : 0,
    seconds: p.samplesPerSecond > 0 ? (left * batchSize) / p.samplesPerSecond : NaN,
  };
}

export function clock(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : d.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/** The tooltip of a run's thread count: what it means, and whether Auto chose it. */
export function threadsTitle(threads: number | undefined, setting: 'auto' | number | undefined): string {
  const what =
    threads === undefined ? '' : threads > 1 ? `Each batch is split across ${threads} threads.` : 'One thread computes each batch.';
  return (setting === undefined || setting === 'auto' ? `${what} Chosen by Auto when the run started.` : what).trim();
}
