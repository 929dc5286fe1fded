import { describe, it, expect } from 'vitest';
import type { FloatArray } from '../../../core/engine/activations';
import type { Kernels } from '../../../core/engine/kernels';
import { jsKernels } from '../../../core/engine/kernels-js';
import { Rng } from '../../../core/engine/rng';
import { RAGGED_SIZES, refAB, refABt, refAtB } from './reference-kernels';

/** Every backend must pass the same suite; add faster ones here. */
const BACKENDS: Kernels[] = [jsKernels];

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;

/** Random values with about `zeroShare` of them exactly zero (the kernels skip zeros). */
function random(rng: Rng, n: number, Type: Ctor, zeroShare = 0.4): FloatArray {
  const out = new Type(n);
  for (let i = 0; i < n; i++) out[i] = rng.uniform() < zeroShare ? 0 : rng.normal();
  return out;
}

function refSumRows(a: FloatArray, m: number, n: number): number[] {
  const out = new Array<number>(n).fill(0);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[j]! += a[i * n + j]!;
  return out;
}

function expectClose(actual: FloatArray, expected: number[], Type: Ctor, label: string): void {
  // Float32 stores each result rounded to 24 bits; sums of ~40 N(0,1) products stay well under 1e-4 off.
  const tol = Type === Float64Array ? 1e-12 : 1e-4;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    if (Math.abs(actual[i]! - e) > tol * Math.max(1, Math.abs(e))) expect.fail(`${label}[${i}] = ${actual[i]}, expected ${e}`);
  }
}

const SIZES = RAGGED_SIZES;

