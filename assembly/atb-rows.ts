// matMulAtB's sparse path for batches of up to 64 rows: each eight-column block of B (an input x of
// the first layer) sums only the rows where it is nonzero. Also the pieces sgdGradientStep shares.

import { fma } from './simd';

/** Zeroes (or, accumulating, leaves) the eight-column block q of every row of C: a block no row of B touches. */
// @ts-ignore: decorator
@inline export function clearBlock(c: usize, m: i32, rowB: usize, q: i32, accumulate: bool): void {
  if (accumulate) return;
  for (let i = 0; i < m; i++) {
    const ci = c + <usize>i * rowB + (<usize>q << 5);
    v128.store(ci, f32x4.splat(0));
    v128.store(ci, f32x4.splat(0), 16);
  }
}

/**
 * Lists, per eight-column block of B[k×n] (k ≤ 64) where some row is nonzero, the block and the
 * mask of its nonzero rows (16-byte entries: q as i32, then the mask as u64 at byte 8); returns how
 * many. When c ≠ 0 (and not accumulating), zeroes the other blocks of C[m×n].
 */
export function blockMasks(b: usize, n: i32, k: i32, list: usize, c: usize, m: i32, accumulate: bool): i32 {
  const rowB = <usize>n << 2;
  const n8 = n >> 3;
  let count = 0;
  for (let q = 0; q < n8; q++) {
    let mask: u64 = 0;
    for (let r = 0; r < k; r++) {
      const br = b + <usize>r * rowB + (<usize>q << 5);
      if (v128.any_true(v128.or(v128.load(br), v128.load(br, 16)))) mask |= (<u64>1) << (<u64>r);
    }
    if (mask != 0) {
      const e = list + (<usize>count << 4);
      store<i32>(e, q);
      store<u64>(e, mask, 8);
      count++;
    } else if (c != 0) clearBlock(c, m, rowB, q, accumulate);
  }
  return count;
}

/**
 * Columns i…i+3 of C (rows c0…c3; those beyond m alias the last real one) in the block at byte
 * offset o: (+)= Σ over the rows r of `mask` of A[r][i…i+3]ᵀ·B[r][block], rows in order.
 */
// @ts-ignore: decorator
@inline export function maskedBlock(ai: usize, i1: usize, i2: usize, i3: usize, rowA: usize, b: usize, rowB: usize, o: usize, mask: u64, c0: usize, c1: usize, c2: usize, c3: usize, accumulate: bool): void {
  let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s10 = f32x4.splat(0), s11 = f32x4.splat(0);
  let s20 = f32x4.splat(0), s21 = f32x4.splat(0), s30 = f32x4.splat(0), s31 = f32x4.splat(0);
  if (accumulate) {
    s00 = v128.load(c0 + o); s01 = v128.load(c0 + o, 16);
    s10 = v128.load(c1 + o); s11 = v128.load(c1 + o, 16);
    s20 = v128.load(c2 + o); s21 = v128.load(c2 + o, 16);
    s30 = v128.load(c3 + o); s31 = v128.load(c3 + o, 16);
  }
  while (mask != 0) {
    const r = <usize>ctz(mask);
    mask &= mask - 1;
    const br = b + r * rowB + o;
    const y0 = v128.load(br);
    const y1 = v128.load(br, 16);
    const ar = ai + r * rowA;
    const x0 = f32x4.splat(load<f32>(ar));
    const x1 = f32x4.splat(load<f32>(ar + i1));
    const x2 = f32x4.splat(load<f32>(ar + i2));
    const x3 = f32x4.splat(load<f32>(ar + i3));
    s00 = fma(s00, x0, y0); s01 = fma(s01, x0, y1);
    s10 = fma(s10, x1, y0); s11 = fma(s11, x1, y1);
    s20 = fma(s20, x2, y0); s21 = fma(s21, x2, y1);
    s30 = fma(s30, x3, y0); s31 = fma(s31, x3, y1);
  }
  v128.store(c3 + o, s30); v128.store(c3 + o, s31, 16);
  v128.store(c2 + o, s20); v128.store(c2 + o, s21, 16);
  v128.store(c1 + o, s10); v128.store(c1 + o, s11, 16);
  v128.store(c0 + o, s00); v128.store(c0 + o, s01, 16);
}

/**
 * matMulAtB's sparse path for k ≤ 64: each block of blockMasks' list sums over its mask's rows only,
 * in order. Returns how many blocks it listed: the blocks of C it wrote (the others are zero), which
 * sumSquaresBlocks can walk alone.
 */
export function matMulAtBRows(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, accumulate: bool, list: usize): i32 {
  const rowA = <usize>m << 2;
  const rowB = <usize>n << 2;
  const count = blockMasks(b, n, k, list, c, m, accumulate);
  for (let i = 0; i < m; i += 4) {
    const cols = min(4, m - i);
    const c0 = c + <usize>i * rowB;
    const c1 = cols > 1 ? c0 + rowB : c0;
    const c2 = cols > 2 ? c1 + rowB : c1;
    const c3 = cols > 3 ? c2 + rowB : c2;
    const i1: usize = cols > 1 ? 4 : 0;
    const i2: usize = cols > 2 ? 8 : i1;
    const i3: usize = cols > 3 ? 12 : i2;
    for (let t = 0; t < count; t++) {
      const e = list + (<usize>t << 4);
      maskedBlock(a + (<usize>i << 2), i1, i2, i3, rowA, b, rowB, <usize>load<i32>(e) << 5, load<u64>(e, 8), c0, c1, c2, c3, accumulate);
    }
  }
  return count;
}
