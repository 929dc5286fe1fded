/** The functions exported by assembly/kernels.ts; every pointer is a byte offset into the memory. */
export interface KernelExports {
  matMulABt(
    a: number,
    b: number,
    c: number,
    m: number,
    n: number,
    k: number,
    bias: number,
    list: number,
    sparse: number,
    act: number,
    out: number,
  ): void;
  matMulAB(a: number, b: number, c: number, m: number, n: number, k: number): void;
  /** Returns how many eight-column blocks its sparse path (k ≤ 64) listed in `list` (16 bytes each), else −1. */
  matMulAtB(a: number, b: number, c: number, m: number, n: number, k: number, accumulate: number, list: number, sparse: number): number;
  density(a: number, n: number): number;
  activate(act: number, z: number, a: number, n: number): void;
  activateBackward(act: number, z: number, a: number, g: number, n: number): void;
  softmax(z: number, a: number, rows: number, cols: number): void;
  softmaxBackward(a: number, g: number, rows: number, cols: number): void;
  outputDelta(a: number, y: number, d: number, rows: number, cols: number, scale: number, sumY: number): void;
  expArray(x: number, out: number, n: number): void;
  gatherRows(bytes: number, table: number, order: number, from: number, count: number, width: number, out: number): void;
  sumRows(a: number, out: number, m: number, n: number, accumulate: number): void;
  sumSquares(a: number, n: number): number;
  /** sumSquares of an m×n matrix that is zero outside the `count` blocks matMulAtB listed. */
  sumSquaresBlocks(a: number, m: number, n: number, list: number, count: number): number;
  /** The first layer's ∇w = δᵀ·x, its Σ (∇w)² and its SGD step in one pass (assembly/gradient-step.ts); out: f64 [Σ, max |w|]. */
  sgdGradientStep(
    delta: number,
    x: number,
    w: number,
    m: number,
    n: number,
    k: number,
    list: number,
    scratch: number,
    eta: number,
    lambda: number,
    out: number,
  ): void;
  maxAbs(a: number, n: number): number;
  sgdStep(p: number, g: number, n: number, eta: number, lambda: number): number;
  adamStep(
    p: number,
    g: number,
    m: number,
    v: number,
    n: number,
    eta: number,
    lambda: number,
    beta1: number,
    beta2: number,
    c1: number,
    c2: number,
    epsilon: number,
  ): number;
  /** One mini-batch of an all-dense network from the plan at `plan` (assembly/dense-step.ts); returns what went non-finite, 0 for nothing. */
  denseStep(plan: number): number;
  // assembly/conv.ts: a convolution's forward and backward, and max-pooling
  convForward(
    input: number,
    cols: number,
    w: number,
    b: number,
    z: number,
    a: number,
    rows: number,
    C: number,
    H: number,
    W: number,
    OH: number,
    OW: number,
    size: number,
    stride: number,
    padTop: number,
    padLeft: number,
    F: number,
    act: number,
  ): void;
  convBackward(
    delta: number,
    cols: number,
    w: number,
    nablaW: number,
    nablaB: number,
    inputDelta: number,
    rows: number,
    C: number,
    H: number,
    W: number,
    OH: number,
    OW: number,
    size: number,
    stride: number,
    padTop: number,
    padLeft: number,
    F: number,
    accumulate: number,
    list: number,
  ): void;
  maxPool(
    input: number,
    z: number,
    a: number,
    argmax: number,
    rows: number,
    C: number,
    H: number,
    W: number,
    OH: number,
    OW: number,
    size: number,
    stride: number,
  ): void;
  maxPoolBackward(delta: number, argmax: number, inputDelta: number, rows: number, inSize: number, outSize: number): void;
}
