// The fused dense step's float64 parts (assembly/dense-step.ts): the batch's cost, with logarithms as
// Math.log takes them, and the momentum step, both computed as the step-by-step path computes them in
// JavaScript's float64.

import { logF64 } from './log';

const EPS: f64 = 1e-12;

/** Σ_x C_x over the batch, in float64 as losses.ts computes it (row by row, each row's sum from 0). */
export function batchCost(loss: i32, a: usize, y: usize, rows: i32, n: i32): f64 {
  let total: f64 = 0;
  for (let r = 0; r < rows; r++) {
    let s: f64 = 0;
    for (let j = 0; j < n; j++) {
      const o = (<usize>(r * n + j)) << 2;
      const ai = <f64>load<f32>(a + o);
      const yi = <f64>load<f32>(y + o);
      if (loss == 1) {
        const d = ai - yi;
        s += d * d;
      } else if (loss == 2) {
        if (yi != 0) s -= yi * logF64(ai < EPS ? EPS : ai);
      } else if (loss == 3) {
        if (yi != 0) s += yi * logF64(yi / (ai < EPS ? EPS : ai));
      } else {
        const c = ai < EPS ? EPS : ai > 1 - EPS ? 1 - EPS : ai;
        s -= yi * logF64(c) + (1 - yi) * logF64(1 - c);
      }
    }
    total += loss == 1 ? 0.5 * s : s;
  }
  return total;
}

/**
 * Momentum over n floats in float64, as optimizers.ts's loop computes it: u ← μu + (g + λp),
 * p ← p − η u (u unrounded), each stored as float32. Returns max |p| after it (NaN when one is NaN).
 */
export function momentumStep(p: usize, g: usize, u: usize, n: i32, mu: f64, eta: f64, lambda: f64): f64 {
  const vmu = f64x2.splat(mu);
  const veta = f64x2.splat(eta);
  const vl = f64x2.splat(lambda);
  let mx = f32x4.splat(0), nan = f32x4.splat(0);
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const o = <usize>i << 2;
    const pv = v128.load(p + o);
    const gv = v128.load(g + o);
    const uv = v128.load(u + o);
    const p0 = f64x2.promote_low_f32x4(pv);
    const p1 = f64x2.promote_low_f32x4(v128.shuffle<f32>(pv, pv, 2, 3, 0, 1));
    const g0 = f64x2.promote_low_f32x4(gv);
    const g1 = f64x2.promote_low_f32x4(v128.shuffle<f32>(gv, gv, 2, 3, 0, 1));
    const u0 = f64x2.promote_low_f32x4(uv);
    const u1 = f64x2.promote_low_f32x4(v128.shuffle<f32>(uv, uv, 2, 3, 0, 1));
    const n0 = f64x2.add(f64x2.mul(vmu, u0), f64x2.add(g0, f64x2.mul(vl, p0)));
    const n1 = f64x2.add(f64x2.mul(vmu, u1), f64x2.add(g1, f64x2.mul(vl, p1)));
    const q0 = f64x2.sub(p0, f64x2.mul(veta, n0));
    const q1 = f64x2.sub(p1, f64x2.mul(veta, n1));
    const un = v128.shuffle<f32>(f32x4.demote_f64x2_zero(n0), f32x4.demote_f64x2_zero(n1), 0, 1, 4, 5);
    const q = v128.shuffle<f32>(f32x4.demote_f64x2_zero(q0), f32x4.demote_f64x2_zero(q1), 0, 1, 4, 5);
    v128.store(u + o, un);
    v128.store(p + o, q);
    mx = f32x4.pmax(mx, f32x4.abs(q));
    nan = v128.or(nan, f32x4.ne(q, q));
  }
  let m = <f64>max(max(f32x4.extract_lane(mx, 0), f32x4.extract_lane(mx, 1)), max(f32x4.extract_lane(mx, 2), f32x4.extract_lane(mx, 3)));
  if (v128.any_true(nan)) m = NaN;
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const pj = <f64>load<f32>(p + o);
    const uj = mu * <f64>load<f32>(u + o) + (<f64>load<f32>(g + o) + lambda * pj);
    store<f32>(u + o, <f32>uj);
    const q = <f32>(pj - eta * uj);
    store<f32>(p + o, q);
    if (q != q) m = NaN;
    else if (m == m) m = max(m, <f64>abs(q));
  }
  return m;
}
