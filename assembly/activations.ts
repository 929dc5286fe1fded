// Element-wise maps of the engine in f32x4: the activations σ and σ' (forward and backward),
// softmax by rows, and the output deltas of the common loss/activation pairs.
// Activation codes (shared with core/engine/wasm/kernels-wasm.ts):
//   0 none (z only), 1 linear, 2 sigmoid, 3 tanh, 4 relu, 5 leaky-relu, 6 softmax.

export const ACT_NONE = 0;
export const ACT_LINEAR = 1;
export const ACT_SIGMOID = 2;
export const ACT_TANH = 3;
export const ACT_RELU = 4;
export const ACT_LEAKY = 5;
export const ACT_SOFTMAX = 6;

const LEAK: f32 = 0.01;

/**
 * eˣ lane by lane (Cephes expf): x = n·ln2 + r with |r| ≤ ln2/2, eʳ by a degree-7 polynomial,
 * then 2ⁿ applied as two factors 2^⌊n/2⌋·2^⌈n/2⌉ so that overflow gives +∞ and underflow
 * goes through the subnormals to 0 just as Math.fround(Math.exp(x)) does. NaN stays NaN.
 */
// @ts-ignore: decorator
@inline export function exp4(x: v128): v128 {
  // Below −104 the result is 0 and above 89 it is ∞ either way; clamping keeps n in i32 range.
  x = f32x4.min(f32x4.max(x, f32x4.splat(-104)), f32x4.splat(89));
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.44269504088896341)));
  // Cody–Waite: ln2 split into a part exact in float32 and the rest.
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  p = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), f32x4.splat(1));
  const ni = i32x4.trunc_sat_f32x4_s(n);
  const half = i32x4.shr_s(ni, 1);
  const s1 = i32x4.shl(i32x4.add(half, i32x4.splat(127)), 23);
  const s2 = i32x4.shl(i32x4.add(i32x4.sub(ni, half), i32x4.splat(127)), 23);
  return f32x4.mul(f32x4.mul(p, s1), s2);
}

/** σ(z) = 1 / (1 + e^−z): saturates to exactly 0 and 1 like the float64 formula rounded to float32. */
// @ts-ignore: decorator
@inline function sigmoid4(z: v128): v128 {
  const one = f32x4.splat(1);
  return f32x4.div(one, f32x4.add(one, exp4(f32x4.neg(z))));
}

/**
 * tanh z: for |z| ≥ 0.625, sign(z)·(1 − 2/(e^{2|z|} + 1)); below, Cephes's odd polynomial, since
 * the exponential form loses the relative precision of small z to cancellation.
 */
// @ts-ignore: decorator
@inline function tanh4(z: v128): v128 {
  const az = f32x4.abs(z);
  const e = exp4(f32x4.add(az, az));
  const big = f32x4.sub(f32x4.splat(1), f32x4.div(f32x4.splat(2), f32x4.add(e, f32x4.splat(1))));
  const signed = v128.or(big, v128.and(z, i32x4.splat(0x80000000)));
  const z2 = f32x4.mul(z, z);
  let p = f32x4.splat(-5.70498872745e-3);
  p = f32x4.add(f32x4.mul(p, z2), f32x4.splat(2.06390887954e-2));
  p = f32x4.add(f32x4.mul(p, z2), f32x4.splat(-5.37397155531e-2));
  p = f32x4.add(f32x4.mul(p, z2), f32x4.splat(1.33314422036e-1));
  p = f32x4.add(f32x4.mul(p, z2), f32x4.splat(-3.33332819422e-1));
  const small = f32x4.add(z, f32x4.mul(f32x4.mul(p, z2), z));
  return v128.bitselect(small, signed, f32x4.lt(az, f32x4.splat(0.625)));
}

/** σ(z) for the element-wise codes (softmax and none: z itself; softmax is finished by softmaxRow). */
// @ts-ignore: decorator
@inline export function activate4(act: i32, z: v128): v128 {
  if (act == ACT_SIGMOID) return sigmoid4(z);
  if (act == ACT_TANH) return tanh4(z);
  // relu: z > 0 ? z : 0 (NaN gives 0, as in the js map).
  if (act == ACT_RELU) return v128.and(z, f32x4.gt(z, f32x4.splat(0)));
  if (act == ACT_LEAKY) return v128.bitselect(z, f32x4.mul(z, f32x4.splat(LEAK)), f32x4.gt(z, f32x4.splat(0)));
  return z;
}

