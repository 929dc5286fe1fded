/**
 * The convolution and max-pooling kernels on every backend, against naive float64 references
 * written from the definitions (z = Σ w·x + b; ∂C/∂w = Σ δ·x; ∂C/∂x = the full correlation of δ
 * with the flipped kernels; the max and where it was), and a CNN trained on both backends.
 */
import { describe, expect, it } from 'vitest';
import { activations, type FloatArray } from '../../../core/engine/activations';
import type { ConvScratch, ConvShape, Kernels } from '../../../core/engine/kernels';
import { Network } from '../../../core/engine/network';
import { Rng } from '../../../core/engine/rng';
import { windowGeometry } from '../../../core/engine/shapes';
import type { ActivationName, NetworkSpec } from '../../../core/engine/spec';
import { Trainer } from '../../../core/engine/trainer';
import { selectKernels } from '../../../core/engine/wasm/select';
import type { Samples } from '../../../core/data/dataset';
import { runGuarded, settings } from './helpers';
import { BACKENDS, place } from './reference-kernels';

interface Case {
  name: string;
  C: number;
  H: number;
  W: number;
  k: number;
  stride: number;
  padding: 'valid' | 'same';
  F: number;
  rows: number;
  activation: ActivationName;
}

const CASES: Case[] = [
  { name: 'MNIST-like 28×28×1, 5×5×20, ReLU', C: 1, H: 28, W: 28, k: 5, stride: 1, padding: 'valid', F: 20, rows: 3, activation: 'relu' },
  { name: 'odd 3×7×6, 3×3×5, same, tanh', C: 3, H: 7, W: 6, k: 3, stride: 1, padding: 'same', F: 5, rows: 2, activation: 'tanh' },
  {
    name: 'odd 2×9×7, 4×4×3, stride 2, valid, sigmoid',
    C: 2,
    H: 9,
    W: 7,
    k: 4,
    stride: 2,
    padding: 'valid',
    F: 3,
    rows: 3,
    activation: 'sigmoid',
  },
  {
    name: '2×8×5, 3×3×7, stride 2, same, leaky ReLU',
    C: 2,
    H: 8,
    W: 5,
    k: 3,
    stride: 2,
    padding: 'same',
    F: 7,
    rows: 2,
    activation: 'leaky-relu',
  },
  { name: '1×5×5, 5×5×1 (one position), linear', C: 1, H: 5, W: 5, k: 5, stride: 1, padding: 'valid', F: 1, rows: 4, activation: 'linear' },
  {
    name: '2×6×6, 3×3×4, softmax over filters (js on every backend)',
    C: 2,
    H: 6,
    W: 6,
    k: 3,
    stride: 1,
    padding: 'same',
    F: 4,
    rows: 2,
    activation: 'softmax',
  },
];

function shapeOf(c: Case): ConvShape {
  const g = windowGeometry(c.H, c.W, c.k, c.stride, c.padding);
  return {
    channels: c.C,
    height: c.H,
    width: c.W,
    outHeight: g.outHeight,
    outWidth: g.outWidth,
    size: c.k,
    stride: c.stride,
    padTop: g.padTop,
    padLeft: g.padLeft,
    filters: c.F,
    activation: c.activation,
  };
}

const random = (rng: Rng, n: number, zeroShare = 0): Float32Array =>
  Float32Array.from({ length: n }, () => (rng.uniform() < zeroShare ? 0 : rng.normal()));

/** The input index under weight (c, i, j) of the window at output (oy, ox), or −1 in the padding. */
function inputIndex(s: ConvShape, c: number, oy: number, ox: number, i: number, j: number): number {
  const y = oy * s.stride + i - s.padTop;
  const x = ox * s.stride + j - s.padLeft;
  return y >= 0 && y < s.height && x >= 0 && x < s.width ? (c * s.height + y) * s.width + x : -1;
}

/** Naive forward z (CHW per sample) and backward ∂C/∂w, ∂C/∂b, ∂C/∂x for the given δ, in float64. */
function reference(s: ConvShape, rows: number, x: FloatArray, w: FloatArray, b: FloatArray, delta: FloatArray) {
  const { channels: C, filters: F, size: k, outHeight: OH, outWidth: OW } = s;
  const inSize = C * s.height * s.width;
  const outSize = F * OH * OW;
  const z = new Float64Array(rows * outSize);
  const dw = new Float64Array(F * C * k * k);
  const db = new Float64Array(F);
  const dx = new Float64Array(rows * inSize);
  for (let r = 0; r < rows; r++)
    for (let f = 0; f < F; f++)
      for (let oy = 0; oy < OH; oy++)
        for (let ox = 0; ox < OW; ox++) {
          const o = r * outSize + (f * OH + oy) * OW + ox;
          let sum = b[f]!;
          db[f]! += delta[o]!;
          for (let c = 0; c < C; c++)
            for (let i = 0; i < k; i++)
              for (let j = 0; j < k; j++) {
                const at = inputIndex(s, c, oy, ox, i, j);
                if (at < 0) continue;
                const q = ((f * C + c) * k + i) * k + j;
                sum += w[q]! * x[r * inSize + at]!;
                dw[q]! += delta[o]! * x[r * inSize + at]!;
                dx[r * inSize + at]! += delta[o]! * w[q]!;
              }
          z[o] = sum;
        }
  return { z, dw, db, dx };
}

