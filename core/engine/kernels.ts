import type { FloatArray } from './activations';
import type { ActivationName } from './spec';

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
  /**
   * C[m×n] = A[m×k] · B[n×k]ᵀ, plus bias[n] on every row when given. (z = a·wᵀ + b)
   * `sparse`: skip the zeros of A (worth it below `sparseBelow` density); otherwise a plain dense product.
   */
  matMulABt(a: FloatArray, b: FloatArray, c: FloatArray, m: number, n: number, k: number, bias?: FloatArray, sparse?: boolean): void;
  /** C[m×n] = A[m×k] · B[k×n]. (δ^{l−1} before σ' = δ^l · w^l) */
  matMulAB(a: FloatArray, b: FloatArray, c: FloatArray, m: number, n: number, k: number): void;
  /** C[m×n] (+)= A[k×m]ᵀ · B[k×n]. (∇w = δᵀ · a^{l−1}) `sparse`: skip the zeros of B (the layer's input). */
  matMulAtB(a: FloatArray, b: FloatArray, c: FloatArray, m: number, n: number, k: number, accumulate: boolean, sparse?: boolean): void;
  /**
   * Optional: the share of a[0..length) that this backend's sparse products cannot skip (js: nonzero
   * elements; wasm: 4-float blocks holding a nonzero), compared with `sparseBelow` to choose them.
   */
  density?(a: FloatArray, length: number): number;
  /** The input density below which this backend's sparse products beat its dense ones (measured). */
  readonly sparseBelow?: number;
  /**
   * Optional: z = A·Bᵀ + bias and a = σ(z) in one pass (σ applied as z is stored; softmax by rows).
   * False when this backend left both to the caller (float64 arrays, an activation it lacks).
   */
  matMulABtActivate?(
    a: FloatArray,
    b: FloatArray,
    bias: FloatArray,
    z: FloatArray,
    out: FloatArray,
    m: number,
    n: number,
    k: number,
    activation: ActivationName,
    sparse: boolean,
  ): boolean;
  /** Optional: g ⊙= σ'(z) over rows×cols (softmax: its Jacobian applied to g); false when left to the caller. */
  activationBackward?(activation: ActivationName, z: FloatArray, a: FloatArray, g: FloatArray, rows: number, cols: number): boolean;
  /**
   * Optional: δ = (a·s − y)·scale over rows×cols, where s = Σ_j y_j of the row when `sumY`, else 1
   * (quadratic ∇_a C; the simple output deltas of softmax + cross-entropy and sigmoid + BCE).
   * False when left to the caller.
   */
  outputDelta?(a: FloatArray, y: FloatArray, delta: FloatArray, rows: number, cols: number, scale: number, sumY: boolean): boolean;
  /** out[n] (+)= Σ_i A[i, ·] over m rows. (∇b = Σ_x δ_x) */
  sumRows(a: FloatArray, out: FloatArray, m: number, n: number, accumulate: boolean): void;
  /** Optional: Σ a[i]² over the whole array, summed in float64 (the trainer's gradient norms). */
  sumSquares?(a: FloatArray): number;
  /** Optional: max |a[i]| over the whole array, NaN when one is NaN (the trainer's overflow bound and check). */
  maxAbs?(a: FloatArray): number;
  /** Optional: true when every element of `a` is finite. */
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
