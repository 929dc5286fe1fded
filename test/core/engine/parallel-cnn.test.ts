/**
 * Data-parallel training of networks with convolution, pooling, dropout and batchnorm layers
 * (core/engine/parallel): threads agree with one thread, repeat exactly, and dropout's masks and
 * batchnorm's statistics are taken per shard as shard-worker.ts says, whatever thread computes it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Samples } from '../../../core/data/dataset';
import { chunkedGradients } from '../../../core/engine/batch-gradients';
import { jsKernels } from '../../../core/engine/kernels-js';
import { Network } from '../../../core/engine/network';
import { layoutSizesOf, sharedLayout, shardRows, Slot } from '../../../core/engine/parallel/layout';
import { nodeWorkerFactory } from '../../../core/engine/parallel/node-workers';
import { ParallelTrainer } from '../../../core/engine/parallel/parallel-trainer';
import { autoThreads, DEFAULT_MIN_SHARD_ROWS, MAX_AUTO_THREADS, WASM_MIN_WORK, weightCount } from '../../../core/engine/parallel/policy';
import { ShardWorker } from '../../../core/engine/parallel/shard-worker';
import { Rng } from '../../../core/engine/rng';
import type { LayerSpec, NetworkSpec, TrainSettings } from '../../../core/engine/spec';
import { Trainer } from '../../../core/engine/trainer';
import { selectKernels } from '../../../core/engine/wasm/select';
import { parameterBytes, settings } from './helpers';

const factory = nodeWorkerFactory();
const open: ParallelTrainer[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
});

const SIDE = 9;
/** conv 3×3×4 → max-pool 2 → [extra] → 3 softmax on 9 × 9 images: odd sizes, so the pool drops an edge. */
function cnnSpec(extra: LayerSpec[] = []): NetworkSpec {
  return {
    inputSize: SIDE * SIDE,
    inputShape: { channels: 1, height: SIDE, width: SIDE },
    layers: [
      { kind: 'conv', filters: 4, kernel: 3, stride: 1, padding: 'valid', activation: 'relu' },
      { kind: 'maxpool', size: 2, stride: 2 },
      ...extra,
      { units: 3, activation: 'softmax' },
    ],
    loss: 'cross-entropy',
    init: 'he',
  };
}
const PLAIN = cnnSpec([{ units: 6, activation: 'relu' }]);
const DROPOUT = cnnSpec([
  { kind: 'dropout', rate: 0.3 },
  { units: 6, activation: 'relu' },
]);
const BATCHNORM = cnnSpec([{ kind: 'batchnorm' }, { units: 6, activation: 'relu' }]);

/** Noisy images of a horizontal bar, a vertical bar or a diagonal (class = i mod 3). */
function bars(count: number, seed: number): Samples {
  const rng = new Rng(seed);
  const n = SIDE * SIDE;
  const inputs = new Float32Array(count * n);
  const targets = new Float32Array(count * 3);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const label = i % 3;
    const at = 1 + Math.floor(rng.uniform() * (SIDE - 2));
    for (let y = 0; y < SIDE; y++)
      for (let x = 0; x < SIDE; x++) {
        const on = label === 0 ? y === at : label === 1 ? x === at : x === y;
        inputs[i * n + y * SIDE + x] = (on ? 1 : 0) + 0.2 * rng.uniform();
      }
    labels[i] = label;
    targets[i * 3 + label] = 1;
  }
  return { count, inputSize: n, outputSize: 3, inputs, targets, labels };
}

const DATA = bars(100, 11);
/** Batches of 24 (the last of 4) cut into shards of at least 3 rows: 24 → 4 shards, 4 → 1. */
const SETTINGS: TrainSettings = settings({ batchSize: 24, epochs: 2, seed: 5, learningRate: 0.05, optimizer: 'adam' });
const SHARDING = { shards: 4, minShardRows: 3 };

type Backend = 'js' | 'wasm';
const makeNet = (backend: Backend, spec: NetworkSpec): Network => Network.create(spec, new Rng(2), 'float32', selectKernels(backend));