function expectClose(actual: FloatArray, expected: ArrayLike<number>, label: string, tol = 1e-4): void {
  expect(actual.length).toBeGreaterThanOrEqual(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    if (!(Math.abs(actual[i]! - e) <= tol * Math.max(4, Math.abs(e)))) expect.fail(`${label}[${i}] = ${actual[i]}, expected ${e}`);
  }
}

function scratchOn(k: Kernels, s: ConvShape, rows: number): ConvScratch {
  const alloc = (n: number) => k.alloc(n);
  return { cols: alloc(rows * s.outHeight * s.outWidth * s.channels * s.size * s.size), alloc, extra: {}, sparse: false };
}

describe.each(BACKENDS)('convolution kernels on %s (float32, against a naive reference)', (backend) => {
  it.each(CASES)('$name: forward, then ∂C/∂w, ∂C/∂b (fresh and accumulated) and ∂C/∂x', (c) => {
    const k = selectKernels(backend);
    const s = shapeOf(c);
    const rng = new Rng(11);
    const inSize = c.C * c.H * c.W;
    const outSize = c.F * s.outHeight * s.outWidth;
    const x = place(k, random(rng, c.rows * inSize, 0.5));
    const w = place(k, random(rng, c.F * c.C * c.k * c.k));
    const b = place(k, random(rng, c.F));
    const z = place(k, new Float32Array(c.rows * outSize).fill(9));
    const a = place(k, new Float32Array(c.rows * outSize).fill(9));
    const delta = place(k, random(rng, c.rows * outSize, 0.3));
    const ref = reference(s, c.rows, x, w, b, delta);
    const scratch = scratchOn(k, s, c.rows);

    k.convForward(s, c.rows, x, w, b, z, a, scratch);
    expectClose(z, ref.z, `${backend} z`);
    // σ by rows of F values at each position, as the js map would compute it (softmax: over the filters)
    const expectedA = new Float64Array(ref.z.length);
    const zT = new Float64Array(ref.z.length);
    const P = s.outHeight * s.outWidth;
    for (let r = 0; r < c.rows; r++)
      for (let f = 0; f < c.F; f++) for (let p = 0; p < P; p++) zT[(r * P + p) * c.F + f] = ref.z[r * outSize + f * P + p]!;
    const aT = new Float64Array(zT.length);
    activations[c.activation].forward(zT, aT, c.rows * P, c.F);
    for (let r = 0; r < c.rows; r++)
      for (let f = 0; f < c.F; f++) for (let p = 0; p < P; p++) expectedA[r * outSize + f * P + p] = aT[(r * P + p) * c.F + f]!;
    expectClose(a, expectedA, `${backend} a`);
    if (backend === 'wasm') expect(scratch.lowered).toBe(c.activation === 'softmax' ? 'js' : 'wasm');

    const nablaW = place(k, new Float32Array(w.length).fill(7));
    const nablaB = place(k, new Float32Array(b.length).fill(7));
    k.convBackward(s, c.rows, x, delta, w, nablaW, nablaB, undefined, false, scratch);
    expectClose(nablaW, ref.dw, `${backend} ∂C/∂w`);
    expectClose(nablaB, ref.db, `${backend} ∂C/∂b`);
    // again, accumulating, and with ∂C/∂x
    const dx = place(k, new Float32Array(x.length).fill(5));
    k.convBackward(s, c.rows, x, delta, w, nablaW, nablaB, dx, true, scratch);
    expectClose(
      nablaW,
      Array.from(ref.dw, (v) => 2 * v),
      `${backend} accumulated ∂C/∂w`,
    );
    expectClose(
      nablaB,
      Array.from(ref.db, (v) => 2 * v),
      `${backend} accumulated ∂C/∂b`,
    );
    expectClose(dx, ref.dx, `${backend} ∂C/∂x`);
  });

  it('max-pools with the max of each window, its index, δ routed back to it, and NaN kept', () => {
    const k = selectKernels(backend);
    const rng = new Rng(3);
    for (const [C, H, W, size, stride] of [
      [3, 7, 5, 2, 2],
      [2, 9, 8, 3, 2],
      [1, 6, 6, 3, 1],
      [20, 24, 24, 2, 2],
    ] as const) {
      const OH = Math.floor((H - size) / stride) + 1;
      const OW = Math.floor((W - size) / stride) + 1;
      const win = { channels: C, height: H, width: W, outHeight: OH, outWidth: OW, size, stride, padTop: 0, padLeft: 0 };
      const rows = 2;
      const inSize = C * H * W;
      const outSize = C * OH * OW;
      const x = place(k, random(rng, rows * inSize, 0.3));
      x[inSize + 3] = NaN;
      const z = place(k, new Float32Array(rows * outSize));
      const a = place(k, new Float32Array(rows * outSize));
      const block = k.alloc(rows * outSize);
      const argmax = new Int32Array(block.buffer, block.byteOffset, rows * outSize);
      k.maxPool(x, z, a, argmax, rows, win);
      const delta = place(k, random(rng, rows * outSize));
      const dx = place(k, new Float32Array(rows * inSize).fill(3));
      k.maxPoolBackward(delta, argmax, dx, rows, inSize, outSize);
      const expectedDx = new Float64Array(rows * inSize);
      for (let r = 0; r < rows; r++)
        for (let c = 0; c < C; c++)
          for (let oy = 0; oy < OH; oy++)
            for (let ox = 0; ox < OW; ox++) {
              let best = -1;
              let max = -Infinity;
              for (let i = 0; i < size; i++)
                for (let j = 0; j < size; j++) {
                  const at = (c * H + oy * stride + i) * W + ox * stride + j;
                  const v = x[r * inSize + at]!;
                  if (best < 0 || v > max || Number.isNaN(v)) [best, max] = [at, v];
                  if (Number.isNaN(v)) break;
                }
              const o = r * outSize + (c * OH + oy) * OW + ox;
              if (Number.isNaN(max)) expect(z[o]).toBeNaN();
              else expect(z[o]).toBe(max);
              expect(a[o]).toBe(z[o]);
              expect(argmax[o]).toBe(best);
              expectedDx[r * inSize + best]! += delta[o]!;
            }
      expectClose(dx, expectedDx, `${backend} pool ∂C/∂x ${C}x${H}x${W}`, 1e-6);
    }
  });
});

