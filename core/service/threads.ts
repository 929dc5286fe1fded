/**
 * How many threads a run trains with: the user's number as given, or 'auto' decided when the run
 * starts. Runs already training each keep a core busy, so 'auto' adds no threads next to them;
 * alone, it asks the data-parallel policy whether more threads pay for this network and batch.
 */
import type { NetworkSpec } from '../engine/spec';
import type { BackendName } from '../engine/wasm/select';
import type { TrainThreads } from '../lab/contract';

export interface ThreadsContext {
  spec: NetworkSpec;
  batchSize: number;
  /** Cores the machine offers (os.availableParallelism()). */
  cores: number;
  /** Other runs of this lab training right now (running or paused: a paused run's threads idle, but it may resume). */
  otherRuns: number;
  /** The kernels the workers are asked for. */
  backend: BackendName;
}

/** The thread count a run starts with (≥ 1). */
export function resolveThreads(setting: TrainThreads | undefined, context: ThreadsContext): number {
  if (setting !== undefined && setting !== 'auto') return setting;
  if (context.otherRuns > 0) return 1;
  return autoThreads(context);
}

/**
 * Measured on a 2-core machine (README, benchmark): threads pay only with the js kernels at large
 * batches (1.4× at batch 64, 2.1× at 256); with wasm one thread is faster. Stands in for the
 * engine's own policy (core/engine/parallel) until that lands.
 */
function autoThreads({ batchSize, cores, backend }: ThreadsContext): number {
  if (backend !== 'js' || batchSize < 64 || cores < 2) return 1;
  return Math.min(cores, 4);
}
