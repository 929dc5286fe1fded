/**
 * How many threads a run should train with when the user leaves it to us ('auto'): a pure
 * function of the network, batch size, kernels and cores, so the CLI, the app and tests agree.
 *
 * Measured with `npm run bench -- --workers 1,2` on a 2-core AMD EPYC (Node 20), under heavy load
 * from other processes (load average 4–14), so the figures are medians of interleaved repeats:
 * - js kernels: 2 threads pay from batch 64 (≈1.4× on 784-100-10 at 64, ≈2× at 256).
 * - wasm kernels: a batch is so cheap that the per-batch hand-off (waking a thread, summing the
 *   shards) and the smaller per-shard products eat the gain until the batch holds ~10 M
 *   weight·rows (batch × weights): 784-100-10 (79 k weights) pays at batch 256 and not at 64;
 *   784-300-100-10 (266 k) pays from batch 64. Batch 10 (Nielsen's nets) never pays: 1 shard.
 * More threads than shards cannot help (shards depend on the batch only: see layout.ts).
 */
import type { NetworkSpec } from '../spec';
import { shardCount } from './layout';

/** Batch × weights below which the wasm kernels train faster on one thread. */
export const WASM_MIN_WORK = 10_000_000;
/** Smallest batch at which the js kernels gain from a second thread. */
export const JS_MIN_BATCH = 64;
/** More threads were never measured here; beyond 4 the fixed shard sum grows for little gain. */
export const MAX_AUTO_THREADS = 4;
/** ParallelTrainer's default shard limits (why: see ParallelOptions.shards). */
export const DEFAULT_SHARDS = 4;
export const DEFAULT_MIN_SHARD_ROWS = 16;

export interface ThreadPolicyInput {
  spec: NetworkSpec;
  batchSize: number;
  /** Cores the machine offers (os.availableParallelism()). */
  cores: number;
  /** The kernels' name ('js', 'wasm'). */
  backend: string;
}

/** Weights (biases excluded) of the spec's network: what each row of a batch costs, roughly. */
export function weightCount(spec: NetworkSpec): number {
  let total = 0;
  let previous = spec.inputSize;
  for (const layer of spec.layers) {
    total += previous * layer.units;
    previous = layer.units;
  }
  return total;
}

/** The thread count (≥ 1) that 'auto' means for this run. */
export function autoThreads({ spec, batchSize, cores, backend }: ThreadPolicyInput): number {
  const shards = shardCount(batchSize, DEFAULT_SHARDS, DEFAULT_MIN_SHARD_ROWS);
  const cap = Math.min(cores, shards, MAX_AUTO_THREADS);
  if (cap < 2) return 1;
  const pays = backend === 'wasm' ? batchSize * weightCount(spec) >= WASM_MIN_WORK : batchSize >= JS_MIN_BATCH;
  return pays ? cap : 1;
}
