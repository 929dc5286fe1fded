import { describe, expect, it } from 'vitest';
import { Rng } from '../../../core/engine/rng';
import type { WasmKernels } from '../../../core/engine/wasm/kernels-wasm';
import { selectKernels } from '../../../core/engine/wasm/select';
import { BACKENDS, place, randomWithZeros } from './reference-kernels';

// The first layer's one-pass gradient and SGD step (assembly/gradient-step.ts) and the block-wise
// sum of squares promise the very bits of the calls they replace: matMulAtB, sumSquares, sgdStep.

/** Inputs like MNIST rows: nonnegative, mostly zero, in runs. */
const images = (rng: Rng, n: number, zeroShare = 0.8): Float32Array => randomWithZeros(rng, n, zeroShare, true).map(Math.abs);

/** The first index where a and b differ bit for bit, or −1 (−0 and +0 differ, a NaN equals the same NaN). */
function firstDifference(a: Float32Array, b: Float32Array): number {
  const [x, y] = [new Uint32Array(Float32Array.from(a).buffer), new Uint32Array(Float32Array.from(b).buffer)];
  if (x.length !== y.length) return Math.min(x.length, y.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}

/** (rows k, units m, inputs n): batch sizes up to the sparse path's 64, unit counts off multiples of 4, n a multiple of 8. */
const SHAPES: [number, number, number][] = [
  [1, 1, 8],
  [10, 30, 784],
  [10, 100, 784],
  [3, 7, 40],
  [64, 13, 96],
  [17, 4, 16],
  [33, 6, 64],
];

describe.each(BACKENDS)('matMulAtB on backend %s', (name) => {
  it('gives the same bits sparse as dense (the sparse path only leaves out terms δ·0), for batches up to 64 rows and above', () => {
    const k = selectKernels(name);
    const rng = new Rng(41);
    for (const [rows, m, n] of [...SHAPES, [65, 9, 24], [130, 5, 40], [12, 10, 30]] as [number, number, number][]) {
      for (const zeros of [0, 0.5, 0.8, 1]) {
        const x = place(k, images(rng, rows * n, zeros));
        const delta = place(k, randomWithZeros(rng, rows * m, 0.1, false));
        const dense = place(k, new Float32Array(m * n).fill(3));
        const sparse = place(k, new Float32Array(m * n).fill(-3));
        k.matMulAtB(delta, x, dense, m, n, rows, false, false);
        k.matMulAtB(delta, x, sparse, m, n, rows, false, true);
        expect(firstDifference(sparse, dense), `${rows}×${m}×${n} zeros ${zeros}`).toBe(-1);
        const start = randomWithZeros(rng, m * n, 0, false);
        dense.set(start);
        sparse.set(start);
        k.matMulAtB(delta, x, dense, m, n, rows, true, false);
        k.matMulAtB(delta, x, sparse, m, n, rows, true, true);
        expect(firstDifference(sparse, dense), `${rows}×${m}×${n} zeros ${zeros}, accumulating`).toBe(-1);
      }
    }
  });
});

describe('the wasm first-layer step', () => {
  const k = selectKernels('wasm') as WasmKernels;
  const e = k.exports;

  it('sumSquaresBlocks adds up the listed blocks to the bits sumSquares gives over the whole gradient', () => {
    const rng = new Rng(42);
    for (const [rows, m, n] of SHAPES) {
      const x = place(k, images(rng, rows * n));
      const delta = place(k, randomWithZeros(rng, rows * m, 0, false));
      const g = place(k, new Float32Array(m * n));
      const count = e.matMulAtB(delta.byteOffset, x.byteOffset, g.byteOffset, m, n, rows, 0, k.listStart, 1);
      expect(count).toBeGreaterThanOrEqual(0);
      expect(e.sumSquaresBlocks(g.byteOffset, m, n, k.listStart, count)).toBe(e.sumSquares(g.byteOffset, m * n));
    }
  });

  it.each([
    ['λ = 0 (blocks of zero gradient only read)', 0],
    ['λ > 0 (every weight decays)', 1e-3],
  ])(
    'sgdGradientStep steps the weights, sums the squares and finds max |w| as matMulAtB, sumSquares and sgdStep do: %s',
    (_what, lambda) => {
      const rng = new Rng(43);
      for (const [rows, m, n] of SHAPES) {
        for (const zeros of [0, 0.8, 1]) {
          const x = place(k, images(rng, rows * n, zeros));
          const delta = place(k, randomWithZeros(rng, rows * m, 0.05, false));
          const w0 = randomWithZeros(rng, m * n, 0.01, false);
          w0[0] = -0; // a −0 weight where the gradient may be zero stays −0 on both paths
          const stepped = place(k, w0);
          const expected = place(k, w0);
          const g = place(k, new Float32Array(m * n));
          const scratch = k.alloc(4 * n);
          const out = new Float64Array(k.memory.buffer, k.alloc(4).byteOffset, 2);
          const eta = 0.37;
          e.matMulAtB(delta.byteOffset, x.byteOffset, g.byteOffset, m, n, rows, 0, k.listStart, 1);
          const squares = e.sumSquares(g.byteOffset, m * n);
          const max = e.sgdStep(expected.byteOffset, g.byteOffset, m * n, eta, lambda);
          e.sgdGradientStep(
            delta.byteOffset,
            x.byteOffset,
            stepped.byteOffset,
            m,
            n,
            rows,
            k.listStart,
            scratch.byteOffset,
            eta,
            lambda,
            out.byteOffset,
          );
          const label = `${rows}×${m}×${n} zeros ${zeros}`;
          expect(firstDifference(stepped, expected), label).toBe(-1);
          expect(out[0], label).toBe(squares);
          expect(out[1], label).toBe(max);
        }
      }
    },
  );

  it('sgdGradientStep reports a weight that is not finite, also where the gradient is zero', () => {
    const rng = new Rng(44);
    const [rows, m, n] = [10, 6, 64];
    const x = place(k, new Float32Array(rows * n));
    for (let r = 0; r < rows; r++) x[r * n + 3] = 0.5; // only the first block of inputs is nonzero
    const delta = place(k, randomWithZeros(rng, rows * m, 0, false));
    const scratch = k.alloc(4 * n);
    const out = new Float64Array(k.memory.buffer, k.alloc(4).byteOffset, 2);
    for (const [bad, expected] of [
      [Infinity, Infinity],
      [NaN, NaN],
    ]) {
      for (const at of [2, 5 * n + 40]) {
        const w = place(k, randomWithZeros(rng, m * n, 0, false));
        w[at] = bad!;
        e.sgdGradientStep(
          delta.byteOffset,
          x.byteOffset,
          w.byteOffset,
          m,
          n,
          rows,
          k.listStart,
          scratch.byteOffset,
          0.1,
          0,
          out.byteOffset,
        );
        // In the listed block ∞ − η·g stays ∞; where the gradient is zero the weight is only read.
        if (at < 8) expect(Number.isFinite(out[1])).toBe(false);
        else expect(out[1]).toEqual(expected);
      }
    }
  });
});
