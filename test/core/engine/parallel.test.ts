import { afterEach, describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { evaluate } from '../../../core/engine/evaluate';
import { Network } from '../../../core/engine/network';
import { nodeWorkerFactory } from '../../../core/engine/parallel/node-workers';
import { ParallelError, ParallelTrainer } from '../../../core/engine/parallel/parallel-trainer';
import type { ParallelWorkerFactory } from '../../../core/engine/parallel/protocol';
import { shardCount, shardRows } from '../../../core/engine/parallel/layout';
import {
  autoThreads,
  DEFAULT_MIN_SHARD_ROWS,
  DEFAULT_SHARDS,
  JS_MIN_BATCH,
  MAX_AUTO_THREADS,
  WASM_MIN_WORK,
  weightCount,
} from '../../../core/engine/parallel/policy';
import { Rng } from '../../../core/engine/rng';
import { Trainer } from '../../../core/engine/trainer';
import type { NetworkSpec, TrainSettings } from '../../../core/engine/spec';
import type { WasmKernels } from '../../../core/engine/wasm/kernels-wasm';
import { selectKernels } from '../../../core/engine/wasm/select';
import { BLOB_SPEC, blobs, parameterBytes, settings } from './helpers';
import { reluSoftmaxSpec } from '../../fixtures/specs';

const factory = nodeWorkerFactory();
const open: ParallelTrainer[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
});

/** A factory that also records the workers it started, to check that they exit. */
function recording(inner: ParallelWorkerFactory = factory): { factory: ParallelWorkerFactory; workers: Worker[] } {
  const workers: Worker[] = [];
  return {
    workers,
    factory: (data) => {
      const worker = inner(data) as Worker;
      workers.push(worker);
      return worker;
    },
  };
}

const SETTINGS: TrainSettings = settings({ batchSize: 24, epochs: 3, seed: 5, learningRate: 0.3 });
/** Small shards, so these small batches make several (24 rows → 4 shards, 12 → 4, 7 → 2). */
const SHARDING = { shards: 4, minShardRows: 3 };
/** Wide enough (13 inputs) that the wasm kernels' SIMD paths and tails both run. */
const WIDE_SPEC: NetworkSpec = {
  inputSize: 13,
  layers: [
    { units: 9, activation: 'relu' },
    { units: 3, activation: 'softmax' },
  ],
  loss: 'cross-entropy',
  init: 'he',
};

/** `blobs` with its 2 inputs padded by 11 noise columns, for WIDE_SPEC. */
function wideBlobs(count: number, seed: number): ReturnType<typeof blobs> {
  const base = blobs(count, seed);
  const rng = new Rng(seed + 100);
  const inputs = new Float32Array(count * 13);
  for (let r = 0; r < count; r++) {
    inputs[r * 13] = base.inputs[r * 2]!;
    inputs[r * 13 + 1] = base.inputs[r * 2 + 1]!;
    for (let c = 2; c < 13; c++) inputs[r * 13 + c] = rng.uniform() < 0.5 ? 0 : rng.uniform() - 0.5;
  }
  return { ...base, inputs, inputSize: 13 };
}

const BACKENDS = ['js', 'wasm'] as const;
type Backend = (typeof BACKENDS)[number];

function makeNet(backend: Backend, spec: NetworkSpec = BLOB_SPEC): Network {
  return Network.create(spec, new Rng(2), 'float32', selectKernels(backend));
}

async function trainParallel(
  backend: Backend,
  workers: number,
  s: TrainSettings = SETTINGS,
  spec: NetworkSpec = BLOB_SPEC,
): Promise<{ net: Network; trainer: ParallelTrainer }> {
  const net = makeNet(backend, spec);
  const data = spec === BLOB_SPEC ? blobs(150, 7) : wideBlobs(150, 7);
  const trainer = await ParallelTrainer.start(net, { train: data }, s, { workers, factory, ...SHARDING });
  open.push(trainer);
  trainer.run();
  return { net, trainer };
}

describe('shards', () => {
  it('cut a batch by its size only, into contiguous row ranges covering it', () => {
    expect(shardCount(10, 8, 4)).toBe(2);
    expect(shardCount(64, 8, 4)).toBe(8);
    expect(shardCount(3, 8, 4)).toBe(1);
    // The defaults: Nielsen's batch of 10 stays whole; 64 and up make 4 shards.
    expect([10, 32, 64, 256].map((rows) => shardCount(rows, DEFAULT_SHARDS, DEFAULT_MIN_SHARD_ROWS))).toEqual([1, 2, 4, 4]);
    const ranges = Array.from({ length: 3 }, (_, s) => shardRows(s, 3, 10));
    expect(ranges).toEqual([
      [0, 3],
      [3, 6],
      [6, 10],
    ]);
  });
});

