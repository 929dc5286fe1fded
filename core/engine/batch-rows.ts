import type { Samples } from '../data/dataset';
import { byteTable, inputRowReader } from '../data/rows';
import type { FloatArray } from './activations';
import type { BatchRows } from './batch-gradients';
import type { Kernels } from './kernels';

/** The training rows in a shuffled order: `order` (shuffle it in place), and the rows that read the samples in it. */
export interface ShuffledRows {
  order: Uint32Array;
  rows: BatchRows;
}

/**
 * Row r of a batch is sample order[r]. Where the inputs are bytes scaled by one map of their value
 * (MNIST), a batch's inputs are gathered and scaled in one kernel call (gatherRows, through a table
 * of the 256 scaled values, in the kernels' memory); otherwise each row is read by inputRowReader.
 * Both give the same numbers.
 */
export function shuffledRows(samples: Samples, kernels: Kernels): ShuffledRows {
  const { count, targets, inputSize, outputSize, labels } = samples;
  const table = byteTable(samples);
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  const label = labels ? { label: (r: number) => labels[order[r]!]! } : {};
  if (table) {
    const bytes = samples.raw!.values;
    const scaled = kernels.alloc(256);
    scaled.set(table);
    const rows: BatchRows = {
      load(ws, from, rowCount) {
        kernels.gatherRows(bytes, scaled, order, from, rowCount, inputSize, ws.a[0]!, 0);
        for (let r = 0; r < rowCount; r++) copyRow(targets, order[from + r]! * outputSize, ws.y, r * outputSize, outputSize);
      },
      ...label,
    };
    return { order, rows };
  }
  const readInput = inputRowReader(samples);
  const rows: BatchRows = {
    load(ws, from, rowCount) {
      for (let r = 0; r < rowCount; r++) {
        const s = order[from + r]!;
        readInput(s, ws.a[0]!, r * inputSize);
        copyRow(targets, s * outputSize, ws.y, r * outputSize, outputSize);
      }
    },
    ...label,
  };
  return { order, rows };
}

/** to[at…at+n) = from[start…start+n): a plain loop for the few floats of a target row (no view allocated). */
function copyRow(from: FloatArray, start: number, to: FloatArray, at: number, n: number): void {
  for (let i = 0; i < n; i++) to[at + i] = from[start + i]!;
}
