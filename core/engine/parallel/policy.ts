/**
 * How many threads a run should train with when the user leaves it to us ('auto'): a pure
 * function of the network, batch size, kernels and cores, so the CLI, the app and tests agree.
 *
 * Measured with `npm run bench -- --workers 1,2 --repeat 3 --samples 20000` on a 2-core AMD EPYC
 * (Node 20) with nothing else running, wall clock, median of paired ratios (2 threads ÷ 1):
 * - wasm, 784-100-10 ReLU: batch 64 (5.1 M weight·rows) 0.90×, 96 (7.6 M) 1.09×, 128 (10.2 M)
 *   1.18×, 256 (20 M) 1.42×; 784-300-100-10 ReLU: batch 32 (8.5 M, shards of 16 rows) 0.92×,
 *   64 (17 M) 1.13×, 256 1.52×. A wasm batch is cheap, so the hand-off (wake a thread, sum the
 *   shards) eats the gain below ~10 M weight·rows.
 * - js, 784-100-10 ReLU: batch 64 1.26×, 256 1.63×; 784-300-100-10 at 64 1.40×, 256 1.68×
 *   (js is ~10× slower per row, so the hand-off matters less).
 * - Batch 10 (Nielsen's nets) makes one shard: no gain possible.
 * - wasm, the chapter-6 CNN (conv 5×5×20 → max-pool 2 → 100 → 10, 0.58 M multiply-adds a row),
 *   batch 64 (37 M), full epochs, 3 interleaved pairs — measured under a load average of 10–14, as
 *   no quiet moment came: 1.05× by the clock (pairs 1.34×, 1.05×, 0.77×: noise of the load), while
 *   2 threads kept 0.89–0.97 of one thread's samples per CPU-second, i.e. ~1.8× when each thread
 *   has a core of its own (README, "The CNN").
 * A CNN's rows cost far more than its parameters (the shard sum and hand-off scale with those), so
 * the same rule on multiply-adds per row is, if anything, cautious for it.
 * Under load extra threads can lose (the same 784-300-100-10 at 64 ran 0.69× with the load
 * average at 8–14): callers add none next to another training run (core/service/threads.ts).
 * More threads than shards cannot help (shards depend on the batch only: see layout.ts).
 */
import { multiplyAdds } from '../shapes';
import type { NetworkSpec } from '../spec';
import { shardCount } from './layout';

/** Batch × multiply-adds per row (the weights, for a dense network) below which the wasm kernels train faster on one thread. */
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

/**
 * Multiply-adds of one row's forward pass (the weights, for a dense network; a convolution's
 * weights × its output positions): what each row of a batch costs, roughly.
 */
export function weightCount(spec: NetworkSpec): number {
  return multiplyAdds(spec).reduce((a, b) => a + b, 0);
}

/** The thread count (≥ 1) that 'auto' means for this run. */
export function autoThreads({ spec, batchSize, cores, backend }: ThreadPolicyInput): number {
  const shards = shardCount(batchSize, DEFAULT_SHARDS, DEFAULT_MIN_SHARD_ROWS);
  const cap = Math.min(cores, shards, MAX_AUTO_THREADS);
  if (cap < 2) return 1;
  const pays = backend === 'wasm' ? batchSize * weightCount(spec) >= WASM_MIN_WORK : batchSize >= JS_MIN_BATCH;
  return pays ? cap : 1;
}
