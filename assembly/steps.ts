// The reductions and optimiser steps over parameter buffers: sums of squares (gradient norms), max |p|
// (the overflow guard's bound), and the SGD and Adam steps that keep max |p| as they write p.

/**
 * Σ a[i]² over n floats, accumulated in float64 (for gradient norms). Eight floats a step on four
 * independent chains, so the adds' latency overlaps (one chain was a tenth of a 784-30-10 batch).
 */
export function sumSquares(a: usize, n: i32): f64 {
  let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
  let i = 0;
  for (; i + 7 < n; i += 8) {
    const p = a + (<usize>i << 2);
    const v = v128.load(p);
    const w = v128.load(p, 16);
    const v0 = f64x2.promote_low_f32x4(v);
    const v1 = f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1));
    const w0 = f64x2.promote_low_f32x4(w);
    const w1 = f64x2.promote_low_f32x4(v128.shuffle<f32>(w, w, 2, 3, 0, 1));
    s0 = f64x2.add(s0, f64x2.mul(v0, v0));
    s1 = f64x2.add(s1, f64x2.mul(v1, v1));
    s2 = f64x2.add(s2, f64x2.mul(w0, w0));
    s3 = f64x2.add(s3, f64x2.mul(w1, w1));
  }
  const t = f64x2.add(f64x2.add(s0, s2), f64x2.add(s1, s3));
  let s = f64x2.extract_lane(t, 0) + f64x2.extract_lane(t, 1);
  for (; i < n; i++) {
    const x = <f64>load<f32>(a + (<usize>i << 2));
    s += x * x;
  }
  return s;
}

/**
 * sumSquares of an m×n matrix (n a multiple of 8) that is zero outside the eight-column blocks
 * matMulAtB listed (16-byte entries, block index first; `count` of them): the same sums in the
 * same order, the zero blocks left out (adding 0 to a sum of squares leaves it as it is).
 */
export function sumSquaresBlocks(a: usize, m: i32, n: i32, list: usize, count: i32): f64 {
  let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
  const row = <usize>n << 2;
  for (let i = 0; i < m; i++) {
    const ai = a + <usize>i * row;
    for (let t = 0; t < count; t++) {
      const p = ai + (<usize>load<i32>(list + (<usize>t << 4)) << 5);
      const v = v128.load(p);
      const w = v128.load(p, 16);
      const v0 = f64x2.promote_low_f32x4(v);
      const v1 = f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1));
      const w0 = f64x2.promote_low_f32x4(w);
      const w1 = f64x2.promote_low_f32x4(v128.shuffle<f32>(w, w, 2, 3, 0, 1));
      s0 = f64x2.add(s0, f64x2.mul(v0, v0));
      s1 = f64x2.add(s1, f64x2.mul(v1, v1));
      s2 = f64x2.add(s2, f64x2.mul(w0, w0));
      s3 = f64x2.add(s3, f64x2.mul(w1, w1));
    }
  }
  const t = f64x2.add(f64x2.add(s0, s2), f64x2.add(s1, s3));
  return f64x2.extract_lane(t, 0) + f64x2.extract_lane(t, 1);
}

/**
 * max |a[i]| over n floats; NaN when one is NaN, ∞ when one is infinite. f32x4.max's NaN rule
 * costs a long instruction sequence on x86, so the loop uses pmax (one maxps) on two independent
 * chains and notes NaNs (x ≠ x) on the side.
 */
export function maxAbs(a: usize, n: i32): f32 {
  let m0 = f32x4.splat(0), m1 = f32x4.splat(0), nan = f32x4.splat(0);
  let i = 0;
  for (; i + 7 < n; i += 8) {
    const p = a + (<usize>i << 2);
    const v0 = v128.load(p);
    const v1 = v128.load(p, 16);
    m0 = f32x4.pmax(m0, f32x4.abs(v0));
    m1 = f32x4.pmax(m1, f32x4.abs(v1));
    nan = v128.or(nan, v128.or(f32x4.ne(v0, v0), f32x4.ne(v1, v1)));
  }
  m0 = f32x4.pmax(m0, m1);
  let m = max(max(f32x4.extract_lane(m0, 0), f32x4.extract_lane(m0, 1)), max(f32x4.extract_lane(m0, 2), f32x4.extract_lane(m0, 3)));
  let sawNaN = v128.any_true(nan);
  for (; i < n; i++) {
    const x = load<f32>(a + (<usize>i << 2));
    if (x != x) sawNaN = true;
    else m = max(m, abs(x));
  }
  return sawNaN ? NaN : m;
}