describe.each(BACKENDS)('ParallelTrainer on the %s kernels', (backend) => {
  it('gives bit-identical weights with 1, 2 and 3 threads (fixed shards, summed in shard order)', async () => {
    for (const spec of [BLOB_SPEC, WIDE_SPEC]) {
      const one = await trainParallel(backend, 1, SETTINGS, spec);
      const two = await trainParallel(backend, 2, SETTINGS, spec);
      const three = await trainParallel(backend, 3, SETTINGS, spec);
      expect(parameterBytes(two.net).equals(parameterBytes(one.net))).toBe(true);
      expect(parameterBytes(three.net).equals(parameterBytes(one.net))).toBe(true);
      expect(two.trainer.history.map((e) => e.trainLoss)).toEqual(one.trainer.history.map((e) => e.trainLoss));
      expect(three.trainer.history.map((e) => e.trainAccuracy)).toEqual(one.trainer.history.map((e) => e.trainAccuracy));
    }
  });

  it('agrees with the single-thread Trainer to float32 rounding (only the summation order differs)', async () => {
    const { net } = await trainParallel(backend, 2);
    const plain = makeNet(backend);
    new Trainer(plain, { train: blobs(150, 7) }, SETTINGS).run();
    for (let l = 1; l <= net.L; l++) {
      for (let i = 0; i < net.w[l]!.length; i++) expect(net.w[l]![i]!).toBeCloseTo(plain.w[l]![i]!, 4);
      for (let i = 0; i < net.b[l]!.length; i++) expect(net.b[l]![i]!).toBeCloseTo(plain.b[l]![i]!, 4);
    }
  });

  it('reduces the loss, and trains the caller’s network in place', async () => {
    const data = blobs(150, 7);
    const before = evaluate(makeNet(backend), data).loss;
    const { net, trainer } = await trainParallel(backend, 2, settings({ batchSize: 16, epochs: 6, seed: 1, learningRate: 0.3 }));
    const after = evaluate(net, data).loss;
    expect(after).toBeLessThan(before * 0.5);
    expect(trainer.history).toHaveLength(6);
    expect(trainer.history.at(-1)!.trainAccuracy).toBeGreaterThan(0.9);
  });

  it('handles a last batch smaller than the rest and a batch smaller than a shard', async () => {
    const a = await trainParallel(backend, 1, settings({ batchSize: 7, epochs: 1, seed: 3 }));
    const b = await trainParallel(backend, 2, settings({ batchSize: 7, epochs: 1, seed: 3 }));
    expect(parameterBytes(a.net).equals(parameterBytes(b.net))).toBe(true);
  });

  it('computes shards on the coordinator too: N threads start N − 1 workers, and 1 thread starts none', async () => {
    const rec = recording();
    const net = makeNet(backend);
    const two = await ParallelTrainer.start(net, { train: blobs(60, 7) }, settings({ batchSize: 12, epochs: 1 }), {
      workers: 2,
      factory: rec.factory,
      ...SHARDING,
    });
    open.push(two);
    two.run();
    expect(rec.workers).toHaveLength(1);
    const alone = await ParallelTrainer.start(makeNet(backend), { train: blobs(60, 7) }, settings({ batchSize: 12, epochs: 1 }), {
      workers: 1,
      ...SHARDING,
    });
    alone.run();
    expect(parameterBytes(alone.net).equals(parameterBytes(net))).toBe(true);
  });

  it('reports a worker that fails, with its message', async () => {
    // A worker told the layout has 1 shard finds no gradient buffer for its shard 1: a real failure mid-batch.
    const broken: ParallelWorkerFactory = (data) => factory({ ...data, layout: { ...data.layout, shards: 1 } });
    const trainer = await ParallelTrainer.start(makeNet(backend), { train: blobs(60, 7) }, settings({ batchSize: 12, epochs: 1 }), {
      workers: 2,
      factory: broken,
      ...SHARDING,
    });
    open.push(trainer);
    expect(() => trainer.step()).toThrow(ParallelError);
    expect(() => trainer.step()).toThrow(/closed/);
    let message = '';
    const again = await ParallelTrainer.start(makeNet(backend), { train: blobs(60, 7) }, settings({ batchSize: 12, epochs: 1 }), {
      workers: 2,
      factory: broken,
      ...SHARDING,
    });
    open.push(again);
    try {
      again.step();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^Parallel training failed: worker 1: .+/);
  });

  it('terminates its workers when training finishes', async () => {
    const rec = recording();
    const net = makeNet(backend);
    const trainer = await ParallelTrainer.start(net, { train: blobs(60, 7) }, settings({ batchSize: 12, epochs: 1 }), {
      workers: 3,
      factory: rec.factory,
      ...SHARDING,
    });
    const exits = rec.workers.map((w) => new Promise<number>((resolve) => w.once('exit', resolve)));
    trainer.run();
    expect(await Promise.all(exits)).toEqual([0, 0]);
    expect(() => trainer.step()).toThrow(/closed/);
    await trainer.close();
  });
});