async function trainParallel(backend: Backend, spec: NetworkSpec, workers: number): Promise<{ net: Network; trainer: ParallelTrainer }> {
  const net = makeNet(backend, spec);
  const trainer = await ParallelTrainer.start(net, { train: DATA }, SETTINGS, { workers, factory, ...SHARDING });
  open.push(trainer);
  trainer.run();
  return { net, trainer };
}

const stateBytes = (net: Network): Buffer =>
  Buffer.concat([...net.state.mean, ...net.state.variance].map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)));

describe.each(['js', 'wasm'] as const)('a CNN trained over threads on the %s kernels', (backend) => {
  it('gives the same weights with 1, 2 and 3 threads, and the single-thread Trainer’s to float32 rounding', async () => {
    const one = await trainParallel(backend, PLAIN, 1);
    const two = await trainParallel(backend, PLAIN, 2);
    const three = await trainParallel(backend, PLAIN, 3);
    expect(parameterBytes(two.net).equals(parameterBytes(one.net))).toBe(true);
    expect(parameterBytes(three.net).equals(parameterBytes(one.net))).toBe(true);
    expect(three.trainer.history.map((e) => e.trainLoss)).toEqual(one.trainer.history.map((e) => e.trainLoss));

    const plain = makeNet(backend, PLAIN);
    const history = new Trainer(plain, { train: DATA }, SETTINGS).run();
    expect(history.at(-1)!.trainLoss).toBeLessThan(history[0]!.trainLoss);
    for (let l = 1; l <= plain.L; l++) {
      for (let i = 0; i < plain.w[l]!.length; i++) expect(two.net.w[l]![i]!).toBeCloseTo(plain.w[l]![i]!, 4);
      for (let i = 0; i < plain.b[l]!.length; i++) expect(two.net.b[l]![i]!).toBeCloseTo(plain.b[l]![i]!, 4);
    }
  });

  it('repeats exactly with dropout and with batchnorm, for any number of threads', async () => {
    for (const spec of [DROPOUT, BATCHNORM]) {
      const first = await trainParallel(backend, spec, 2);
      const again = await trainParallel(backend, spec, 2);
      const three = await trainParallel(backend, spec, 3);
      expect(parameterBytes(again.net).equals(parameterBytes(first.net))).toBe(true);
      expect(parameterBytes(three.net).equals(parameterBytes(first.net))).toBe(true);
      expect(stateBytes(three.net).equals(stateBytes(first.net))).toBe(true);
      expect(first.trainer.history.at(-1)!.trainLoss).toBeLessThan(first.trainer.history[0]!.trainLoss);
    }
  });
});