/** Max over the lanes of the running maxima m, or NaN when `nan` saw one: what maxAbs returns. */
@inline function finishMax(m: v128, nan: v128): f32 {
  const top = max(max(f32x4.extract_lane(m, 0), f32x4.extract_lane(m, 1)), max(f32x4.extract_lane(m, 2), f32x4.extract_lane(m, 3)));
  return v128.any_true(nan) ? NaN : top;
}

/**
 * SGD over n floats: p ← p − η (g + λ p). Returns max |p| after the step (NaN when one is NaN), kept
 * as maxAbs keeps it while p is written: the trainer's overflow check then reads no weight again.
 */
export function sgdStep(p: usize, g: usize, n: i32, eta: f32, lambda: f32): f32 {
  const ve = f32x4.splat(eta);
  const vl = f32x4.splat(lambda);
  let mx = f32x4.splat(0), nan = f32x4.splat(0);
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const o = <usize>i << 2;
    const pv = v128.load(p + o);
    const q = f32x4.sub(pv, f32x4.mul(ve, f32x4.add(v128.load(g + o), f32x4.mul(vl, pv))));
    v128.store(p + o, q);
    mx = f32x4.pmax(mx, f32x4.abs(q));
    nan = v128.or(nan, f32x4.ne(q, q));
  }
  let m = finishMax(mx, nan);
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const pv = load<f32>(p + o);
    const q = pv - eta * (load<f32>(g + o) + lambda * pv);
    store<f32>(p + o, q);
    if (q != q) m = NaN;
    else if (m == m) m = max(m, abs(q));
  }
  return m;
}

/**
 * Adam over n floats, with the bias corrections c1 = 1 − β1ᵗ and c2 = 1 − β2ᵗ given:
 * g' = g + λp; m ← β1 m + (1 − β1) g'; v ← β2 v + (1 − β2) g'²; p ← p − η (m / c1) / (√(v / c2) + ε).
 * Returns max |p| after the step, as sgdStep does.
 */
export function adamStep(p: usize, g: usize, m: usize, v: usize, n: i32, eta: f32, lambda: f32, beta1: f32, beta2: f32, c1: f32, c2: f32, epsilon: f32): f32 {
  const vl = f32x4.splat(lambda);
  const b1 = f32x4.splat(beta1), b1c = f32x4.splat(1 - beta1);
  const b2 = f32x4.splat(beta2), b2c = f32x4.splat(1 - beta2);
  const ve = f32x4.splat(eta), vc1 = f32x4.splat(c1), vc2 = f32x4.splat(c2), veps = f32x4.splat(epsilon);
  let mx = f32x4.splat(0), nan = f32x4.splat(0);
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const o = <usize>i << 2;
    const pv = v128.load(p + o);
    const gv = f32x4.add(v128.load(g + o), f32x4.mul(vl, pv));
    const mv = f32x4.add(f32x4.mul(b1, v128.load(m + o)), f32x4.mul(b1c, gv));
    const vv = f32x4.add(f32x4.mul(b2, v128.load(v + o)), f32x4.mul(f32x4.mul(b2c, gv), gv));
    v128.store(m + o, mv);
    v128.store(v + o, vv);
    const step = f32x4.div(f32x4.mul(ve, f32x4.div(mv, vc1)), f32x4.add(f32x4.sqrt(f32x4.div(vv, vc2)), veps));
    const q = f32x4.sub(pv, step);
    v128.store(p + o, q);
    mx = f32x4.pmax(mx, f32x4.abs(q));
    nan = v128.or(nan, f32x4.ne(q, q));
  }
  let top = finishMax(mx, nan);
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const pv = load<f32>(p + o);
    const gv = load<f32>(g + o) + lambda * pv;
    const mv = beta1 * load<f32>(m + o) + (1 - beta1) * gv;
    const vv = beta2 * load<f32>(v + o) + (1 - beta2) * gv * gv;
    store<f32>(m + o, mv);
    store<f32>(v + o, vv);
    const q = pv - (eta * (mv / c1)) / (sqrt<f32>(vv / c2) + epsilon);
    store<f32>(p + o, q);
    if (q != q) top = NaN;
    else if (top == top) top = max(top, abs(q));
  }
  return top;
}
