import { describe, it, expect } from 'vitest';
import { activations, type FloatArray } from '../../../core/engine/activations';
import { losses } from '../../../core/engine/losses';
import type { Kernels } from '../../../core/engine/kernels';
import { Network } from '../../../core/engine/network';
import { Rng } from '../../../core/engine/rng';
import { LOSSES, type ActivationName, type LossName, type NetworkSpec } from '../../../core/engine/spec';
import type { WasmKernels } from '../../../core/engine/wasm/kernels-wasm';
import { selectKernels } from '../../../core/engine/wasm/select';
import { BACKENDS, place, RAGGED_SIZES, randomWithZeros, refABt, refAtB } from './reference-kernels';
import { mnistSpec } from '../../fixtures/specs';

/** float32 values, about `zeroShare` of them zero, in runs of 7 as in images (or scattered). */
const random = (rng: Rng, n: number, zeroShare: number, blocky = true): Float32Array => randomWithZeros(rng, n, zeroShare, blocky);

function expectClose(actual: FloatArray, expected: ArrayLike<number>, label: string, tol = 1e-4): void {
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    if (!(Math.abs(actual[i]! - e) <= tol * Math.max(4, Math.abs(e)))) expect.fail(`${label}[${i}] = ${actual[i]}, expected ${e}`);
  }
}

const SIZES: [number, number, number][] = [...RAGGED_SIZES, [10, 30, 784], [64, 100, 784], [11, 10, 30], [13, 23, 37]];
const ELEMENTWISE: ActivationName[] = ['linear', 'sigmoid', 'tanh', 'relu', 'leaky-relu'];

describe.each(BACKENDS)('sparse and dense products on backend %s', (name) => {
  it('matMulABt and matMulAtB agree with the naive reference, sparse and dense, on sparse and dense inputs', () => {
    const k = selectKernels(name);
    const rng = new Rng(31);
    for (const [m, n, kk] of SIZES) {
      for (const zeros of [0, 0.5, 0.8, 1]) {
        const x = place(k, random(rng, m * kk, zeros));
        const w = place(k, random(rng, n * kk, 0));
        const bias = place(k, random(rng, n, 0));
        const delta = place(k, random(rng, m * n, 0.3, false));
        const start = random(rng, n * kk, 0);
        for (const sparse of [true, false]) {
          const label = `${name} ${sparse ? 'sparse' : 'dense'} ${m}x${n}x${kk} zeros ${zeros}`;
          const z = place(k, new Float32Array(m * n).fill(99));
          k.matMulABt(x, w, z, m, n, kk, bias, sparse);
          expectClose(z, refABt(x, w, m, n, kk, bias), `ABt ${label}`);
          const grad = place(k, new Float32Array(n * kk).fill(7));
          k.matMulAtB(delta, x, grad, n, kk, m, false, sparse);
          const ref = refAtB(delta, x, n, kk, m);
          expectClose(grad, ref, `AtB ${label}`);
          grad.set(start);
          k.matMulAtB(delta, x, grad, n, kk, m, true, sparse);
          expectClose(
            grad,
            ref.map((v, i) => v + start[i]!),
            `AtB+= ${label}`,
          );
        }
      }
    }
  });

  it('density is the share the sparse products cannot skip: nonzero elements (js) or 4-float blocks (wasm)', () => {
    const k = selectKernels(name);
    const unit = name === 'wasm' ? 4 : 1;
    /** Reference: units of `unit` floats (the last one possibly short) holding a nonzero, NaN included. */
    const share = (x: Float32Array): number => {
      let live = 0;
      for (let i = 0; i < x.length; i += unit) if (Array.from(x.subarray(i, i + unit)).some((v) => v !== 0)) live++;
      return live / Math.ceil(x.length / unit);
    };
    const rng = new Rng(32);
    for (const n of [1, 3, 4, 9, 784, 7841]) {
      for (const blocky of [true, false]) {
        const x = place(k, random(rng, n, 0.6, blocky));
        expect(k.density(x, n)).toBeCloseTo(share(x), 12);
        x[n - 1] = NaN;
        expect(k.density(x, n)).toBeCloseTo(share(x), 12);
      }
    }
    expect(k.density(place(k, new Float32Array(8)), 8)).toBe(0);
    expect(k.sparseBelow).toBeGreaterThan(0.2);
  });

  it('the network picks sparse products for an MNIST-like first layer and dense ones for dense inputs', () => {
    const k = selectKernels(name);
    const calls: { kind: string; k: number; sparse: boolean }[] = [];
    // A wrapped kernels object that records which variant each product was asked for.
    const spy: Kernels = {
      ...k,
      matMulABt(a, b, c, m, n, kk, bias, sparse) {
        calls.push({ kind: 'forward', k: kk, sparse: sparse === true });
        k.matMulABt(a, b, c, m, n, kk, bias, sparse);
      },
      matMulAtB(a, b, c, m, n, kk, accumulate, sparse) {
        calls.push({ kind: '∇w', k: n, sparse: sparse === true });
        k.matMulAtB(a, b, c, m, n, kk, accumulate, sparse);
      },
      matMulABtActivate(a, b, bias, z, out, m, n, kk, act, sparse) {
        calls.push({ kind: 'forward', k: kk, sparse });
        k.matMulABtActivate(a, b, bias, z, out, m, n, kk, act, sparse);
      },
    };
    const spec: NetworkSpec = mnistSpec();
    const net = Network.create(spec, new Rng(3), 'float32', spy);
    const rng = new Rng(4);
    for (const [input, firstSparse] of [
      [random(rng, 10 * 784, 0.8).map(Math.abs), true], // ~80 % zeros in runs: MNIST-like
      [random(rng, 10 * 784, 0), false], // no zeros
    ] as const) {
      calls.length = 0;
      const ws = net.workspace(10);
      ws.a[0]!.set(input);
      net.feedforward(ws);
      net.backprop(ws, net.createGradients(), 0.1);
      expect(calls.filter((c) => c.k === 784).map((c) => c.kind + (c.sparse ? ' sparse' : ' dense'))).toEqual(
        ['forward', '∇w'].map((kind) => kind + (firstSparse ? ' sparse' : ' dense')),
      );
      // The hidden layer's input is sigmoid outputs, never zero: always dense.
      expect(calls.filter((c) => c.k === 30).map((c) => c.sparse)).toEqual([false, false]);
    }
  });
});

