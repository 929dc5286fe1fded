// Fathom's matrix kernels in AssemblyScript with 128-bit SIMD (f32x4).
// Every pointer is a byte offset into linear memory of a row-major float32 matrix; the host
// (core/engine/wasm/kernels-wasm.ts) lays the arrays out and passes sizes explicitly.
// Nothing here allocates: `list` is a scratch area of i32s the host reserves.
// Over 300 lines: the dense products and the block-list helpers they share stay in one file.

import { activate4, softmaxRow, ACT_NONE, ACT_SOFTMAX } from './activations';
import { fma, hsum4 } from './simd';
import { clearBlock, matMulAtBRows } from './atb-rows';
export { activate, activateBackward, softmax, softmaxBackward, outputDelta, expArray } from './activations';
export * from './parallel';
export * from './rows';
export * from './dense-step';
export { sgdGradientStep } from './gradient-step';
export { sumSquares, sumSquaresBlocks, maxAbs, sgdStep, adamStep } from './steps';
export * from './conv';

@inline function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/**
 * Writes to `list` the indices q of the 4-float blocks [4q, 4q+4) of k where any of the `rows`
 * rows of A (stride k floats) is nonzero; returns how many. MNIST rows are ~80 % zeros, so a
 * product that walks only these blocks skips most of the input (the "sparse input" path).
 */
function activeBlocks(a: usize, rows: i32, k: i32, list: usize): i32 {
  const k4 = k >> 2;
  let count = 0;
  for (let q = 0; q < k4; q++) {
    let any = v128.load(a + (<usize>q << 4));
    for (let r = 1; r < rows; r++) any = v128.or(any, v128.load(a + ((<usize>r * <usize>k) << 2) + (<usize>q << 4)));
    if (v128.any_true(any)) {
      store<i32>(list + (<usize>count << 2), q);
      count++;
    }
  }
  return count;
}

/** Σ_{p ≥ 4·(k/4)} a[p]·b[p]: the scalar tail of a dot product. */
@inline function dotTail(a: usize, b: usize, k: i32): f32 {
  let s: f32 = 0;
  for (let p = k & ~3; p < k; p++) s += load<f32>(a + (<usize>p << 2)) * load<f32>(b + (<usize>p << 2));
  return s;
}

/** Writes 0…count−1 to `list` and returns count: every block, for the dense paths (no scan). */
function allBlocks(count: i32, list: usize): i32 {
  for (let q = 0; q < count; q++) store<i32>(list + (<usize>q << 2), q);
  return count;
}

/** The scalar tails of the four dot products of row `ar` with rows b0…b3 (k not a multiple of 4). */
@inline function dotTail4(ar: usize, b0: usize, b1: usize, b2: usize, b3: usize, k: i32): v128 {
  let t = f32x4.replace_lane(f32x4.splat(0), 0, dotTail(ar, b0, k));
  t = f32x4.replace_lane(t, 1, dotTail(ar, b1, k));
  t = f32x4.replace_lane(t, 2, dotTail(ar, b2, k));
  return f32x4.replace_lane(t, 3, dotTail(ar, b3, k));
}

/**
 * C[m×n] = A[m×k]·B[n×k]ᵀ (+ bias[n] when bias ≠ 0), two rows of A × four rows of B per step.
 * sparse ≠ 0: walk only the 4-float blocks of k where the two rows of A are not all zero (the
 * first layer over MNIST-like input); else every block, without scanning A.
 * act ≠ 0 (see activations.ts): also out = σ(C), computed from the registers that store C (for
 * softmax, by rows once a row pair is done), which saves the activation's pass over memory.
 */
