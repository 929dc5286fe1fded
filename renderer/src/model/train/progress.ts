/** A running run's progress as its events report it, and what the progress line derives from it. */

export interface LiveProgress {
  epoch: number;
  batch: number;
  batchesPerEpoch: number;
  samplesPerSecond: number;
  learningRate: number;
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

/** The tooltip of a run's thread count: what it means, and whether Auto chose it. */
export function threadsTitle(threads: number | undefined, setting: 'auto' | number | undefined): string {
  const what =
    threads === undefined ? '' : threads > 1 ? `Each batch is split across ${threads} threads.` : 'One thread computes each batch.';
  return (setting === undefined || setting === 'auto' ? `${what} Chosen by Auto when the run started.` : what).trim();
}