describe.each(BACKENDS)('fused activations and output deltas on backend %s', (name) => {
  it('matMulABtActivate writes z and σ(z) like matMulABt followed by the js activation', () => {
    const k = selectKernels(name);
    const rng = new Rng(33);
    // step included: wasm has no code of its own for it and hands σ to the js kernels.
    for (const act of [...ELEMENTWISE, 'softmax', 'step'] as ActivationName[]) {
      for (const [m, n, kk] of SIZES) {
        for (const sparse of [true, false]) {
          const x = place(k, random(rng, m * kk, 0.5));
          const w = place(k, random(rng, n * kk, 0));
          const bias = place(k, random(rng, n, 0));
          const z = place(k, new Float32Array(m * n));
          const a = place(k, new Float32Array(m * n));
          k.matMulABtActivate(x, w, bias, z, a, m, n, kk, act, sparse);
          const zRef = Float64Array.from(refABt(x, w, m, n, kk, bias));
          expectClose(z, zRef, `${name} ${act} z ${m}x${n}x${kk}`);
          const aRef = new Float64Array(m * n);
          activations[act].forward(Float64Array.from(z), aRef, m, n);
          expectClose(a, aRef, `${name} ${act} a ${m}x${n}x${kk}`, 1e-6);
        }
      }
    }
  });

  it('gives the same bits whether its float32 operands live in the backend’s memory or not', () => {
    const k = selectKernels(name);
    const rng = new Rng(39);
    const [m, n, kk] = [7, 13, 37];
    for (const act of [...ELEMENTWISE, 'softmax'] as ActivationName[]) {
      const plain = [random(rng, m * kk, 0.5), random(rng, n * kk, 0), random(rng, n, 0)];
      const results = [false, true].map((placed) => {
        const [x, w, bias] = plain.map((v) => (placed ? place(k, v) : Float32Array.from(v)));
        const z = placed ? place(k, new Float32Array(m * n)) : new Float32Array(m * n);
        const a = placed ? place(k, new Float32Array(m * n)) : new Float32Array(m * n);
        k.matMulABtActivate(x!, w!, bias!, z, a, m, n, kk, act, true);
        const d = placed ? place(k, new Float32Array(m * n)) : new Float32Array(m * n);
        k.outputDelta(a, z, d, m, n, 0.5, act === 'softmax');
        k.activationBackward(act, z, a, d, m, n);
        const g = placed ? place(k, new Float32Array(m * n)) : new Float32Array(m * n);
        k.lossGradient('quadratic', a, z, g, m, n, 0.5);
        return [z, a, d, g].map((v) => Array.from(v));
      });
      expect(results[0]).toEqual(results[1]);
    }
  });

  it('activationBackward multiplies by σ′ like the js activations (softmax: its Jacobian)', () => {
    const k = selectKernels(name);
    const rng = new Rng(34);
    for (const act of [...ELEMENTWISE, 'softmax', 'step'] as ActivationName[]) {
      for (const [rows, cols] of [
        [1, 1],
        [3, 5],
        [10, 30],
        [7, 13],
      ] as [number, number][]) {
        const z = place(k, random(rng, rows * cols, 0.1, false));
        z[0] = 0; // the kink of relu and leaky-relu: σ'(0) is taken as the left derivative, as in js
        const a = place(k, new Float32Array(rows * cols));
        activations[act].forward(z, a, rows, cols);
        const g = place(k, random(rng, rows * cols, 0, false));
        const ref = Float64Array.from(g);
        activations[act].backward(Float64Array.from(z), Float64Array.from(a), ref, rows, cols);
        k.activationBackward(act, z, a, g, rows, cols);
        expectClose(g, ref, `${name} ${act}' ${rows}x${cols}`, 1e-6);
      }
    }
  });

  it('outputDelta is (a·Σy − y)·scale with the row sums of y, or (a − y)·scale', () => {
    const k = selectKernels(name);
    const rng = new Rng(35);
    for (const [rows, cols] of [
      [1, 1],
      [10, 10],
      [3, 7],
    ] as [number, number][]) {
      const a = place(k, random(rng, rows * cols, 0, false));
      const y = place(k, random(rng, rows * cols, 0.5, false));
      for (const sumY of [true, false]) {
        const d = place(k, new Float32Array(rows * cols));
        k.outputDelta(a, y, d, rows, cols, 0.1, sumY);
        const ref: number[] = [];
        for (let r = 0; r < rows; r++) {
          let s = 0;
          for (let c = 0; c < cols; c++) s += y[r * cols + c]!;
          for (let c = 0; c < cols; c++) ref.push((a[r * cols + c]! * (sumY ? s : 1) - y[r * cols + c]!) * 0.1);
        }
        expectClose(d, ref, `${name} δ sumY=${sumY}`, 1e-6);
      }
    }
  });

  it('lossGradient is scale·∇_a C of every loss, as the loss defines it (placed or not)', () => {
    const k = selectKernels(name);
    const rng = new Rng(40);
    for (const loss of LOSSES) {
      for (const [rows, cols] of [
        [1, 1],
        [10, 10],
        [3, 7],
      ] as [number, number][]) {
        // Outputs and targets strictly inside (0, 1), where every loss is defined.
        const a0 = Float32Array.from({ length: rows * cols }, () => 0.05 + 0.9 * rng.uniform());
        const y0 = Float32Array.from({ length: rows * cols }, () => 0.1 + 0.8 * rng.uniform());
        const ref = new Float64Array(rows * cols);
        for (let r = 0; r < rows; r++) losses[loss].gradient(Float64Array.from(a0), Float64Array.from(y0), ref, r * cols, cols);
        for (const placed of [true, false]) {
          const [a, y] = [a0, y0].map((v) => (placed ? place(k, v) : Float32Array.from(v)));
          const g = placed ? place(k, new Float32Array(rows * cols).fill(9)) : new Float32Array(rows * cols).fill(9);
          k.lossGradient(loss, a!, y!, g, rows, cols, 0.25);
          expectClose(
            g,
            Array.from(ref, (v) => v * 0.25),
            `${name} ${loss} ${rows}x${cols}`,
            1e-6,
          );
        }
      }
    }
  });

  it.each([
    ['sigmoid', 'quadratic'],
    ['sigmoid', 'binary-cross-entropy'],
    ['softmax', 'cross-entropy'],
    ['linear', 'mse'],
    ['tanh', 'quadratic'],
  ] as [ActivationName, LossName][])(
    'backprop through every hidden activation, %s output with %s, matches float64 backprop',
    (output, loss) => {
      for (const hidden of ELEMENTWISE) {
        const spec: NetworkSpec = {
          inputSize: 13,
          layers: [
            { units: 9, activation: hidden },
            { units: 4, activation: output },
          ],
          loss,
          init: 'xavier',
        };
        const rng = new Rng(36);
        const rows = 6;
        const inputs = random(rng, rows * 13, 0.3);
        const targets = new Float32Array(rows * 4);
        for (let r = 0; r < rows; r++) targets[r * 4 + rng.int(4)] = 1;
        const net = Network.create(spec, new Rng(37), 'float32', selectKernels(name));
        const exact = new Network(spec, 'float64');
        exact.setParameters(net.w, net.b);
        const grads = [net, exact].map((n) => {
          const ws = n.workspace(rows);
          ws.a[0]!.set(inputs);
          ws.y.set(targets);
          n.feedforward(ws);
          const g = n.createGradients();
          n.backprop(ws, g, 1 / rows);
          return g;
        });
        for (let l = 1; l <= 2; l++) {
          expectClose(grads[0]!.nablaW[l]!, grads[1]!.nablaW[l]!, `${name} ${hidden}/${output}/${loss} ∇w${l}`, 1e-5);
          expectClose(grads[0]!.nablaB[l]!, grads[1]!.nablaB[l]!, `${name} ${hidden}/${output}/${loss} ∇b${l}`, 1e-5);
        }
      }
    },
  );
});

