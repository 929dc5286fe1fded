import { describe, it, expect } from 'vitest';
import type { Samples } from '../../../core/data/dataset';
import { activations } from '../../../core/engine/activations';
import { gradientCheck } from '../../../core/engine/gradcheck';
import { losses } from '../../../core/engine/losses';
import { Network } from '../../../core/engine/network';
import { Rng } from '../../../core/engine/rng';
import type { ActivationName, LossName, NetworkSpec } from '../../../core/engine/spec';

const IN = 4;
const OUT = 3;
const COUNT = 6;
const ROWS = [0, 2, 3, 5];
const TOL = 1e-6;

type TargetKind = 'regression' | 'nonzero' | 'non-negative' | 'unit' | 'one-hot' | 'distribution';

/** Small synthetic samples with targets of the kind the loss needs. */
function samples(kind: TargetKind, seed: number): Samples {
  const rng = new Rng(seed);
  const inputs = Float32Array.from({ length: COUNT * IN }, () => rng.normal());
  const targets = new Float32Array(COUNT * OUT);
  const labels = new Int32Array(COUNT);
  for (let r = 0; r < COUNT; r++) {
    labels[r] = rng.int(OUT);
    let sum = 0;
    for (let c = 0; c < OUT; c++) {
      const i = r * OUT + c;
      switch (kind) {
        case 'regression':
          targets[i] = rng.normal();
          break;
        case 'nonzero':
          // |y| in [0.5, 2], either sign: regression targets MAPE can divide by.
          targets[i] = (0.5 + 1.5 * rng.uniform()) * (rng.uniform() < 0.5 ? -1 : 1);
          break;
        case 'non-negative':
          targets[i] = 3 * rng.uniform();
          break;
        case 'unit':
          targets[i] = rng.uniform() < 0.5 ? 0 : 1;
          break;
        case 'one-hot':
          targets[i] = c === labels[r] ? 1 : 0;
          break;
        case 'distribution':
          targets[i] = 0.1 + rng.uniform();
          sum += targets[i];
          break;
      }
    }
    if (kind === 'distribution') for (let c = 0; c < OUT; c++) targets[r * OUT + c]! /= sum;
  }
  return { count: COUNT, inputSize: IN, outputSize: OUT, inputs, targets, labels };
}

function makeNet(hidden: ActivationName, output: ActivationName, loss: LossName, seed = 5): Network {
  const spec: NetworkSpec = {
    inputSize: IN,
    layers: [
      { units: 5, activation: hidden },
      { units: 4, activation: hidden },
      { units: OUT, activation: output },
    ],
    loss,
    init: 'xavier',
  };
  const net = Network.create(spec, new Rng(seed));
  // Non-zero biases, so no z sits exactly at 0 and every bias gradient is exercised.
  const rng = new Rng(seed + 1000);
  for (let l = 1; l <= net.L; l++) for (let i = 0; i < net.b[l]!.length; i++) net.b[l]![i] = 0.3 * rng.normal();
  return net;
}

/** Smallest |z| over the checked rows in the hidden layers: ±h must not straddle a ReLU kink there. */
function minHiddenAbsZ(net: Network, data: Samples): number {
  let min = Infinity;
  for (const row of ROWS) {
    const ws = net.workspace(1);
    ws.a[0]!.set(data.inputs.subarray(row * IN, (row + 1) * IN));
    net.feedforward(ws);
    for (let l = 1; l < net.L; l++) for (const z of ws.z[l]!) min = Math.min(min, Math.abs(z));
  }
  return min;
}

function expectAccurate(net: Network, data: Samples, label: string): void {
  const result = gradientCheck(net, data, ROWS);
  expect(result.map((r) => r.layer)).toEqual([1, 2, 3]);
  for (const r of result) {
    expect(r.checked, label).toBeGreaterThan(0);
    expect(r.relativeError, `${label}, layer ${r.layer}: ${r.relativeError}`).toBeLessThan(TOL);
  }
  // The gradient must not be trivially zero everywhere, or the check proves nothing.
  const shown = result.flatMap((r) => r.samples.map((s) => Math.abs(s.backprop)));
  expect(Math.max(...shown), label).toBeGreaterThan(1e-4);
}

describe('gradientCheck: every trainable hidden activation', () => {
  for (const hidden of ['linear', 'sigmoid', 'tanh', 'relu', 'leaky-relu'] as const) {
    it(`${hidden} hidden layers (softmax + cross-entropy output)`, () => {
      const data = samples('one-hot', 21);
      const net = makeNet(hidden, 'softmax', 'cross-entropy');
      // Distance to the kink is ≫ h = 1e-5, so ReLU is differentiable at every checked point.
      if (hidden === 'relu' || hidden === 'leaky-relu') expect(minHiddenAbsZ(net, data)).toBeGreaterThan(1e-3);
      expectAccurate(net, data, hidden);
    });

    it(`${hidden} hidden layers (linear + mse output, the non-simplified δ^L path)`, () => {
      const data = samples('regression', 22);
      const net = makeNet(hidden, 'linear', 'mse', 10);
      if (hidden === 'relu' || hidden === 'leaky-relu') expect(minHiddenAbsZ(net, data)).toBeGreaterThan(1e-3);
      expectAccurate(net, data, hidden);
    });
  }
});

