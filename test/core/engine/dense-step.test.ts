import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Samples } from '../../../core/data/dataset';
import { loadMnist } from '../../../core/data/mnist';
import { shuffledRows } from '../../../core/engine/batch-rows';
import { CHUNK_ROWS } from '../../../core/engine/batch-gradients';
import { Network, type Precision } from '../../../core/engine/network';
import type { BatchReport } from '../../../core/engine/reports';
import { Rng } from '../../../core/engine/rng';
import type { ActivationName, LossName, NetworkSpec, OptimizerName, TrainSettings } from '../../../core/engine/spec';
import { Trainer } from '../../../core/engine/trainer';
import { DenseStep } from '../../../core/engine/wasm/dense-step';
import type { WasmKernels } from '../../../core/engine/wasm/kernels-wasm';
import { selectKernels, WASM_PATH, type BackendName } from '../../../core/engine/wasm/select';
import { mnistSpec } from '../../fixtures/specs';
import { blobs, parameterBytes, settings } from './helpers';

/**
 * Two trainers from the same seed on their own wasm instances: the fused step and the step-by-step
 * path. The fused one's kernels throw if the step-by-step backprop calls them (so a comparison can
 * never pass by running the same path twice).
 */
function pair(spec: NetworkSpec, train: Samples, trainSettings: TrainSettings) {
  const make = (fusedStep: boolean) =>
    new Trainer(Network.create(spec, new Rng(7), 'float32', selectKernels('wasm')), { train }, trainSettings, { fusedStep });
  const fused = make(true);
  fused.net.kernels.matMulAtB = () => {
    throw new Error('the fused trainer ran the step-by-step backprop');
  };
  return { fused, plain: make(false) };
}

/** Steps both `batches` times, expecting the same reports and the same parameters bit for bit after every batch. */
function expectSameSteps(fused: Trainer, plain: Trainer, batches: number): BatchReport[] {
  const reports: BatchReport[] = [];
  for (let i = 0; i < batches; i++) {
    const a = fused.step();
    const b = plain.step();
    expect(a).toEqual(b);
    expect(parameterBytes(fused.net).equals(parameterBytes(plain.net))).toBe(true);
    if (a.epochComplete) expect(withoutTime(fused.endEpoch())).toEqual(withoutTime(plain.endEpoch()));
    reports.push(a);
  }
  return reports;
}

const withoutTime = <T extends { samplesPerSecond: number; seconds: number }>(r: T) => ({ ...r, samplesPerSecond: 0, seconds: 0 });

/** Blob-like inputs widened to `inputs` columns (so products take their SIMD paths and their tails). */
function wideBlobs(count: number, inputs: number, seed: number): Samples {
  const base = blobs(count, seed);
  const rng = new Rng(seed + 1);
  const x = new Float32Array(count * inputs);
  for (let i = 0; i < count; i++)
    for (let j = 0; j < inputs; j++) x[i * inputs + j] = j < 2 ? base.inputs[2 * i + j]! : j % 3 === 0 ? 0 : 0.3 * rng.normal();
  return { ...base, inputSize: inputs, inputs: x };
}

interface Case {
  hidden: ActivationName[];
  output: ActivationName;
  loss: LossName;
  optimizer: OptimizerName;
  l2: number;
}

// Every activation, loss pairing and optimiser the fused step claims, each at least once.
const CASES: Case[] = [
  { hidden: ['sigmoid'], output: 'sigmoid', loss: 'quadratic', optimizer: 'sgd', l2: 0 },
  { hidden: ['tanh', 'relu'], output: 'linear', loss: 'quadratic', optimizer: 'momentum', l2: 1e-3 },
  { hidden: ['relu'], output: 'softmax', loss: 'cross-entropy', optimizer: 'adam', l2: 1e-4 },
  { hidden: ['leaky-relu'], output: 'sigmoid', loss: 'binary-cross-entropy', optimizer: 'momentum', l2: 0 },
  { hidden: ['linear', 'tanh'], output: 'softmax', loss: 'kl-divergence', optimizer: 'sgd', l2: 1e-3 },
  { hidden: ['sigmoid'], output: 'softmax', loss: 'quadratic', optimizer: 'adam', l2: 0 },
];