describe('ParallelTrainer on the wasm kernels', () => {
  it('keeps weights, gradients and optimiser state in one shared wasm memory (no copies)', async () => {
    const { net } = await trainParallel('wasm', 2);
    const kernels = net.kernels as WasmKernels;
    expect(kernels.memory.buffer).toBeInstanceOf(SharedArrayBuffer);
    for (let l = 1; l <= net.L; l++) expect(net.w[l]!.buffer).toBe(kernels.memory.buffer);
    expect(net.createGradients().nablaW[1]!.buffer).toBe(kernels.memory.buffer);
  });
});

describe('ParallelTrainer failures', () => {
  it('gives up with an error when a worker stays silent', async () => {
    // Says it is ready, then never serves a command.
    const silent: ParallelWorkerFactory = () =>
      new Worker(`require('node:worker_threads').parentPort.postMessage({ type: 'ready' }); setInterval(() => {}, 1000);`, { eval: true });
    const trainer = await ParallelTrainer.start(makeNet('js'), { train: blobs(60, 7) }, settings({ batchSize: 12, epochs: 1 }), {
      workers: 2,
      factory: silent,
      silenceMs: 200,
      spin: 10,
      ...SHARDING,
    });
    open.push(trainer);
    expect(() => trainer.step()).toThrow(/did not answer/);
  });

  it('needs a factory for more than one thread', async () => {
    await expect(ParallelTrainer.start(makeNet('js'), { train: blobs(60, 7) }, SETTINGS, { workers: 2 })).rejects.toThrow(/factory/);
  });
});

describe('autoThreads (the policy behind --workers auto)', () => {
  const relu = (hidden: number[]): NetworkSpec => reluSoftmaxSpec(hidden);
  const small = relu([100]);
  const wide = relu([300, 100]);

  it('counts the weights a row costs', () => {
    expect(weightCount(small)).toBe(784 * 100 + 100 * 10);
    expect(weightCount(wide)).toBe(784 * 300 + 300 * 100 + 100 * 10);
  });

  it('keeps one thread where a batch makes one shard, or the machine has one core', () => {
    expect(autoThreads({ spec: wide, batchSize: 10, cores: 8, backend: 'js' })).toBe(1);
    expect(autoThreads({ spec: wide, batchSize: 512, cores: 1, backend: 'js' })).toBe(1);
  });

  it('splits the js kernels from batch JS_MIN_BATCH, up to the cores, the shards and MAX_AUTO_THREADS', () => {
    expect(autoThreads({ spec: small, batchSize: JS_MIN_BATCH / 2, cores: 2, backend: 'js' })).toBe(1);
    expect(autoThreads({ spec: small, batchSize: JS_MIN_BATCH, cores: 2, backend: 'js' })).toBe(2);
    expect(autoThreads({ spec: small, batchSize: 256, cores: 16, backend: 'js' })).toBe(
      Math.min(MAX_AUTO_THREADS, shardCount(256, DEFAULT_SHARDS, DEFAULT_MIN_SHARD_ROWS)),
    );
  });

  it('splits the wasm kernels only when batch × weights reaches WASM_MIN_WORK', () => {
    const batchAt = (spec: NetworkSpec) => Math.ceil(WASM_MIN_WORK / weightCount(spec));
    for (const spec of [small, wide]) {
      const b = Math.max(batchAt(spec), 2 * DEFAULT_MIN_SHARD_ROWS);
      expect(autoThreads({ spec, batchSize: b, cores: 2, backend: 'wasm' })).toBe(2);
      if (batchAt(spec) > 2 * DEFAULT_MIN_SHARD_ROWS)
        expect(autoThreads({ spec, batchSize: batchAt(spec) - 1, cores: 2, backend: 'wasm' })).toBe(1);
    }
    expect(autoThreads({ spec: small, batchSize: 10, cores: 2, backend: 'wasm' })).toBe(1);
  });
});
