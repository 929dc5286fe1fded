import type { FloatArray } from './activations';

/**
 * The few array operations the engine spends its time in. The engine calls nothing else in its
 * inner loop, so a faster backend (WebAssembly, SIMD) can replace the plain-TypeScript one.
 * All matrices are row-major; sizes are given explicitly because buffers may be larger than used.
 */
export interface Kernels {
  readonly name: string;
  /**
   * Optional: a zeroed float32 array of `length` that this backend reads without copying (a view on
   * WebAssembly memory), or undefined when it has no room. Network allocates its float32 buffers here.
   */
  alloc?(length: number): Float32Array | undefined;
  /** C[m×n] = A[m×k] · B[n×k]ᵀ, plus bias[n] on every row when given. (z = a·wᵀ + b) */
  matMulABt(a: FloatArray, b: FloatArray, c: FloatArray, m: number, n: number, k: number, bias?: FloatArray): void;
  /** C[m×n] = A[m×k] · B[k×n]. (δ^{l−1} before σ' = δ^l · w^l) */
  matMulAB(a: FloatArray, b: FloatArray, c: FloatArray, m: number, n: number, k: number): void;
  /** C[m×n] (+)= A[k×m]ᵀ · B[k×n]. (∇w = δᵀ · a^{l−1}) */
  matMulAtB(a: FloatArray, b: FloatArray, c: FloatArray, m: number, n: number, k: number, accumulate: boolean): void;
  /** out[n] (+)= Σ_i A[i, ·] over m rows. (∇b = Σ_x δ_x) */
  sumRows(a: FloatArray, out: FloatArray, m: number, n: number, accumulate: boolean): void;
  /** Optional: Σ a[i]² over the whole array, summed in float64 (the trainer's gradient norms). */
  sumSquares?(a: FloatArray): number;
  /** Optional: true when every element of `a` is finite (the trainer's check after each update). */
  allFinite?(a: FloatArray): boolean;
  /** Optional: SGD p ← p − η (g + λp) over whole arrays; false when this backend left it to the caller. */
  sgdStep?(p: FloatArray, g: FloatArray, eta: number, lambda: number): boolean;
  /** Optional: one Adam step over whole arrays (see optimizers.ts); false when this backend left it to the caller. */
  adamStep?(p: FloatArray, g: FloatArray, m: FloatArray, v: FloatArray, h: AdamHyper): boolean;
}

/** Adam's step size η, L2 coefficient λ, decay rates, bias corrections c = 1 − βᵗ, and ε. */
export interface AdamHyper {
  eta: number;
  lambda: number;
  beta1: number;
  beta2: number;
  c1: number;
  c2: number;
  epsilon: number;
}
