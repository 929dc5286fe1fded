/**
 * What one worker does, without the thread plumbing: it holds a Network whose weights are views
 * on the shared buffer, computes the gradients of its shards of the batch, and sums its part of
 * the parameter vector over all shards, always in shard order.
 */
import { argmax } from '../evaluate';
import type { Kernels } from '../kernels';
import { Network } from '../network';
import type { NetworkSpec } from '../spec';
import { Command, type SharedLayout, shardRows, Slot, workerRange } from './layout';

/** Rows fed forward at once inside one shard (as the Trainer's chunks). */
const CHUNK = 1000;

export class ShardWorker {
  readonly net: Network;

  constructor(
    spec: NetworkSpec,
    kernels: Kernels,
    private readonly layout: SharedLayout,
    readonly index: number,
    readonly workers: number,
  ) {
    this.net = new Network(spec, 'float32', kernels);
    // The weights are the shared ones: the coordinator's optimiser step is seen here at once.
    for (let l = 1; l <= this.net.L; l++) {
      this.net.w[l] = layout.w[l]!;
      this.net.b[l] = layout.b[l]!;
    }
  }

  /** Runs the command of the current generation. */
  run(command: Command): void {
    if (command === Command.Compute) this.computeShards();
    else if (command === Command.Reduce) this.reduce();
  }

  /** Gradients (scale 1/rows) of shards index, index + workers, … into their shared buffers. */
  computeShards(): void {
    const { layout, net } = this;
    const rows = layout.control[Slot.Rows]!;
    const shards = layout.control[Slot.Shards]!;
    const nIn = net.sizes[0]!;
    const nOut = net.sizes[net.L]!;
    for (let s = this.index; s < shards; s += this.workers) {
      const [start, end] = shardRows(s, shards, rows);
      let cost = 0;
      let correct = 0;
      for (let done = start; done < end; done += CHUNK) {
        const chunk = Math.min(CHUNK, end - done);
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

  /** sum[j] = shard_0[j] + shard_1[j] + … for this worker's share of the parameters. */
  reduce(): void {
    const { layout } = this;
    const shards = layout.control[Slot.Shards]!;
    const [lo, hi] = workerRange(this.index, this.workers, layout.parameters);
    const sum = layout.sumFlat;
    sum.set(layout.shardFlat[0]!.subarray(lo, hi), lo);
    for (let s = 1; s < shards; s++) {
      const g = layout.shardFlat[s]!;
      for (let j = lo; j < hi; j++) sum[j] = sum[j]! + g[j]!;
    }
  }
}
