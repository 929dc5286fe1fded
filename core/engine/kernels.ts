import type { FloatArray } from './activations';

/**
 * The few array operations the engine spends its time in. The engine calls nothing else in its
 * inner loop, so a faster backend (WebAssembly, SIMD) can replace the plain-TypeScript one.
 * All matrices are row-major; sizes are given explicitly because buffers may be larger than used.
 */
export interface Kernels {
  readonly name: string;
  /** C[m×n] = A[m×k] · B[n×k]ᵀ, plus bias[n] on every row when given. (z = a·wᵀ + b) */
  matMulABt(a: FloatArray, b: FloatArray, c: FloatArray, m: number, n: number, k: number, bias?: FloatArray): void;
  /** C[m×n] = A[m×k] · B[k×n]. (δ^{l−1} before σ' = δ^l · w^l) */
  matMulAB(a: FloatArray, b: FloatArray, c: FloatArray, m: number, n: number, k: number): void;
  /** C[m×n] (+)= A[k×m]ᵀ · B[k×n]. (∇w = δᵀ · a^{l−1}) */
  matMulAtB(a: FloatArray, b: FloatArray, c: FloatArray, m: number, n: number, k: number, accumulate: boolean): void;
  /** out[n] (+)= Σ_i A[i, ·] over m rows. (∇b = Σ_x δ_x) */
  sumRows(a: FloatArray, out: FloatArray, m: number, n: number, accumulate: boolean): void;
}