describe('a CNN’s shards (ShardWorker, no threads)', () => {
  /** A batch of `rows` samples gathered into a shared layout, as the coordinator does. */
  function gathered(net: Network, rows: number, seed: number) {
    const layout = sharedLayout(layoutSizesOf(net, rows, SHARDING.shards));
    for (let l = 1; l <= net.L; l++) {
      layout.w[l]!.set(net.w[l]!);
      layout.b[l]!.set(net.b[l]!);
    }
    layout.x.set(DATA.inputs.subarray(0, rows * DATA.inputSize));
    layout.y.set(DATA.targets.subarray(0, rows * 3));
    layout.labels.set(DATA.labels!.subarray(0, rows));
    layout.control[Slot.Rows] = rows;
    layout.control[Slot.Shards] = SHARDING.shards;
    layout.control[Slot.Seed] = seed;
    return layout;
  }
  const flat = (layout: ReturnType<typeof gathered>): Buffer =>
    Buffer.concat(layout.shardFlat.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)));

  it('draw dropout masks from the batch seed and the shard, not from the thread that computes it', () => {
    const net = Network.create(DROPOUT, new Rng(2));
    const alone = gathered(net, 24, 1234);
    new ShardWorker(DROPOUT, jsKernels, alone, 0, 1).computeShards();
    const split = gathered(net, 24, 1234);
    // Thread 1 of 2 first (shards 1, 3), then thread 0 (shards 0, 2): the order must not matter.
    new ShardWorker(DROPOUT, jsKernels, split, 1, 2).computeShards();
    new ShardWorker(DROPOUT, jsKernels, split, 0, 2).computeShards();
    expect(flat(split).equals(flat(alone))).toBe(true);
    // Another batch seed draws other masks.
    const other = gathered(net, 24, 99);
    new ShardWorker(DROPOUT, jsKernels, other, 0, 1).computeShards();
    expect(flat(other).equals(flat(alone))).toBe(false);
  });

  it('normalise each shard over its own rows, and move the running statistics by shard 0’s alone', () => {
    const model = Network.create(BATCHNORM, new Rng(2));
    const rows = 24;
    const layout = gathered(model, rows, 0);
    new ShardWorker(BATCHNORM, jsKernels, layout, 1, 2).computeShards();
    new ShardWorker(BATCHNORM, jsKernels, layout, 0, 2, model).computeShards();
    const reference = Network.create(BATCHNORM, new Rng(2));
    for (let s = 0; s < SHARDING.shards; s++) {
      // Each shard's gradients are those of a batch made of its rows only (scaled by 1/rows of the whole batch).
      const [start, end] = shardRows(s, SHARDING.shards, rows);
      const before = stateBytes(reference);
      const grads = reference.createGradients();
      chunkedGradients(
        reference,
        {
          load: (ws, from, count) => {
            ws.a[0]!.set(DATA.inputs.subarray(from * DATA.inputSize, (from + count) * DATA.inputSize));
            ws.y.set(DATA.targets.subarray(from * 3, (from + count) * 3));
          },
        },
        start,
        end,
        1 / rows,
        grads,
      );
      for (let l = 1; l <= model.L; l++) {
        expect(Array.from(layout.shardGrads[s]!.nablaW[l]!)).toEqual(Array.from(grads.nablaW[l]!));
        expect(Array.from(layout.shardGrads[s]!.nablaB[l]!)).toEqual(Array.from(grads.nablaB[l]!));
      }
      if (s === 0) {
        expect(stateBytes(model).equals(stateBytes(reference))).toBe(true);
        expect(stateBytes(reference).equals(before)).toBe(false);
      }
    }
  });
});

describe('autoThreads for a CNN (the policy behind --workers auto and the window’s Auto)', () => {
  /** Nielsen's chapter-6 network, as the bench and the README's proof train it. */
  const chapter6: NetworkSpec = {
    inputSize: 784,
    inputShape: { channels: 1, height: 28, width: 28 },
    layers: [
      { kind: 'conv', filters: 20, kernel: 5, stride: 1, padding: 'valid', activation: 'relu' },
      { kind: 'maxpool', size: 2, stride: 2 },
      { units: 100, activation: 'relu' },
      { units: 10, activation: 'softmax' },
    ],
    loss: 'cross-entropy',
    init: 'he',
  };

  it('counts a convolution’s weights once per output position', () => {
    expect(weightCount(chapter6)).toBe(500 * 24 * 24 + 20 * 12 * 12 + 2880 * 100 + 100 * 10);
  });

  it('splits the chapter-6 CNN at batch 64 over two cores, on either kernels', () => {
    expect(64 * weightCount(chapter6)).toBeGreaterThanOrEqual(WASM_MIN_WORK);
    expect(autoThreads({ spec: chapter6, batchSize: 64, cores: 2, backend: 'wasm' })).toBe(2);
    expect(autoThreads({ spec: chapter6, batchSize: 64, cores: 2, backend: 'js' })).toBe(2);
    expect(autoThreads({ spec: chapter6, batchSize: 256, cores: 16, backend: 'wasm' })).toBe(MAX_AUTO_THREADS);
  });

  it('keeps one thread for a batch of one shard, one core, or a CNN too small to pay', () => {
    expect(autoThreads({ spec: chapter6, batchSize: 2 * DEFAULT_MIN_SHARD_ROWS - 1, cores: 2, backend: 'wasm' })).toBe(1);
    expect(autoThreads({ spec: chapter6, batchSize: 64, cores: 1, backend: 'wasm' })).toBe(1);
    // PLAIN (9 × 9 images, 4 filters) costs ~2,000 multiply-adds a row: batch 64 is far below WASM_MIN_WORK.
    expect(64 * weightCount(PLAIN)).toBeLessThan(WASM_MIN_WORK);
    expect(autoThreads({ spec: PLAIN, batchSize: 64, cores: 2, backend: 'wasm' })).toBe(1);
  });
});
