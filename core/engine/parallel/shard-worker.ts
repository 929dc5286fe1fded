/**
 * What one thread does with a batch, without the thread plumbing: it holds a Network whose
 * weights are views on the shared ones, and computes the gradients of its shards of the batch
 * (shards p, p + threads, …) into their shared buffers. The coordinator runs one too (p = 0).
 */
import { argmax } from '../evaluate';
import type { Kernels } from '../kernels';
import { Network } from '../network';
import type { NetworkSpec } from '../spec';
import { type SharedLayout, shardRows, Slot } from './layout';
import { SHARD_CHUNK } from './memory';

export class ShardWorker {
  readonly net: Network;

  constructor(
    spec: NetworkSpec,
    kernels: Kernels,
    private readonly layout: SharedLayout,
    readonly index: number,
    readonly threads: number,
  ) {
    this.net = new Network(spec, 'float32', kernels);
    // The weights are the shared ones: the coordinator's optimiser step is seen here at once.
    for (let l = 1; l <= this.net.L; l++) {
      this.net.w[l] = layout.w[l]!;
      this.net.b[l] = layout.b[l]!;
    }
  }

  /** Gradients (scale 1/rows) of this thread's shards into their shared buffers, with their cost and correct count. */
  computeShards(): void {
    const { layout, net } = this;
    const rows = layout.control[Slot.Rows]!;
    const shards = layout.control[Slot.Shards]!;
    const nIn = net.sizes[0]!;
    const nOut = net.sizes[net.L]!;
    for (let s = this.index; s < shards; s += this.threads) {
      const [start, end] = shardRows(s, shards, rows);
      let cost = 0;
      let correct = 0;
      for (let done = start; done < end; done += SHARD_CHUNK) {
        const chunk = Math.min(SHARD_CHUNK, end - done);
        const ws = net.workspace(chunk);
        ws.a[0]!.set(layout.x.subarray(done * nIn, (done + chunk) * nIn));
        ws.y.set(layout.y.subarray(done * nOut, (done + chunk) * nOut));
        const out = net.feedforward(ws);
        cost += net.batchCost(ws);
        for (let r = 0; r < chunk; r++) if (argmax(out, r * nOut, nOut) === layout.labels[done + r]) correct++;
        net.backprop(ws, layout.shardGrads[s]!, 1 / rows, done > start);
      }
      layout.shardCost[s] = cost;
      layout.shardCorrect[s] = correct;
    }
  }
}