export function matMulABt(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, bias: usize, list: usize, sparse: i32, act: i32, out: usize): void {
  const rowA = <usize>k << 2;
  const rowC = <usize>n << 2;
  const tail = (k & 3) != 0;
  const elementwise = act != ACT_NONE && act != ACT_SOFTMAX;
  let count = sparse ? 0 : allBlocks(k >> 2, list);
  let i = 0;
  for (; i < m; i += 2) {
    const two = i + 1 < m;
    const a0 = a + <usize>i * rowA;
    const a1 = two ? a0 + rowA : a0;
    if (sparse) count = activeBlocks(a0, two ? 2 : 1, k, list);
    const c0 = c + <usize>i * rowC;
    const c1 = c0 + rowC;
    const o0 = out + <usize>i * rowC;
    const o1 = o0 + rowC;
    let j = 0;
    for (; j + 3 < n; j += 4) {
      const b0 = b + <usize>j * rowA;
      const b1 = b0 + rowA;
      const b2 = b1 + rowA;
      const b3 = b2 + rowA;
      let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s02 = f32x4.splat(0), s03 = f32x4.splat(0);
      let s10 = f32x4.splat(0), s11 = f32x4.splat(0), s12 = f32x4.splat(0), s13 = f32x4.splat(0);
      for (let t = 0; t < count; t++) {
        const o = <usize>load<i32>(list + (<usize>t << 2)) << 4;
        const x0 = v128.load(a0 + o);
        const x1 = v128.load(a1 + o);
        const y0 = v128.load(b0 + o);
        const y1 = v128.load(b1 + o);
        const y2 = v128.load(b2 + o);
        const y3 = v128.load(b3 + o);
        s00 = fma(s00, x0, y0); s01 = fma(s01, x0, y1); s02 = fma(s02, x0, y2); s03 = fma(s03, x0, y3);
        s10 = fma(s10, x1, y0); s11 = fma(s11, x1, y1); s12 = fma(s12, x1, y2); s13 = fma(s13, x1, y3);
      }
      let z0 = hsum4(s00, s01, s02, s03);
      let z1 = hsum4(s10, s11, s12, s13);
      if (tail) {
        z0 = f32x4.add(z0, dotTail4(a0, b0, b1, b2, b3, k));
        z1 = f32x4.add(z1, dotTail4(a1, b0, b1, b2, b3, k));
      }
      if (bias != 0) {
        const bv = v128.load(bias + (<usize>j << 2));
        z0 = f32x4.add(z0, bv);
        z1 = f32x4.add(z1, bv);
      }
      const o = <usize>j << 2;
      v128.store(c0 + o, z0);
      if (elementwise) v128.store(o0 + o, activate4(act, z0));
      if (two) {
        v128.store(c1 + o, z1);
        if (elementwise) v128.store(o1 + o, activate4(act, z1));
      }
    }
    for (; j < n; j++) {
      const bj = b + <usize>j * rowA;
      let s0 = f32x4.splat(0), s1 = f32x4.splat(0);
      for (let t = 0; t < count; t++) {
        const o = <usize>load<i32>(list + (<usize>t << 2)) << 4;
        const y = v128.load(bj + o);
        s0 = fma(s0, v128.load(a0 + o), y);
        s1 = fma(s1, v128.load(a1 + o), y);
      }
      const off = bias != 0 ? load<f32>(bias + (<usize>j << 2)) : <f32>0;
      const o = <usize>j << 2;
      const z0 = hsum(s0) + dotTail(a0, bj, k) + off;
      store<f32>(c0 + o, z0);
      if (elementwise) store<f32>(o0 + o, f32x4.extract_lane(activate4(act, f32x4.splat(z0)), 0));
      if (two) {
        const z1 = hsum(s1) + dotTail(a1, bj, k) + off;
        store<f32>(c1 + o, z1);
        if (elementwise) store<f32>(o1 + o, f32x4.extract_lane(activate4(act, f32x4.splat(z1)), 0));
      }
    }
    if (act == ACT_SOFTMAX) {
      softmaxRow(c0, o0, n);
      if (two) softmaxRow(c1, o1, n);
    }
  }
}