describe('gradientCheck: every loss with a compatible output activation', () => {
  const CASES: { loss: LossName; output: ActivationName; targets: TargetKind }[] = [
    { loss: 'quadratic', output: 'sigmoid', targets: 'unit' },
    { loss: 'mse', output: 'linear', targets: 'regression' },
    { loss: 'sse', output: 'tanh', targets: 'regression' },
    { loss: 'mae', output: 'linear', targets: 'regression' },
    { loss: 'sae', output: 'linear', targets: 'regression' },
    { loss: 'mape', output: 'linear', targets: 'nonzero' },
    { loss: 'msle', output: 'sigmoid', targets: 'non-negative' },
    { loss: 'msle', output: 'softmax', targets: 'non-negative' },
    { loss: 'log-cosh', output: 'linear', targets: 'regression' },
    { loss: 'binary-cross-entropy', output: 'sigmoid', targets: 'unit' },
    { loss: 'cross-entropy', output: 'softmax', targets: 'one-hot' },
    { loss: 'kl-divergence', output: 'softmax', targets: 'distribution' },
    { loss: 'cosine-proximity', output: 'linear', targets: 'regression' },
  ];
  for (const { loss, output, targets } of CASES) {
    it(`${loss} with ${output} outputs`, () => {
      const data = samples(targets, 31);
      expectAccurate(makeNet('tanh', output, loss, 7), data, `${loss}/${output}`);
    });
  }

  it('cross-entropy and KL with softmax stay exact when a target row does not sum to 1', () => {
    // δ^L = a − y only holds for Σy = 1; multi-hot or unnormalised rows need δ^L = a·Σy − y.
    const data = samples('non-negative', 33);
    for (const loss of ['cross-entropy', 'kl-divergence'] as const)
      expectAccurate(makeNet('tanh', 'softmax', loss, 7), data, `${loss}, Σy ≠ 1`);
  });

  it('covers every loss', () => {
    expect(new Set(CASES.map((c) => c.loss)).size).toBe(Object.keys(losses).length);
  });

  it('checks every output activation through its own backward (mse)', () => {
    for (const output of ['linear', 'sigmoid', 'tanh', 'relu', 'leaky-relu', 'softmax'] as const) {
      const data = samples('unit', 32);
      const net = makeNet('sigmoid', output, 'mse', 8);
      expectAccurate(net, data, `mse/${output}`);
    }
  });
});

describe('gradientCheck itself', () => {
  it('reports the checked parameters and a few samples by name', () => {
    const data = samples('one-hot', 41);
    const result = gradientCheck(makeNet('tanh', 'softmax', 'cross-entropy'), data, ROWS, { perLayer: 6, show: 2 });
    // perLayer 6 → 3 weights + 3 biases in each layer.
    expect(result.map((r) => r.checked)).toEqual([6, 6, 6]);
    expect(result[0]!.samples.map((s) => s.name)).toEqual(['w²[0,0]', 'w²[1,2]']);
    for (const s of result[0]!.samples) expect(s.backprop).toBeCloseTo(s.numeric, 8);
  });

  it('leaves the source network untouched', () => {
    const data = samples('one-hot', 42);
    const net = makeNet('relu', 'softmax', 'cross-entropy');
    const before = net.w.map((w) => Array.from(w));
    gradientCheck(net, data, ROWS);
    expect(net.w.map((w) => Array.from(w))).toEqual(before);
  });

  it('catches a wrong loss gradient', () => {
    const data = samples('regression', 43);
    const original = losses.mse;
    // A copy whose gradient is off by 50 % on the first output.
    losses.mse = {
      ...original,
      gradient(a, y, g, o, n) {
        original.gradient(a, y, g, o, n);
        g[o] = g[o]! * 1.5;
      },
    };
    try {
      const result = gradientCheck(makeNet('tanh', 'linear', 'mse', 9), data, ROWS);
      for (const r of result) expect(r.relativeError, `layer ${r.layer}`).toBeGreaterThan(1e-2);
    } finally {
      losses.mse = original;
    }
    // Restored: the same check passes again.
    expectAccurate(makeNet('tanh', 'linear', 'mse', 9), data, 'restored mse');
  });

  it('catches a wrong activation derivative in a hidden layer', () => {
    const data = samples('one-hot', 44);
    const original = activations.tanh;
    // σ'(z) = 1 − a instead of 1 − a².
    activations.tanh = {
      ...original,
      backward(_z, a, g, rows, cols) {
        for (let i = 0; i < rows * cols; i++) g[i] = g[i]! * (1 - a[i]!);
      },
    };
    try {
      const result = gradientCheck(makeNet('tanh', 'softmax', 'cross-entropy'), data, ROWS);
      // The output layer's gradient does not pass through the hidden σ'; the layers below do.
      expect(result[2]!.relativeError).toBeLessThan(TOL);
      expect(result[0]!.relativeError).toBeGreaterThan(1e-2);
      expect(result[1]!.relativeError).toBeGreaterThan(1e-2);
    } finally {
      activations.tanh = original;
    }
  });
});
