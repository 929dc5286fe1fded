// The first layer's ∇w = δᵀ·x, its sum of squares and its SGD step in one pass (issue 17): the
// gradient of four weight rows at a time stays in a small scratch that stays in cache, instead of a
// 4·n_out·n_in-byte ∇w written, read back for its norm and read again for the step. The products,
// the sum and the step are matMulAtB's, sumSquares' and sgdStep's, in their order, so the weights
// and the sum come out bit for bit as the three calls give them (dense-step.ts takes this path only
// where the overflow guard would let the step through, so nothing needs undoing).

import { blockMasks, maskedBlock } from './atb-rows';

/**
 * w ← w − η·(g + λ·w) for g = δᵀ·x (δ[k×m], x[k×n], w[m×n]; k ≤ 64, n a multiple of 8) over the
 * blocks of x that blockMasks lists into `list`; `scratch` holds 4·n floats. Writes Σ g² (as
 * sumSquares adds it up over the whole g) to out[0] and max |w| after the step (as sgdStep returns
 * it; NaN when one is NaN) to out[1], both f64. With λ = 0 and η > 0 the blocks where g is zero keep
 * their weights and are only read for the maximum (sgdStep leaves every finite weight there as it is).
 */
export function sgdGradientStep(delta: usize, x: usize, w: usize, m: i32, n: i32, k: i32, list: usize, scratch: usize, eta: f32, lambda: f32, out: usize): void {
  const rowA = <usize>m << 2;
  const rowB = <usize>n << 2;
  const n8 = n >> 3;
  const count = blockMasks(x, n, k, list, 0, m, false);
  const skipIdle = lambda == 0 && eta > 0;
  const ve = f32x4.splat(eta);
  const vl = f32x4.splat(lambda);
  const zero = f32x4.splat(0);
  let mx = f32x4.splat(0), nan = f32x4.splat(0);
  let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
  for (let i = 0; i < m; i += 4) {
    const cols = min(4, m - i);
    const g1 = cols > 1 ? scratch + rowB : scratch;
    const g2 = cols > 2 ? g1 + rowB : g1;
    const g3 = cols > 3 ? g2 + rowB : g2;
    const i1: usize = cols > 1 ? 4 : 0;
    const i2: usize = cols > 2 ? 8 : i1;
    const i3: usize = cols > 3 ? 12 : i2;
    for (let t = 0; t < count; t++) {
      const e = list + (<usize>t << 4);
      maskedBlock(delta + (<usize>i << 2), i1, i2, i3, rowA, x, rowB, <usize>load<i32>(e) << 5, load<u64>(e, 8), scratch, g1, g2, g3, false);
    }
    // Row by row, block by block: the order sumSquares adds ∇w's squares in, and sgdStep's step.
    for (let j = 0; j < cols; j++) {
      const pj = w + <usize>(i + j) * rowB;
      const gj = scratch + <usize>j * rowB;
      let t = 0;
      let next = count > 0 ? load<i32>(list) : n8;
      for (let q = 0; q < n8; q++) {
        const o = <usize>q << 5;
        const p0 = v128.load(pj + o);
        const p1 = v128.load(pj + o, 16);
        let v = zero, u = zero;
        if (q == next) {
          t++;
          next = t < count ? load<i32>(list + (<usize>t << 4)) : n8;
          v = v128.load(gj + o);
          u = v128.load(gj + o, 16);
          const v0 = f64x2.promote_low_f32x4(v);
          const v1 = f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1));
          const u0 = f64x2.promote_low_f32x4(u);
          const u1 = f64x2.promote_low_f32x4(v128.shuffle<f32>(u, u, 2, 3, 0, 1));
          s0 = f64x2.add(s0, f64x2.mul(v0, v0));
          s1 = f64x2.add(s1, f64x2.mul(v1, v1));
          s2 = f64x2.add(s2, f64x2.mul(u0, u0));
          s3 = f64x2.add(s3, f64x2.mul(u1, u1));
        } else if (skipIdle) {
          mx = f32x4.pmax(mx, f32x4.pmax(f32x4.abs(p0), f32x4.abs(p1)));
          nan = v128.or(nan, v128.or(f32x4.ne(p0, p0), f32x4.ne(p1, p1)));
          continue;
        }
        const q0 = f32x4.sub(p0, f32x4.mul(ve, f32x4.add(v, f32x4.mul(vl, p0))));
        const q1 = f32x4.sub(p1, f32x4.mul(ve, f32x4.add(u, f32x4.mul(vl, p1))));
        v128.store(pj + o, q0);
        v128.store(pj + o, q1, 16);
        mx = f32x4.pmax(mx, f32x4.pmax(f32x4.abs(q0), f32x4.abs(q1)));
        nan = v128.or(nan, v128.or(f32x4.ne(q0, q0), f32x4.ne(q1, q1)));
      }
    }
  }
  const sum = f64x2.add(f64x2.add(s0, s2), f64x2.add(s1, s3));
  store<f64>(out, f64x2.extract_lane(sum, 0) + f64x2.extract_lane(sum, 1));
  const top = max(max(f32x4.extract_lane(mx, 0), f32x4.extract_lane(mx, 1)), max(f32x4.extract_lane(mx, 2), f32x4.extract_lane(mx, 3)));
  store<f64>(out, v128.any_true(nan) ? NaN : <f64>top, 8);
}