/** C[m×n] = A[m×k]·B[k×n]. Four rows of A × eight columns of B per step. */
export function matMulAB(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32): void {
  const rowA = <usize>k << 2;
  const rowB = <usize>n << 2;
  for (let i = 0; i < m; i += 4) {
    const rows = min(4, m - i);
    const a0 = a + <usize>i * rowA;
    const a1 = rows > 1 ? a0 + rowA : a0;
    const a2 = rows > 2 ? a1 + rowA : a1;
    const a3 = rows > 3 ? a2 + rowA : a2;
    const c0 = c + <usize>i * rowB;
    const c1 = rows > 1 ? c0 + rowB : c0;
    const c2 = rows > 2 ? c1 + rowB : c1;
    const c3 = rows > 3 ? c2 + rowB : c2;
    let j = 0;
    for (; j + 7 < n; j += 8) {
      const bj = b + (<usize>j << 2);
      let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s10 = f32x4.splat(0), s11 = f32x4.splat(0);
      let s20 = f32x4.splat(0), s21 = f32x4.splat(0), s30 = f32x4.splat(0), s31 = f32x4.splat(0);
      for (let p = 0; p < k; p++) {
        const pb = bj + <usize>p * rowB;
        const y0 = v128.load(pb);
        const y1 = v128.load(pb, 16);
        const po = <usize>p << 2;
        const x0 = f32x4.splat(load<f32>(a0 + po));
        const x1 = f32x4.splat(load<f32>(a1 + po));
        const x2 = f32x4.splat(load<f32>(a2 + po));
        const x3 = f32x4.splat(load<f32>(a3 + po));
        s00 = fma(s00, x0, y0); s01 = fma(s01, x0, y1);
        s10 = fma(s10, x1, y0); s11 = fma(s11, x1, y1);
        s20 = fma(s20, x2, y0); s21 = fma(s21, x2, y1);
        s30 = fma(s30, x3, y0); s31 = fma(s31, x3, y1);
      }
      // Rows beyond m alias the last real row, so storing them again writes the same values.
      const o = <usize>j << 2;
      v128.store(c3 + o, s30); v128.store(c3 + o, s31, 16);
      v128.store(c2 + o, s20); v128.store(c2 + o, s21, 16);
      v128.store(c1 + o, s10); v128.store(c1 + o, s11, 16);
      v128.store(c0 + o, s00); v128.store(c0 + o, s01, 16);
    }
    for (; j + 3 < n; j += 4) {
      const bj = b + (<usize>j << 2);
      let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
      for (let p = 0; p < k; p++) {
        const y = v128.load(bj + <usize>p * rowB);
        const po = <usize>p << 2;
        s0 = fma(s0, f32x4.splat(load<f32>(a0 + po)), y);
        s1 = fma(s1, f32x4.splat(load<f32>(a1 + po)), y);
        s2 = fma(s2, f32x4.splat(load<f32>(a2 + po)), y);
        s3 = fma(s3, f32x4.splat(load<f32>(a3 + po)), y);
      }
      const o = <usize>j << 2;
      v128.store(c3 + o, s3); v128.store(c2 + o, s2); v128.store(c1 + o, s1); v128.store(c0 + o, s0);
    }
    for (; j < n; j++) {
      for (let r = 0; r < rows; r++) {
        const ar = a0 + <usize>r * rowA;
        let s: f32 = 0;
        for (let p = 0; p < k; p++) s += load<f32>(ar + (<usize>p << 2)) * load<f32>(b + <usize>p * rowB + (<usize>j << 2));
        store<f32>(c0 + <usize>r * rowB + (<usize>j << 2), s);
      }
    }
  }
}

/**
 * C[m×n] (+)= A[k×m]ᵀ·B[k×n]. With sparse ≠ 0, column blocks of eight where every row of B is
 * zero are skipped (the first layer's ∇w = δᵀ·x over mostly-zero inputs x), and, when k ≤ 64, so
 * are the rows of B that are zero within a block (an MNIST image fills ~40 % of the eight-pixel
 * blocks, a batch of them ~70–85 %: each block sums only its own images' rows). A skipped row adds
 * δ·0 = ±0, which leaves a sum that is not −0 unchanged, so both give the same bits. Four columns
 * of C × eight of B per step.
 */
export function matMulAtB(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, accumulate: bool, list: usize, sparse: i32): i32 {
  let count = -1;
  if (sparse && k <= 64) count = matMulAtBRows(a, b, c, m, n, k, accumulate, list);
  else matMulAtBBlocks(a, b, c, m, n, k, accumulate, list, sparse);
  // The last n mod 8 columns, plainly.
  const rowA = <usize>m << 2;
  const rowB = <usize>n << 2;
  for (let i = 0; i < m; i++) {
    for (let j = (n >> 3) << 3; j < n; j++) {
      let s: f32 = accumulate ? load<f32>(c + <usize>i * rowB + (<usize>j << 2)) : 0;
      for (let r = 0; r < k; r++) s += load<f32>(a + <usize>r * rowA + (<usize>i << 2)) * load<f32>(b + <usize>r * rowB + (<usize>j << 2));
      store<f32>(c + <usize>i * rowB + (<usize>j << 2), s);
    }
  }
  return count;
}

