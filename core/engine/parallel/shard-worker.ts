/**
 * What one thread does with a batch, without the thread plumbing: it holds a Network whose
 * weights are views on the shared ones, and computes the gradients of its shards of the batch
 * (shards p, p + threads, …) into their shared buffers. The coordinator runs one too (p = 0).
 */
import { type BatchRows, chunkedGradients } from '../batch-gradients';
import type { Kernels } from '../kernels';
import { Network } from '../network';
import type { NetworkSpec } from '../spec';
import { type SharedLayout, shardRows, Slot } from './layout';

export class ShardWorker {
  readonly net: Network;
  /** The batch as the coordinator gathered it into the shared layout (labels −1 where it has none). */
  private readonly rows: BatchRows;

  constructor(
    spec: NetworkSpec,
    kernels: Kernels,
    private readonly layout: SharedLayout,
    readonly index: number,
    readonly threads: number,
  ) {
    const net = (this.net = new Network(spec, 'float32', kernels));
    // The weights are the shared ones: the coordinator's optimiser step is seen here at once.
    for (let l = 1; l <= net.L; l++) {
      net.w[l] = layout.w[l]!;
      net.b[l] = layout.b[l]!;
    }
    const nIn = net.sizes[0]!;
    const nOut = net.sizes[net.L]!;
    this.rows = {
      load(ws, from, count) {
        ws.a[0]!.set(layout.x.subarray(from * nIn, (from + count) * nIn));
        ws.y.set(layout.y.subarray(from * nOut, (from + count) * nOut));
      },
      label: (r) => layout.labels[r]!,
    };
  }

  /** Gradients (scale 1/rows) of this thread's shards into their shared buffers, with their cost and correct count. */
  computeShards(): void {
    const { layout, net } = this;
    const rows = layout.control[Slot.Rows]!;
    const shards = layout.control[Slot.Shards]!;
    for (let s = this.index; s < shards; s += this.threads) {
      const [start, end] = shardRows(s, shards, rows);
      const { cost, correct } = chunkedGradients(net, this.rows, start, end, 1 / rows, layout.shardGrads[s]!);
      layout.shardCost[s] = cost;
      layout.shardCorrect[s] = correct;
    }
  }
}