/** 8×8 images of a horizontal bar, a vertical bar or a diagonal at random places, with noise: three classes a small CNN learns. */
function bars(count: number, seed: number): Samples {
  const rng = new Rng(seed);
  const inputs = new Float32Array(count * 64);
  const targets = new Float32Array(count * 3);
  const labels = new Int32Array(count);
  for (let n = 0; n < count; n++) {
    const label = n % 3;
    const at = 1 + rng.int(6);
    for (let t = 0; t < 8; t++) {
      const [y, x] = label === 0 ? [at, t] : label === 1 ? [t, at] : [t, t];
      inputs[n * 64 + y * 8 + x] = 1;
    }
    for (let i = 0; i < 64; i++) inputs[n * 64 + i]! += 0.2 * rng.normal();
    labels[n] = label;
    targets[n * 3 + label] = 1;
  }
  return { count, inputSize: 64, outputSize: 3, inputs, targets, labels };
}

describe('a CNN on both backends', () => {
  const spec: NetworkSpec = {
    inputSize: 64,
    inputShape: { channels: 1, height: 8, width: 8 },
    layers: [
      { kind: 'conv', filters: 4, kernel: 3, stride: 1, padding: 'valid', activation: 'relu' },
      { kind: 'conv', filters: 6, kernel: 3, stride: 1, padding: 'same', activation: 'tanh' },
      { kind: 'maxpool', size: 2, stride: 2 },
      { units: 12, activation: 'relu' },
      { units: 3, activation: 'softmax' },
    ],
    loss: 'cross-entropy',
    init: 'he',
  };

  function train(backend: 'js' | 'wasm'): Network {
    const net = Network.create(spec, new Rng(4), 'float32', selectKernels(backend));
    const trainer = new Trainer(net, { train: bars(96, 9) }, settings({ optimizer: 'adam', learningRate: 0.01, batchSize: 16, epochs: 2 }));
    runGuarded(trainer);
    return net;
  }

  it('trains to the same weights within float32 rounding, and each backend repeats itself exactly', () => {
    const js = train('js');
    const wasm = train('wasm');
    const again = train('wasm');
    for (let l = 1; l <= js.L; l++) {
      expect(Array.from(again.w[l]!)).toEqual(Array.from(wasm.w[l]!));
      expectClose(wasm.w[l]!, js.w[l]!, `layer ${l} w`, 2e-3);
      expectClose(wasm.b[l]!, js.b[l]!, `layer ${l} b`, 2e-3);
    }
  });
});
