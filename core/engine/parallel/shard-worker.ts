/**
 * What one thread does with a batch, without the thread plumbing: it holds a Network whose
 * weights are views on the shared ones, and computes the gradients of its shards of the batch
 * (shards p, p + threads, …) into their shared buffers. The coordinator runs one too (p = 0).
 *
 * Layers that depend on more than one sample or on chance (layers/), shard by shard:
 * - dropout: shard s draws its masks from a Rng seeded by the batch's seed (Slot.Seed, drawn by the
 *   coordinator from the run's Rng) and s, so the masks depend on the seed, the batch and the shard
 *   — never on which thread computed the shard, nor on how many threads there are;
 * - batchnorm: each shard normalises over its own rows (like PyTorch's DistributedDataParallel
 *   without SyncBatchNorm), and the running statistics follow shard 0's batch statistics (as DDP
 *   keeps rank 0's buffers): shard 0 is always the coordinator's, which moves the model's own.
 */
import { type BatchRows, chunkedGradients } from '../batch-gradients';
import type { Kernels } from '../kernels';
import { Network } from '../network';
import { Rng } from '../rng';
import type { NetworkSpec } from '../spec';
import { type SharedLayout, shardRows, Slot } from './layout';

/** The Rng of shard s's dropout masks in a batch of this seed (splitmix in Rng spreads the mix). */
export function shardRng(batchSeed: number, shard: number): Rng {
  return new Rng((batchSeed ^ Math.imul(shard + 1, 0x9e3779b9)) >>> 0);
}

export class ShardWorker {
  readonly net: Network;
  /** The batch as the coordinator gathered it into the shared layout (labels −1 where it has none). */
  private readonly rows: BatchRows;
  private readonly dropout: boolean;
  private readonly batchnorm: boolean;

  /**
   * `model`: the coordinator's network (the Trainer's), whose batchnorm running statistics shard 0
   * carries on from and moves; absent in worker threads.
   */
  constructor(
    spec: NetworkSpec,
    kernels: Kernels,
    private readonly layout: SharedLayout,
    readonly index: number,
    readonly threads: number,
    private readonly model?: Network,
  ) {
    const net = (this.net = new Network(spec, 'float32', kernels));
    // The weights are the shared ones: the coordinator's optimiser step is seen here at once.
    for (let l = 1; l <= net.L; l++) {
      net.w[l] = layout.w[l]!;
      net.b[l] = layout.b[l]!;
    }
    this.dropout = spec.layers.some((layer) => layer.kind === 'dropout');
    this.batchnorm = spec.layers.some((layer) => layer.kind === 'batchnorm');
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
    const { layout, net, model } = this;
    const rows = layout.control[Slot.Rows]!;
    const shards = layout.control[Slot.Shards]!;
    const seed = layout.control[Slot.Seed]! >>> 0;
    for (let s = this.index; s < shards; s += this.threads) {
      const [start, end] = shardRows(s, shards, rows);
      if (this.dropout) net.rng = shardRng(seed, s);
      const moveStatistics = this.batchnorm && model && s === 0;
      if (moveStatistics) net.setState(model.state);
      const { cost, correct } = chunkedGradients(net, this.rows, start, end, 1 / rows, layout.shardGrads[s]!);
      if (moveStatistics) model.setState(net.state);
      layout.shardCost[s] = cost;
      layout.shardCorrect[s] = correct;
    }
  }
}
