import type { FloatArray } from './activations';
import type { ActivationName, LossName } from './spec';

/**
 * The array operations the engine spends its time in. The engine calls nothing else in its inner
 * loop, so a faster backend (WebAssembly, SIMD) can replace the plain-TypeScript one. Every backend
 * implements all of them, for float32 and float64 operands alike: one that lacks a fast path for
 * some case (an activation, float64 arrays, operands it cannot place) hands it to the js kernels
 * itself, so callers never ask which backend they have. All matrices are row-major; sizes are given
 * explicitly because buffers may be larger than used.
 */
export interface Kernels {
  /** The backend: 'js' or 'wasm'. */
  readonly name: string;
  /** What runs, for people: 'TypeScript', 'wasm SIMD', 'wasm SIMD + FMA' (the relaxed-SIMD build). */
  readonly label: string;
  /** A zeroed float32 array of `length`, placed where this backend reads it without copying (wasm: its memory, while there is room). */
  alloc(length: number): Float32Array;
  /**
   * Input rows scaled as they are read: out[at + r·width + j] = table[bytes[order[from + r]·width + j]]
   * for r < count, j < width (a training set kept as bytes, a 256-entry table of their scaled values).
   */
  gatherRows(
    bytes: Uint8Array,
    table: Float32Array,
    order: Uint32Array,
    from: number,
    count: number,
    width: number,
    out: FloatArray,
    at: number,
  ): void;
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
   * The share of a[0..length) that this backend's sparse products cannot skip (js: nonzero
   * elements; wasm: 4-float blocks holding a nonzero), compared with `sparseBelow` to choose them.
   */
  density(a: FloatArray, length: number): number;
  /** The input density below which this backend's sparse products beat its dense ones (measured). */
  readonly sparseBelow: number;
  /** z = A·Bᵀ + bias and a = σ(z) (`out`) over m×n; fused where the backend has σ (softmax by rows). */
  matMulABtActivate(
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
  ): void;
  /** g ⊙= σ'(z) over rows×cols (softmax: its Jacobian applied to g): turns ∂C/∂a into ∂C/∂z. */
  activationBackward(activation: ActivationName, z: FloatArray, a: FloatArray, g: FloatArray, rows: number, cols: number): void;
  /** g = scale · ∇_a C over rows×cols, for the outputs a against the targets y. */
  lossGradient(loss: LossName, a: FloatArray, y: FloatArray, g: FloatArray, rows: number, cols: number, scale: number): void;
  /**
   * The fused output delta δ = (a·s − y)·scale over rows×cols, where s = Σ_j y_j of the row when
   * `sumY`, else 1: δ^L of the pairs whose σ' cancels against the loss (softmax + cross-entropy or
   * KL divergence with `sumY`, sigmoid + binary cross-entropy without).
   */
  outputDelta(a: FloatArray, y: FloatArray, delta: FloatArray, rows: number, cols: number, scale: number, sumY: boolean): void;
  /** out[n] (+)= Σ_i A[i, ·] over m rows. (∇b = Σ_x δ_x) */
  sumRows(a: FloatArray, out: FloatArray, m: number, n: number, accumulate: boolean): void;
  /** start + Σ a[i]² over the whole array, in float64 (so two buffers make one norm: sumSquares(b, sumSquares(w))). */
  sumSquares(a: FloatArray, start?: number): number;
  /** max |a[i]| over the whole array, NaN when one is NaN (the trainer's overflow bound and check). */
  maxAbs(a: FloatArray): number;
  /**
   * SGD over whole arrays: p ← p − η (g + λp). Returns max |p| after the step (as maxAbs: NaN when
   * one is NaN), read while p is written, so the trainer's overflow check needs no pass of its own.
   */
  sgdStep(p: FloatArray, g: FloatArray, eta: number, lambda: number): number;
  /** One Adam step over whole arrays (see optimizers.ts); returns max |p| after it, as sgdStep does. */
  adamStep(p: FloatArray, g: FloatArray, m: FloatArray, v: FloatArray, h: AdamHyper): number;
  /**
   * A convolution's forward pass over `rows` samples of C × H × W values (see layers/conv.ts):
   * z = w ∗ input + b and a = σ(z), F × OH × OW per sample (CHW). Keeps in `scratch` what
   * convBackward needs (the lowered input).
   */
  convForward(
    conv: ConvShape,
    rows: number,
    input: FloatArray,
    w: FloatArray,
    b: FloatArray,
    z: FloatArray,
    a: FloatArray,
    scratch: ConvScratch,
  ): void;
  /**
   * Its backward pass, after convForward over the same rows: ∂C/∂w and ∂C/∂b (+)= from δ
   * (`delta`, CHW), and when `inputDelta` is given, ∂C/∂a^{l−1} (the full correlation of δ with
   * the flipped kernels) into it.
   */
  convBackward(
    conv: ConvShape,
    rows: number,
    input: FloatArray,
    delta: FloatArray,
    w: FloatArray,
    nablaW: FloatArray,
    nablaB: FloatArray,
    inputDelta: FloatArray | undefined,
    accumulate: boolean,
    scratch: ConvScratch,
  ): void;
  /**
   * Max-pooling (no padding): z = a = each window's max, argmax = the index of that max in the
   * sample's input (NaN wins, so a diverged input is not pooled away).
   */
  maxPool(input: FloatArray, z: FloatArray, a: FloatArray, argmax: Int32Array, rows: number, window: SlidingWindow): void;
  /** inputDelta = 0, then δ of each output is added onto the input that was its window's max. */
  maxPoolBackward(delta: FloatArray, argmax: Int32Array, inputDelta: FloatArray, rows: number, inSize: number, outSize: number): void;
}

/** A convolution as the kernels run it: its window over the input, its number of filters and σ. */
export interface ConvShape extends SlidingWindow {
  filters: number;
  activation: ActivationName;
}

/**
 * What a convolution keeps from forward to backward, made by the layer per batch size: `cols`
 * holds the lowered input (rows · OH·OW · C·k·k floats, in the layout of the backend that lowered
 * it, named by `lowered`); `alloc` makes any other buffer a backend wants (kept in `extra`).
 */
export interface ConvScratch {
  cols: FloatArray;
  alloc(n: number): FloatArray;
  lowered?: string;
  extra: Record<string, FloatArray>;
  /** The js kernels: whether cols was sparse enough for the zero-skipping products. */
  sparse: boolean;
}

/** A size × size window sliding with `stride` over C × H × W inputs to make outHeight × outWidth positions per channel. */
export interface SlidingWindow {
  channels: number;
  height: number;
  width: number;
  outHeight: number;
  outWidth: number;
  size: number;
  stride: number;
  padTop: number;
  padLeft: number;
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