type Fallback = [what: string, backend: BackendName, precision: Precision, change: { spec?: Partial<NetworkSpec>; batchSize?: number }];
const FALLBACKS: Fallback[] = [
  ['the js kernels', 'js', 'float32', {}],
  ['float64', 'wasm', 'float64', {}],
  [
    'a step activation',
    'wasm',
    'float32',
    {
      spec: {
        layers: [
          { units: 4, activation: 'step' },
          { units: 3, activation: 'softmax' },
        ],
      },
    },
  ],
  ['a loss it has no gradient for (mse)', 'wasm', 'float32', { spec: { loss: 'mse' } }],
  ['a batch above CHUNK_ROWS', 'wasm', 'float32', { batchSize: CHUNK_ROWS + 1 }],
];

describe('the fused dense step (one wasm call per batch)', () => {
  it.each(CASES)('matches the step-by-step path bit for bit: $hidden → $output, $loss, $optimizer, λ = $l2', (c) => {
    const spec: NetworkSpec = {
      inputSize: 37,
      layers: [...c.hidden.map((activation, i) => ({ units: 13 + 4 * i, activation })), { units: 3, activation: c.output }],
      loss: c.loss,
      init: 'xavier',
    };
    // 103 samples in batches of 10: every epoch ends on a short batch of 3 rows.
    const { fused, plain } = pair(spec, wideBlobs(103, 37, 5), settings({ optimizer: c.optimizer, l2: c.l2, learningRate: 0.05 }));
    expectSameSteps(fused, plain, 3 * 11);
  });

  it('matches it on MNIST bytes (rows gathered through the byte table, sparse first-layer products and the one-pass SGD step, labels counted)', () => {
    const train = loadMnist({ scaling: 'min-max', trainLimit: 250, testLimit: 1 }).train;
    for (const [spec, s] of [
      [mnistSpec(), settings({ batchSize: 10, learningRate: 3 })],
      [mnistSpec({ hidden: [20, 12] }), settings({ batchSize: 7, learningRate: 1, l2: 1e-3 })],
      [
        mnistSpec({ hidden: [40], activation: 'relu', output: 'softmax', loss: 'cross-entropy', init: 'he' }),
        settings({ batchSize: 64, optimizer: 'adam', learningRate: 1e-3 }),
      ],
    ] as const) {
      const { fused, plain } = pair(spec, train, s);
      const reports = expectSameSteps(fused, plain, 2 * fused.batchesPerEpoch);
      expect(reports.at(-1)!.epochComplete).toBe(true);
      expect(withoutTime(fused.history[1]!)).toEqual(withoutTime(plain.history[1]!));
      // Labels were counted (chance is 0.1); the equality above says both paths counted the same.
      expect(fused.history[1]!.trainAccuracy).toBeGreaterThan(0.15);
    }
  });

  it('steps a sparse first layer under SGD in one pass, and in the step-by-step order where the update might overflow', () => {
    const train = loadMnist({ scaling: 'min-max', trainLimit: 100, testLimit: 1 }).train;
    const s = settings({ batchSize: 10, learningRate: 3 });
    const net = Network.create(mnistSpec(), new Rng(5), 'float32', selectKernels('wasm'));
    const { order, rows } = shuffledRows(train, net.kernels);
    order.reverse();
    const step = DenseStep.create(net, rows, net.createGradients(), s, train.count)!;
    for (let b = 0; b < 3; b++) expect(step.step(10 * b, 10, 3).nonFinite).toBeUndefined();
    expect(step.onePassSteps).toBe(3);
    // At η = 10³⁹ the bound cannot rule an overflow out: the step-by-step order keeps the undo copy and uses it.
    const before = parameterBytes(net);
    expect(step.step(30, 10, 1e39).nonFinite).toMatchObject({ what: 'weight' });
    expect(step.onePassSteps).toBe(3);
    expect(parameterBytes(net).equals(before)).toBe(true);
    expect(step.step(40, 10, 3).nonFinite).toBeUndefined();
    expect(step.onePassSteps).toBe(4);
  });

  it.each(['sgd', 'momentum', 'adam'] as const)(
    '%s: an update that overflows is undone and reported as the step-by-step path does',
    (optimizer) => {
      const spec: NetworkSpec = {
        inputSize: 40,
        layers: [
          { units: 12, activation: 'relu' },
          { units: 3, activation: 'softmax' },
        ],
        loss: 'cross-entropy',
        init: 'he',
      };
      const { fused, plain } = pair(spec, wideBlobs(40, 40, 3), settings({ optimizer, learningRate: 1 }));
      expectSameSteps(fused, plain, 2);
      for (const t of [fused, plain]) t.setLearningRate(1e39);
      const [overflow] = expectSameSteps(fused, plain, 1);
      expect(overflow!.nonFinite).toMatchObject({ what: 'weight', layer: 1 });
      for (const t of [fused, plain]) t.setLearningRate(0.01);
      expectSameSteps(fused, plain, 3);
    },
  );

  it('reports a non-finite loss without updating, and agrees again after the weights are set from outside', () => {
    const data = wideBlobs(30, 9, 4);
    data.inputs[9 * 12] = NaN;
    const spec: NetworkSpec = {
      inputSize: 9,
      layers: [
        { units: 5, activation: 'tanh' },
        { units: 3, activation: 'softmax' },
      ],
      loss: 'cross-entropy',
      init: 'xavier',
    };
    const { fused, plain } = pair(spec, data, settings({ optimizer: 'momentum', learningRate: 0.1 }));
    const reports = expectSameSteps(fused, plain, 3);
    expect(reports.filter((r) => r.nonFinite?.what === 'loss')).toHaveLength(1);
    // Large enough that the guard's bound cannot rule an overflow out, so both paths keep the undo copy.
    for (const t of [fused, plain])
      t.net.setParameters([new Float32Array(0), ...fused.net.w.slice(1).map((w) => w.map(() => 3e36))], fused.net.b);
    expectSameSteps(fused, plain, 4);
  });

  it('is deterministic: two fused runs from one seed end with the same bytes', () => {
    const spec: NetworkSpec = {
      inputSize: 50,
      layers: [
        { units: 20, activation: 'tanh' },
        { units: 11, activation: 'relu' },
        { units: 3, activation: 'softmax' },
      ],
      loss: 'cross-entropy',
      init: 'xavier',
    };
    const runs = [1, 2].map(() => {
      const t = new Trainer(
        Network.create(spec, new Rng(3), 'float32', selectKernels('wasm')),
        { train: wideBlobs(64, 50, 9) },
        settings({ optimizer: 'adam', learningRate: 0.01 }),
      );
      for (let i = 0; i < 20; i++) if (t.step().epochComplete) t.endEpoch();
      return parameterBytes(t.net);
    });
    expect(runs[0]!.equals(runs[1]!)).toBe(true);
  });

  it.each(FALLBACKS)('leaves %s to the step-by-step path', (_what, backend, precision, change) => {
    const spec: NetworkSpec = {
      inputSize: 2,
      layers: [
        { units: 4, activation: 'tanh' },
        { units: 3, activation: 'softmax' },
      ],
      loss: 'cross-entropy',
      init: 'xavier',
      ...change.spec,
    };
    const net = Network.create(spec, new Rng(1), precision, selectKernels(backend));
    const data = blobs(2000, 1);
    const s = settings({ batchSize: change.batchSize ?? 10 });
    expect(DenseStep.create(net, shuffledRows(data, net.kernels).rows, net.createGradients(), s, data.count)).toBeUndefined();
  });

  it('keeps no static data in the module (the host owns all of its memory) and takes logarithms as Math.log does', () => {
    const bytes = fs.readFileSync(WASM_PATH);
    const sections: number[] = [];
    for (let i = 8; i < bytes.length;) {
      sections.push(bytes[i++]!);
      let size = 0;
      for (let shift = 0; ; shift += 7) {
        const b = bytes[i++]!;
        size += (b & 127) * 2 ** shift;
        if (b < 128) break;
      }
      i += size;
    }
    expect(sections).not.toContain(11); // data
    const k = selectKernels('wasm') as WasmKernels;
    const rng = new Rng(11);
    const xs = [0, -0, -1, 1, 2, Infinity, -Infinity, NaN, 5e-324, 2.2e-308, 1 - 1e-12, 1 + 2 ** -30, 1e-12, 0.5, 1.5e300];
    for (let i = 0; i < 3000; i++) xs.push(Math.exp(40 * rng.normal()), rng.uniform(), 1 + 1e-6 * rng.normal());
    const floats = k.alloc(4 * xs.length);
    const x = new Float64Array(floats.buffer, floats.byteOffset, xs.length);
    const out = new Float64Array(floats.buffer, floats.byteOffset + 8 * xs.length, xs.length);
    x.set(xs);
    (k.exports as unknown as { logArray(x: number, out: number, n: number): void }).logArray(x.byteOffset, out.byteOffset, xs.length);
    xs.forEach((v, i) => expect(Object.is(out[i], Math.log(v)), `ln ${v}: ${out[i]} vs ${Math.log(v)}`).toBe(true));
  });
});
