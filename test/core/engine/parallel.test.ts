import { afterEach, describe, expect, it } from 'vitest';
import type { Worker } from 'node:worker_threads';
import { evaluate } from '../../../core/engine/evaluate';
import { Network } from '../../../core/engine/network';
import { nodeWorkerFactory } from '../../../core/engine/parallel/node-workers';
import { ParallelTrainer } from '../../../core/engine/parallel/parallel-trainer';
import type { ParallelWorkerFactory } from '../../../core/engine/parallel/protocol';
import { shardCount, shardRows } from '../../../core/engine/parallel/layout';
import { Rng } from '../../../core/engine/rng';
import { Trainer } from '../../../core/engine/trainer';
import type { TrainSettings } from '../../../core/engine/spec';
import { BLOB_SPEC, blobs, parameterBytes, settings } from './helpers';

const factory = nodeWorkerFactory();
const open: ParallelTrainer[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
});

/** A factory that also records the workers it started, to check that they exit. */
function recording(): { factory: ParallelWorkerFactory; workers: Worker[] } {
  const workers: Worker[] = [];
  return {
    workers,
    factory: (data) => {
      const worker = factory(data) as Worker;
      workers.push(worker);
      return worker;
    },
  };
}

const SETTINGS: TrainSettings = settings({ batchSize: 24, epochs: 3, seed: 5, learningRate: 0.3 });

async function trainParallel(workers: number, s: TrainSettings = SETTINGS): Promise<{ net: Network; trainer: ParallelTrainer }> {
  const net = Network.create(BLOB_SPEC, new Rng(2));
  const trainer = await ParallelTrainer.start(net, { train: blobs(150, 7) }, s, { workers, factory });
  open.push(trainer);
  trainer.run();
  return { net, trainer };
}

describe('shards', () => {
  it('cut a batch by its size only, into contiguous row ranges covering it', () => {
    expect(shardCount(10, 8, 4)).toBe(2);
    expect(shardCount(64, 8, 4)).toBe(8);
    expect(shardCount(3, 8, 4)).toBe(1);
    const ranges = Array.from({ length: 3 }, (_, s) => shardRows(s, 3, 10));
    expect(ranges).toEqual([
      [0, 3],
      [3, 6],
      [6, 10],
    ]);
  });
});

describe('ParallelTrainer', () => {
  it('gives bit-identical weights with 1 and 2 workers (fixed shards, summed in shard order)', async () => {
    const one = await trainParallel(1);
    const two = await trainParallel(2);
    expect(parameterBytes(two.net).equals(parameterBytes(one.net))).toBe(true);
    expect(two.trainer.history.map((e) => e.trainLoss)).toEqual(one.trainer.history.map((e) => e.trainLoss));
  });

  it('agrees with the single-thread Trainer to float32 rounding (only the summation order differs)', async () => {
    const { net } = await trainParallel(2);
    const plain = Network.create(BLOB_SPEC, new Rng(2));
    new Trainer(plain, { train: blobs(150, 7) }, SETTINGS).run();
    for (let l = 1; l <= net.L; l++) {
      for (let i = 0; i < net.w[l]!.length; i++) expect(net.w[l]![i]!).toBeCloseTo(plain.w[l]![i]!, 4);
      for (let i = 0; i < net.b[l]!.length; i++) expect(net.b[l]![i]!).toBeCloseTo(plain.b[l]![i]!, 4);
    }
  });

  it('reduces the loss, and trains the caller’s network in place', async () => {
    const data = blobs(150, 7);
    const before = evaluate(Network.create(BLOB_SPEC, new Rng(2)), data).loss;
    const { net, trainer } = await trainParallel(2, settings({ batchSize: 16, epochs: 6, seed: 1, learningRate: 0.3 }));
    const after = evaluate(net, data).loss;
    expect(after).toBeLessThan(before * 0.5);
    expect(trainer.history).toHaveLength(6);
    expect(trainer.history.at(-1)!.trainAccuracy).toBeGreaterThan(0.9);
  });

  it('handles a last batch smaller than the rest and a batch smaller than a shard', async () => {
    const a = await trainParallel(1, settings({ batchSize: 7, epochs: 1, seed: 3 }));
    const b = await trainParallel(2, settings({ batchSize: 7, epochs: 1, seed: 3 }));
    expect(parameterBytes(a.net).equals(parameterBytes(b.net))).toBe(true);
  });

  it('terminates its workers when training finishes', async () => {
    const rec = recording();
    const net = Network.create(BLOB_SPEC, new Rng(2));
    const trainer = await ParallelTrainer.start(net, { train: blobs(60, 7) }, settings({ batchSize: 12, epochs: 1 }), { workers: 2, factory: rec.factory });
    const exits = rec.workers.map((w) => new Promise<number>((resolve) => w.once('exit', resolve)));
    trainer.run();
    expect(await Promise.all(exits)).toEqual([0, 0]);
    expect(() => trainer.step()).toThrow(/closed/);
    await trainer.close();
  });
});
