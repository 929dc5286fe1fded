import { argmax } from './evaluate';
import type { Gradients, Network, Workspace } from './network';

/**
 * Rows fed forward and back at once: a full-batch update over 50,000 samples is summed in chunks of
 * this many, so its workspaces stay small.
 */
export const CHUNK_ROWS = 1000;

/** Where the rows of a batch come from, each by its number in the caller's numbering. */
export interface BatchRows {
  /** Copies the inputs of rows [from, from + count) into ws.a[0] and their targets into ws.y. */
  load(ws: Workspace, from: number, count: number): void;
  /** The class label of row r (−1 for none); absent when the data has no labels, so nothing is counted. */
  label?(r: number): number;
}

/**
 * Feedforward and backprop of the rows [start, end) of `rows`, in chunks of CHUNK_ROWS, summed into
 * `grads` with every δ scaled by `scale` (the first chunk overwrites them, the others add to them).
 * Returns Σ_x C_x over those rows and how many of them the network classified right.
 * The single-thread Trainer computes a whole batch this way, each parallel shard its share of one.
 */
export function chunkedGradients(
  net: Network,
  rows: BatchRows,
  start: number,
  end: number,
  scale: number,
  grads: Gradients,
): { cost: number; correct: number } {
  const nOut = net.sizes[net.L]!;
  let cost = 0;
  let correct = 0;
  for (let done = start; done < end; done += CHUNK_ROWS) {
    const chunk = Math.min(CHUNK_ROWS, end - done);
    const ws = net.workspace(chunk);
    rows.load(ws, done, chunk);
    const out = net.feedforward(ws, true);
    cost += net.batchCost(ws);
    if (rows.label) for (let r = 0; r < chunk; r++) if (argmax(out, r * nOut, nOut) === rows.label(done + r)) correct++;
    net.backprop(ws, grads, scale, done > start);
  }
  return { cost, correct };
}
