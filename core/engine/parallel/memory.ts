/**
 * How a data-parallel run on the wasm kernels splits its one shared WebAssembly.Memory: page 0
 * stays empty (pointer 0 means "none" to the kernels), then the shared layout (weights, shards'
 * gradients, batch), then one private region per thread for its kernels' list area, arena
 * (network buffers, workspaces) and scratch. Every operand then lives in the one memory: no copies.
 */
import { CHUNK_ROWS } from '../batch-gradients';
import { layoutBytes, type LayoutSizes } from './layout';

export const PAGE = 65_536;
/** Share of a region kept as scratch for operands from outside the memory (rare here). */
export const SCRATCH_SHARE = 0.125;
/** Rows the Trainer's evaluation feeds at once (evaluate.ts's CHUNK). */
const EVAL_ROWS = 500;

export interface MemoryPlan {
  layoutAt: number;
  /** Region p is [start, end): p = 0 the coordinator's. */
  regions: { start: number; end: number }[];
  pages: number;
}

const pageUp = (n: number): number => Math.ceil(n / PAGE) * PAGE;

/** Bytes of one Network workspace of `rows` rows (z, a, δ per layer and y; with alignment slack). */
function workspaceBytes(sizes: number[], rows: number): number {
  const units = sizes.reduce((s, n) => s + n, 0);
  return rows * (3 * units + sizes.at(-1)!) * 4 + 16 * (3 * sizes.length + 1);
}

/**
 * The plan for `threads` threads. Shards have at most max(2·minShardRows, ⌈maxRows/shards⌉)
 * rows, in at most ~6 distinct row counts over a run (two per batch size, the last batch's, a
 * chunk's remainder): each thread's arena holds those workspaces and ~6 parameter-sized arrays
 * (its network's own w, b; the coordinator's gradients, undo copy and optimiser state); the
 * coordinator's also the evaluation workspaces. A full arena only costs copies, never results:
 * every shard still runs the same wasm kernels.
 */
export function planMemory(layout: LayoutSizes, threads: number, minShardRows: number): MemoryPlan {
  const { sizes } = layout;
  let parameters = 0;
  for (let l = 1; l < sizes.length; l++) parameters += sizes[l]! * (sizes[l - 1]! + 1);
  const shardRows = Math.min(CHUNK_ROWS, layout.maxRows, Math.max(2 * minShardRows, Math.ceil(layout.maxRows / layout.shards)));
  const arena = 6 * parameters * 4 + 6 * workspaceBytes(sizes, shardRows) + PAGE;
  const worker = pageUp((PAGE + arena) / (1 - SCRATCH_SHARE));
  const coordinator = pageUp((PAGE + arena + 3 * workspaceBytes(sizes, EVAL_ROWS)) / (1 - SCRATCH_SHARE));
  const layoutAt = PAGE;
  let top = pageUp(layoutAt + layoutBytes(layout));
  const regions = Array.from({ length: threads }, (_, p) => {
    const start = top;
    top += p === 0 ? coordinator : worker;
    return { start, end: top };
  });
  return { layoutAt, regions, pages: top / PAGE };
}
