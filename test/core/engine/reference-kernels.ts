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
