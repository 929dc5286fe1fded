import type { Kernels } from '../../../core/engine/kernels';
import type { Rng } from '../../../core/engine/rng';
import type { FloatArray } from '../../../core/engine/activations';

// Naive float64 references for the kernels, written straight from the definitions.

export function refABt(a: FloatArray, b: FloatArray, m: number, n: number, k: number, bias?: FloatArray): number[] {
  const c: number[] = [];
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = bias ? bias[j]! : 0;
      for (let p = 0; p < k; p++) s += a[i * k + p]! * b[j * k + p]!;
      c.push(s);
    }
  return c;
}
export function refAB(a: FloatArray, b: FloatArray, m: number, n: number, k: number): number[] {
  const c: number[] = [];
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p]! * b[p * n + j]!;
      c.push(s);
    }
  return c;
}
export function refAtB(a: FloatArray, b: FloatArray, m: number, n: number, k: number): number[] {
  const c: number[] = [];
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let r = 0; r < k; r++) s += a[r * m + i]! * b[r * n + j]!;
      c.push(s);
    }
  return c;
}

/** (m, n, k): tiny and ragged sizes (not multiples of 4 or 8), some with n < 4 so only tail loops run. */
export const RAGGED_SIZES: [number, number, number][] = [
  [1, 1, 1],
  [1, 3, 2],
  [2, 4, 3],
  [3, 5, 7],
  [5, 9, 4],
  [7, 13, 11],
  [4, 8, 16],
  [16, 10, 33],
  [9, 2, 6],
];

/** The backends every kernel suite runs over. */
export const BACKENDS = ['js', 'wasm'] as const;

/** float32 values, about `zeroShare` of them exactly zero; with `blocky`, zeros come in runs of 7 as in images. */
export function randomWithZeros(rng: Rng, n: number, zeroShare: number, blocky: boolean): Float32Array {
  const out = new Float32Array(n);
  let zero = false;
  for (let i = 0; i < n; i++) {
    if (!blocky || i % 7 === 0) zero = rng.uniform() < zeroShare;
    out[i] = zero ? 0 : rng.normal();
  }
  return out;
}

/** A copy of `src` placed where the backend wants it (wasm memory for the wasm backend). */
export function place(k: Kernels, src: Float32Array): Float32Array {
  const out = k.alloc(src.length);
  out.set(src);
  return out;
}