describe.each(BACKENDS)('maxAbs on backend %s', (name) => {
  it('is the largest |a[i]|, ∞ with an infinity and NaN with a NaN anywhere', () => {
    const k = selectKernels(name);
    const rng = new Rng(38);
    for (const n of [0, 1, 3, 7, 8, 9, 23_861]) {
      for (const x of [random(rng, n, 0.2, false), place(k, random(rng, n, 0.2, false))]) {
        let ref = 0;
        for (const v of x) ref = Math.max(ref, Math.abs(v));
        expect(k.maxAbs(x)).toBe(ref);
        if (n === 0) continue;
        for (const at of [0, n - 1, n >> 1]) {
          const keep = x[at]!;
          x[at] = -Infinity;
          expect(k.maxAbs(x)).toBe(Infinity);
          x[at] = NaN;
          expect(k.maxAbs(x)).toBeNaN();
          x[at] = keep;
        }
      }
    }
  });
});

describe('the wasm exponential', () => {
  it('is within 2 ulp of float32 eˣ over the normal range, and saturates to ∞, to 0 and keeps NaN', () => {
    const k = selectKernels('wasm') as WasmKernels;
    const xs: number[] = [];
    for (let x = -87.3; x <= 88.72; x += 0.0137) xs.push(x);
    xs.push(0, -0, 1e-8, -1e-8, 88.7, -87.33);
    const x = place(k, Float32Array.from(xs));
    const out = place(k, new Float32Array(xs.length));
    k.exp(x, out);
    let worst = 0;
    for (let i = 0; i < xs.length; i++) {
      const exact = Math.exp(x[i]!);
      worst = Math.max(worst, Math.abs(out[i]! - exact) / exact);
    }
    // 2 ulp of float32 is 2·2⁻²³ relative at worst.
    expect(worst).toBeLessThan(2 * 2 ** -23);

    const edges = place(k, Float32Array.from([88.73, 89, 100, 1e30, Infinity, -104, -150, -1e30, -Infinity, NaN, -95, -100]));
    const e = place(k, new Float32Array(edges.length));
    k.exp(edges, e);
    expect(Array.from(e.subarray(0, 5))).toEqual([Infinity, Infinity, Infinity, Infinity, Infinity]);
    expect(Array.from(e.subarray(5, 9))).toEqual([0, 0, 0, 0]);
    expect(e[9]).toBeNaN();
    // Subnormal results: within a few of float32's smallest steps (2⁻¹⁴⁹) of the true value.
    for (const i of [10, 11]) expect(Math.abs(e[i]! - Math.exp(edges[i]!))).toBeLessThan(2 ** -140 * Math.exp(edges[i]!) + 4 * 2 ** -149);
  });
});