describe.each(BACKENDS)('kernels: $name', (k) => {
  for (const Type of [Float64Array, Float32Array] as Ctor[]) {
    describe(Type.name, () => {
      it('matMulABt: C = A·Bᵀ without and with bias', () => {
        const rng = new Rng(11);
        for (const [m, n, kk] of SIZES) {
          const a = random(rng, m * kk, Type);
          const b = random(rng, n * kk, Type);
          const bias = random(rng, n, Type, 0.2);
          const c = new Type(m * n).fill(99);
          k.matMulABt(a, b, c, m, n, kk);
          expectClose(c, refABt(a, b, m, n, kk), Type, `ABt ${m}x${n}x${kk}`);
          k.matMulABt(a, b, c, m, n, kk, bias);
          expectClose(c, refABt(a, b, m, n, kk, bias), Type, `ABt+bias ${m}x${n}x${kk}`);
        }
      });

      it('matMulAB: C = A·B, overwriting C', () => {
        const rng = new Rng(12);
        for (const [m, n, kk] of SIZES) {
          const a = random(rng, m * kk, Type);
          const b = random(rng, kk * n, Type);
          const c = new Type(m * n).fill(-5);
          k.matMulAB(a, b, c, m, n, kk);
          expectClose(c, refAB(a, b, m, n, kk), Type, `AB ${m}x${n}x${kk}`);
        }
      });

      it('matMulAtB: C = Aᵀ·B, or C += Aᵀ·B with accumulate', () => {
        const rng = new Rng(13);
        for (const [m, n, kk] of SIZES) {
          const a = random(rng, kk * m, Type);
          const b = random(rng, kk * n, Type);
          const expected = refAtB(a, b, m, n, kk);
          const c = new Type(m * n).fill(7);
          k.matMulAtB(a, b, c, m, n, kk, false);
          expectClose(c, expected, Type, `AtB ${m}x${n}x${kk}`);
          const start = random(rng, m * n, Type, 0);
          const acc = Type.from(start);
          k.matMulAtB(a, b, acc, m, n, kk, true);
          expectClose(
            acc,
            expected.map((v, i) => v + start[i]!),
            Type,
            `AtB+= ${m}x${n}x${kk}`,
          );
        }
      });

      it('sumRows: out = Σ rows, or out += Σ rows with accumulate', () => {
        const rng = new Rng(14);
        for (const [m, n] of SIZES) {
          const a = random(rng, m * n, Type);
          const out = new Type(n).fill(3);
          k.sumRows(a, out, m, n, false);
          expectClose(out, refSumRows(a, m, n), Type, `sumRows ${m}x${n}`);
          k.sumRows(a, out, m, n, true);
          expectClose(
            out,
            refSumRows(a, m, n).map((v) => 2 * v),
            Type,
            `sumRows+= ${m}x${n}`,
          );
        }
      });
    });
  }

  it('gives exact small-integer results (hand-computed 2×3 · 3×2)', () => {
    const a = Float64Array.from([1, 2, 0, 0, -1, 3]); // [[1, 2, 0], [0, −1, 3]]
    const b = Float64Array.from([4, 0, 1, -2, 5, 1]); // Bᵀ rows: [4, 0, 1], [−2, 5, 1]
    const c = new Float64Array(4);
    k.matMulABt(a, b, c, 2, 2, 3);
    expect(Array.from(c)).toEqual([4, 8, 3, -2]);
    k.matMulABt(a, b, c, 2, 2, 3, Float64Array.from([10, 20]));
    expect(Array.from(c)).toEqual([14, 28, 13, 18]);
    const bk = Float64Array.from([4, -2, 0, 5, 1, 1]); // 3×2: [[4, −2], [0, 5], [1, 1]]
    k.matMulAB(a, bk, c, 2, 2, 3);
    expect(Array.from(c)).toEqual([4, 8, 3, -2]);
    // Aᵀ·A for A = [[1, 2, 0], [0, −1, 3]] (k = 2 rows, m = n = 3)
    const ata = new Float64Array(9);
    k.matMulAtB(a, a, ata, 3, 3, 2, false);
    expect(Array.from(ata)).toEqual([1, 2, 0, 2, 5, -3, 0, -3, 9]);
    const sums = new Float64Array(3);
    k.sumRows(a, sums, 2, 3, false);
    expect(Array.from(sums)).toEqual([1, 1, 3]);
  });

  it('handles all-zero operands (every product skipped)', () => {
    const m = 3;
    const n = 5;
    const kk = 6;
    const zeros = new Float64Array(m * kk);
    const b = Float64Array.from({ length: n * kk }, (_, i) => i + 1);
    const bias = Float64Array.from([1, 2, 3, 4, 5]);
    const c = new Float64Array(m * n).fill(9);
    k.matMulABt(zeros, b, c, m, n, kk, bias);
    expect(Array.from(c)).toEqual([1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 1, 2, 3, 4, 5]);
    k.matMulAB(zeros, new Float64Array(kk * n).fill(2), c, m, n, kk);
    expect(Array.from(c)).toEqual(new Array(m * n).fill(0));
    const acc = new Float64Array(kk * n).fill(4);
    k.matMulAtB(zeros, new Float64Array(m * n).fill(1), acc, kk, n, m, true);
    expect(Array.from(acc)).toEqual(new Array(kk * n).fill(4));
  });

  it('writes only the m×n block of larger buffers and reads only the used parts', () => {
    const rng = new Rng(15);
    const [m, n, kk] = [3, 6, 5];
    const a = random(rng, m * kk + 4, Float64Array);
    a.fill(1e6, m * kk);
    const b = random(rng, n * kk + 4, Float64Array);
    b.fill(-1e6, n * kk);
    const c = new Float64Array(m * n + 3).fill(123);
    k.matMulABt(a, b, c, m, n, kk);
    expectClose(c, refABt(a, b, m, n, kk), Float64Array, 'ABt');
    expect(Array.from(c.subarray(m * n))).toEqual([123, 123, 123]);
    c.fill(123);
    k.matMulAB(a, b, c, m, n, kk);
    expect(Array.from(c.subarray(m * n))).toEqual([123, 123, 123]);
    c.fill(123);
    k.matMulAtB(a, b, c, m, n, kk, false);
    expect(Array.from(c.subarray(m * n))).toEqual([123, 123, 123]);
    const out = new Float64Array(n + 2).fill(8);
    k.sumRows(a, out, m, n, false);
    expect(Array.from(out.subarray(n))).toEqual([8, 8]);
  });
});