/** a = σ(z) over n floats, element-wise codes only. */
export function activate(act: i32, z: usize, a: usize, n: i32): void {
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const o = <usize>i << 2;
    v128.store(a + o, activate4(act, v128.load(z + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(a + o, f32x4.extract_lane(activate4(act, f32x4.splat(load<f32>(z + o))), 0));
  }
}

/** g ⊙= σ'(z) lane by lane, written with a = σ(z) where that is cheapest. */
// @ts-ignore: decorator
@inline function derivative4(act: i32, z: v128, a: v128, g: v128): v128 {
  const one = f32x4.splat(1);
  if (act == ACT_SIGMOID) return f32x4.mul(g, f32x4.mul(a, f32x4.sub(one, a)));
  if (act == ACT_TANH) return f32x4.mul(g, f32x4.sub(one, f32x4.mul(a, a)));
  if (act == ACT_RELU) return v128.and(g, f32x4.gt(z, f32x4.splat(0)));
  if (act == ACT_LEAKY) return v128.bitselect(g, f32x4.mul(g, f32x4.splat(LEAK)), f32x4.gt(z, f32x4.splat(0)));
  return g;
}

/** g ⊙= σ'(z) in place over n floats, element-wise codes only (linear: nothing to do). */
export function activateBackward(act: i32, z: usize, a: usize, g: usize, n: i32): void {
  if (act == ACT_LINEAR || act == ACT_NONE) return;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const o = <usize>i << 2;
    v128.store(g + o, derivative4(act, v128.load(z + o), v128.load(a + o), v128.load(g + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const d = derivative4(act, f32x4.splat(load<f32>(z + o)), f32x4.splat(load<f32>(a + o)), f32x4.splat(load<f32>(g + o)));
    store<f32>(g + o, f32x4.extract_lane(d, 0));
  }
}

/** One row of softmax, a = e^{z − max z} / Σ e^{z − max z}, over `cols` floats. */
export function softmaxRow(z: usize, a: usize, cols: i32): void {
  let max: f32 = -Infinity;
  for (let c = 0; c < cols; c++) max = Mathf.max(max, load<f32>(z + (<usize>c << 2)));
  const vmax = f32x4.splat(max);
  let vsum = f32x4.splat(0);
  let c = 0;
  for (; c + 3 < cols; c += 4) {
    const o = <usize>c << 2;
    const e = exp4(f32x4.sub(v128.load(z + o), vmax));
    v128.store(a + o, e);
    vsum = f32x4.add(vsum, e);
  }
  let sum: f32 = f32x4.extract_lane(vsum, 0) + f32x4.extract_lane(vsum, 1) + f32x4.extract_lane(vsum, 2) + f32x4.extract_lane(vsum, 3);
  for (; c < cols; c++) {
    const o = <usize>c << 2;
    const e = f32x4.extract_lane(exp4(f32x4.splat(load<f32>(z + o) - max)), 0);
    store<f32>(a + o, e);
    sum += e;
  }
  const inv: f32 = 1 / sum;
  const vinv = f32x4.splat(inv);
  c = 0;
  for (; c + 3 < cols; c += 4) {
    const o = <usize>c << 2;
    v128.store(a + o, f32x4.mul(v128.load(a + o), vinv));
  }
  for (; c < cols; c++) store<f32>(a + (<usize>c << 2), load<f32>(a + (<usize>c << 2)) * inv);
}

/** Softmax of every row of z[rows×cols] into a. */
export function softmax(z: usize, a: usize, rows: i32, cols: i32): void {
  const row = <usize>cols << 2;
  for (let r = 0; r < rows; r++) softmaxRow(z + <usize>r * row, a + <usize>r * row, cols);
}

/** g ← a ⊙ (g − Σ_j a_j g_j) row by row: the softmax Jacobian applied to g. */
export function softmaxBackward(a: usize, g: usize, rows: i32, cols: i32): void {
  const row = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const ar = a + <usize>r * row;
    const gr = g + <usize>r * row;
    let dot: f32 = 0;
    for (let c = 0; c < cols; c++) dot += load<f32>(ar + (<usize>c << 2)) * load<f32>(gr + (<usize>c << 2));
    for (let c = 0; c < cols; c++) {
      const o = <usize>c << 2;
      store<f32>(gr + o, load<f32>(ar + o) * (load<f32>(gr + o) - dot));
    }
  }
}

/**
 * The output delta before σ' for the common pairs, times `scale` (1/n of the mean cost):
 *   withSumY = 0: δ = (a − y)·scale      (quadratic ∇_a C; sigmoid + binary cross-entropy's whole δ^L)
 *   withSumY = 1: δ = (a·Σy − y)·scale   (softmax + cross-entropy/KL, Σy per row)
 */
export function outputDelta(a: usize, y: usize, d: usize, rows: i32, cols: i32, scale: f32, withSumY: i32): void {
  const row = <usize>cols << 2;
  const vs = f32x4.splat(scale);
  for (let r = 0; r < rows; r++) {
    const ar = a + <usize>r * row;
    const yr = y + <usize>r * row;
    const dr = d + <usize>r * row;
    let sumY: f32 = 1;
    if (withSumY) {
      sumY = 0;
      for (let c = 0; c < cols; c++) sumY += load<f32>(yr + (<usize>c << 2));
    }
    const vy = f32x4.splat(sumY);
    let c = 0;
    for (; c + 3 < cols; c += 4) {
      const o = <usize>c << 2;
      v128.store(dr + o, f32x4.mul(f32x4.sub(f32x4.mul(v128.load(ar + o), vy), v128.load(yr + o)), vs));
    }
    for (; c < cols; c++) {
      const o = <usize>c << 2;
      store<f32>(dr + o, (load<f32>(ar + o) * sumY - load<f32>(yr + o)) * scale);
    }
  }
}

/** out = eˣ over n floats (for testing exp4 against Math.exp). */
export function expArray(x: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 3 < n; i += 4) v128.store(out + (<usize>i << 2), exp4(v128.load(x + (<usize>i << 2))));
  for (; i < n; i++) store<f32>(out + (<usize>i << 2), f32x4.extract_lane(exp4(f32x4.splat(load<f32>(x + (<usize>i << 2)))), 0));
}