/** matMulAtB's column blocks of eight over every row of B (sparse ≠ 0: blocks where some row is nonzero). */
function matMulAtBBlocks(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, accumulate: bool, list: usize, sparse: i32): void {
  const rowA = <usize>m << 2;
  const rowB = <usize>n << 2;
  const n8 = n >> 3;
  // Active 8-column blocks of B: pairs of active 4-blocks (dense: all of them, unscanned).
  let count = sparse ? 0 : allBlocks(n8, list);
  for (let q = 0; sparse && q < n8; q++) {
    let any = v128.or(v128.load(b + (<usize>q << 5)), v128.load(b + (<usize>q << 5), 16));
    for (let r = 1; r < k; r++) {
      const br = b + <usize>r * rowB + (<usize>q << 5);
      any = v128.or(any, v128.or(v128.load(br), v128.load(br, 16)));
    }
    if (v128.any_true(any)) {
      store<i32>(list + (<usize>count << 2), q);
      count++;
    } else clearBlock(c, m, rowB, q, accumulate);
  }
  for (let i = 0; i < m; i += 4) {
    const cols = min(4, m - i);
    const c0 = c + <usize>i * rowB;
    const c1 = cols > 1 ? c0 + rowB : c0;
    const c2 = cols > 2 ? c1 + rowB : c1;
    const c3 = cols > 3 ? c2 + rowB : c2;
    const ai = a + (<usize>i << 2);
    const i1: usize = cols > 1 ? 4 : 0;
    const i2: usize = cols > 2 ? 8 : i1;
    const i3: usize = cols > 3 ? 12 : i2;
    for (let t = 0; t < count; t++) {
      const o = <usize>load<i32>(list + (<usize>t << 2)) << 5;
      let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s10 = f32x4.splat(0), s11 = f32x4.splat(0);
      let s20 = f32x4.splat(0), s21 = f32x4.splat(0), s30 = f32x4.splat(0), s31 = f32x4.splat(0);
      if (accumulate) {
        s00 = v128.load(c0 + o); s01 = v128.load(c0 + o, 16);
        s10 = v128.load(c1 + o); s11 = v128.load(c1 + o, 16);
        s20 = v128.load(c2 + o); s21 = v128.load(c2 + o, 16);
        s30 = v128.load(c3 + o); s31 = v128.load(c3 + o, 16);
      }
      for (let r = 0; r < k; r++) {
        const br = b + <usize>r * rowB + o;
        const y0 = v128.load(br);
        const y1 = v128.load(br, 16);
        const ar = ai + <usize>r * rowA;
        const x0 = f32x4.splat(load<f32>(ar));
        const x1 = f32x4.splat(load<f32>(ar + i1));
        const x2 = f32x4.splat(load<f32>(ar + i2));
        const x3 = f32x4.splat(load<f32>(ar + i3));
        s00 = fma(s00, x0, y0); s01 = fma(s01, x0, y1);
        s10 = fma(s10, x1, y0); s11 = fma(s11, x1, y1);
        s20 = fma(s20, x2, y0); s21 = fma(s21, x2, y1);
        s30 = fma(s30, x3, y0); s31 = fma(s31, x3, y1);
      }
      // Columns beyond m alias the last real one and hold the same sums: store them first.
      v128.store(c3 + o, s30); v128.store(c3 + o, s31, 16);
      v128.store(c2 + o, s20); v128.store(c2 + o, s21, 16);
      v128.store(c1 + o, s10); v128.store(c1 + o, s11, 16);
      v128.store(c0 + o, s00); v128.store(c0 + o, s01, 16);
    }
  }
}

/**
 * The share of the 4-float blocks of a[0..n) that hold a nonzero (NaN counts): what the sparse
 * products cannot skip, so it decides between them and the dense ones. A short last block counts.
 */
export function density(a: usize, n: i32): f64 {
  let count = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) count += i32(v128.any_true(v128.load(a + (<usize>i << 2))));
  let last = false;
  for (; i < n; i++) last = last || load<u32>(a + (<usize>i << 2)) << 1 != 0;
  if (last) count++;
  const blocks = (n + 3) >> 2;
  return blocks > 0 ? <f64>count / <f64>blocks : 0;
}

/** out[n] (+)= Σ over the m rows of A[m×n]. */
export function sumRows(a: usize, out: usize, m: i32, n: i32, accumulate: bool): void {
  const row = <usize>n << 2;
  let j = 0;
  for (; j + 3 < n; j += 4) {
    const o = <usize>j << 2;
    let s = accumulate ? v128.load(out + o) : f32x4.splat(0);
    for (let i = 0; i < m; i++) s = f32x4.add(s, v128.load(a + <usize>i * row + o));
    v128.store(out + o, s);
  }
  for (; j < n; j++) {
    const o = <usize>j << 2;
    let s: f32 = accumulate ? load<f32>(out + o) : 0;
    for (let i = 0; i < m; i++) s += load<f32>(a + <usize>i * row + o);
    store<f32>(out + o, s);
  }
}
