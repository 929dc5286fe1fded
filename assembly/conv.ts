// A convolution's forward and backward pass, and max-pooling, each one call over buffers in linear
// memory (core/engine/wasm/kernels-wasm.ts; the maths is in core/engine/layers/conv.ts). Every
// pointer is a byte offset; arrays are float32 except max-pooling's argmax (i32).
//
// The lowering is per sample and channel-major: cols_r is CKK × P (row q = weight (c, i, j), column
// p = output position), so z_r = w · cols_r is F × P — already the CHW order of the feature maps,
// with no reordering — and the three products of a sample work on a few tens of KB that stay in
// cache: z_r = w·cols_r (+ b, σ), ∂C/∂w += δ_r·cols_rᵀ, ∂C/∂cols_r = wᵀ·δ_r (then col2im).

import { matMulAB, matMulAtB } from './kernels';
import { activate4 } from './activations';
import { fma, hsum4 } from './simd';

/** cols[q·P + p] = the input value under weight q = (c, i, j) of the window at output position p; 0 in the padding. */
function im2colSample(input: usize, cols: usize, C: i32, H: i32, W: i32, OH: i32, OW: i32, k: i32, s: i32, padTop: i32, padLeft: i32): void {
  let o = cols;
  for (let c = 0; c < C; c++) {
    const plane = input + (<usize>(c * H * W) << 2);
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        for (let oy = 0; oy < OH; oy++) {
          const y = oy * s - padTop + i;
          if (y < 0 || y >= H) {
            memory.fill(o, 0, <usize>OW << 2);
            o += <usize>OW << 2;
            continue;
          }
          const row = plane + (<usize>(y * W) << 2);
          const x0 = j - padLeft;
          if (s == 1 && x0 >= 0 && x0 + OW <= W) {
            memory.copy(o, row + (<usize>x0 << 2), <usize>OW << 2);
            o += <usize>OW << 2;
            continue;
          }
          for (let ox = 0; ox < OW; ox++) {
            const x = ox * s + x0;
            store<f32>(o, x >= 0 && x < W ? load<f32>(row + (<usize>x << 2)) : 0);
            o += 4;
          }
        }
      }
    }
  }
}

/** The reverse of im2colSample: inputDelta (one sample) = 0, then each value of cols is added onto the input it came from. */
function col2imSample(cols: usize, inputDelta: usize, C: i32, H: i32, W: i32, OH: i32, OW: i32, k: i32, s: i32, padTop: i32, padLeft: i32): void {
  memory.fill(inputDelta, 0, <usize>(C * H * W) << 2);
  let o = cols;
  for (let c = 0; c < C; c++) {
    const plane = inputDelta + (<usize>(c * H * W) << 2);
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        for (let oy = 0; oy < OH; oy++) {
          const y = oy * s - padTop + i;
          if (y < 0 || y >= H) {
            o += <usize>OW << 2;
            continue;
          }
          const row = plane + (<usize>(y * W) << 2);
          const x0 = j - padLeft;
          for (let ox = 0; ox < OW; ox++) {
            const x = ox * s + x0;
            if (x >= 0 && x < W) {
              const at = row + (<usize>x << 2);
              store<f32>(at, load<f32>(at) + load<f32>(o));
            }
            o += 4;
          }
        }
      }
    }
  }
}

/** z[f·P + p] += b[f], and a = σ(z) (element-wise codes), over F rows of P. */
function biasActivate(z: usize, a: usize, b: usize, F: i32, P: i32, act: i32): void {
  for (let f = 0; f < F; f++) {
    const zf = z + (<usize>(f * P) << 2);
    const af = a + (<usize>(f * P) << 2);
    const bf = load<f32>(b + (<usize>f << 2));
    const bv = f32x4.splat(bf);
    let p = 0;
    for (; p + 3 < P; p += 4) {
      const o = <usize>p << 2;
      const v = f32x4.add(v128.load(zf + o), bv);
      v128.store(zf + o, v);
      v128.store(af + o, activate4(act, v));
    }
    for (; p < P; p++) {
      const o = <usize>p << 2;
      const v = load<f32>(zf + o) + bf;
      store<f32>(zf + o, v);
      store<f32>(af + o, f32x4.extract_lane(activate4(act, f32x4.splat(v)), 0));
    }
  }
}

/** Σ_{p ≥ 4·(k/4)} a[p]·b[p]. */
@inline function dotTail(a: usize, b: usize, k: i32): f32 {
  let s: f32 = 0;
  for (let p = k & ~3; p < k; p++) s += load<f32>(a + (<usize>p << 2)) * load<f32>(b + (<usize>p << 2));
  return s;
}

/** C[m×n] += A[m×k]·B[n×k]ᵀ: two rows of A × four rows of B per step (∂C/∂w += δ_r · cols_rᵀ, k = positions). */
function addABt(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32): void {
  const rowA = <usize>k << 2;
  const rowC = <usize>n << 2;
  const k4 = k & ~3;
  for (let i = 0; i < m; i += 2) {
    const two = i + 1 < m;
    const a0 = a + <usize>i * rowA;
    const a1 = two ? a0 + rowA : a0;
    const c0 = c + <usize>i * rowC;
    const c1 = c0 + rowC;
    let j = 0;
    for (; j + 3 < n; j += 4) {
      const b0 = b + <usize>j * rowA;
      const b1 = b0 + rowA;
      const b2 = b1 + rowA;
      const b3 = b2 + rowA;
      let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s02 = f32x4.splat(0), s03 = f32x4.splat(0);
      let s10 = f32x4.splat(0), s11 = f32x4.splat(0), s12 = f32x4.splat(0), s13 = f32x4.splat(0);
      for (let p = 0; p < k4; p += 4) {
        const o = <usize>p << 2;
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
      if (k4 != k) {
        z0 = f32x4.add(z0, tail4(a0, b0, b1, b2, b3, k));
        z1 = f32x4.add(z1, tail4(a1, b0, b1, b2, b3, k));
      }
      const o = <usize>j << 2;
      v128.store(c0 + o, f32x4.add(v128.load(c0 + o), z0));
      if (two) v128.store(c1 + o, f32x4.add(v128.load(c1 + o), z1));
    }
    for (; j < n; j++) {
      const bj = b + <usize>j * rowA;
      let s0 = f32x4.splat(0), s1 = f32x4.splat(0);
      for (let p = 0; p < k4; p += 4) {
        const o = <usize>p << 2;
        const y = v128.load(bj + o);
        s0 = fma(s0, v128.load(a0 + o), y);
        s1 = fma(s1, v128.load(a1 + o), y);
      }
      const o = <usize>j << 2;
      const h0 = hsum4(s0, s1, s0, s1);
      store<f32>(c0 + o, load<f32>(c0 + o) + f32x4.extract_lane(h0, 0) + dotTail(a0, bj, k));
      if (two) store<f32>(c1 + o, load<f32>(c1 + o) + f32x4.extract_lane(h0, 1) + dotTail(a1, bj, k));
    }
  }
}

@inline function tail4(ar: usize, b0: usize, b1: usize, b2: usize, b3: usize, k: i32): v128 {
  let t = f32x4.replace_lane(f32x4.splat(0), 0, dotTail(ar, b0, k));
  t = f32x4.replace_lane(t, 1, dotTail(ar, b1, k));
  t = f32x4.replace_lane(t, 2, dotTail(ar, b2, k));
  return f32x4.replace_lane(t, 3, dotTail(ar, b3, k));
}

/** out[f] += Σ_p a[f·P + p] over F rows (∂C/∂b_f += Σ_p δ_{f,p}). */
function addRowSums(a: usize, out: usize, F: i32, P: i32): void {
  for (let f = 0; f < F; f++) {
    const row = a + (<usize>(f * P) << 2);
    let v = f32x4.splat(0);
    let p = 0;
    for (; p + 3 < P; p += 4) v = f32x4.add(v, v128.load(row + (<usize>p << 2)));
    let s = f32x4.extract_lane(hsum4(v, v, v, v), 0);
    for (; p < P; p++) s += load<f32>(row + (<usize>p << 2));
    const at = out + (<usize>f << 2);
    store<f32>(at, load<f32>(at) + s);
  }
}

/**
 * A convolution's forward pass over `rows` samples: for each, cols_r = its lowering (kept for
 * backward), z_r = w·cols_r + b (F × P, CHW), a_r = σ(z_r). act: an element-wise code of activations.ts.
 */
export function convForward(
  input: usize, cols: usize, w: usize, b: usize, z: usize, a: usize, rows: i32,
  C: i32, H: i32, W: i32, OH: i32, OW: i32, k: i32, s: i32, padTop: i32, padLeft: i32, F: i32, act: i32,
): void {
  const P = OH * OW;
  const CKK = C * k * k;
  for (let r = 0; r < rows; r++) {
    const colsR = cols + (<usize>r * <usize>(CKK * P) << 2);
    const zR = z + (<usize>r * <usize>(F * P) << 2);
    const aR = a + (<usize>r * <usize>(F * P) << 2);
    im2colSample(input + (<usize>r * <usize>(C * H * W) << 2), colsR, C, H, W, OH, OW, k, s, padTop, padLeft);
    matMulAB(w, colsR, zR, F, P, CKK);
    biasActivate(zR, aR, b, F, P, act);
  }
}

/**
 * A convolution's backward pass, after convForward over the same rows: ∂C/∂w (+)= Σ_r δ_r·cols_rᵀ,
 * ∂C/∂b (+)= Σ_{r,p} δ_r, and when inputDelta ≠ 0, ∂C/∂a^{l−1} = col2im(wᵀ·δ_r) (cols_r is overwritten).
 * `list`: the i32 scratch matMulAtB needs (P/8 entries).
 */
export function convBackward(
  delta: usize, cols: usize, w: usize, nablaW: usize, nablaB: usize, inputDelta: usize, rows: i32,
  C: i32, H: i32, W: i32, OH: i32, OW: i32, k: i32, s: i32, padTop: i32, padLeft: i32, F: i32, accumulate: bool, list: usize,
): void {
  const P = OH * OW;
  const CKK = C * k * k;
  if (!accumulate) {
    memory.fill(nablaW, 0, <usize>(F * CKK) << 2);
    memory.fill(nablaB, 0, <usize>F << 2);
  }
  for (let r = 0; r < rows; r++) {
    const colsR = cols + (<usize>r * <usize>(CKK * P) << 2);
    const dR = delta + (<usize>r * <usize>(F * P) << 2);
    addABt(dR, colsR, nablaW, F, CKK, P);
    addRowSums(dR, nablaB, F, P);
    if (inputDelta == 0) continue;
    matMulAtB(w, dR, colsR, CKK, P, F, false, list, 0);
    col2imSample(colsR, inputDelta + (<usize>r * <usize>(C * H * W) << 2), C, H, W, OH, OW, k, s, padTop, padLeft);
  }
}

/**
 * Max-pooling of each channel's size × size windows (stride s, no padding): z = a = the window's
 * max, argmax = its index in the sample's input. NaN wins, so a diverged input shows in the output.
 * The choice of the max is branch-free (which input wins is data: mispredicted branches cost more
 * than the loads), and 2 × 2 windows of stride 2 take four outputs a step in SIMD.
 */
export function maxPool(
  input: usize, z: usize, a: usize, argmax: usize, rows: i32, C: i32, H: i32, W: i32, OH: i32, OW: i32, size: i32, s: i32,
): void {
  const inSize = C * H * W;
  const quad = size == 2 && s == 2;
  const steps = quad ? OW & ~3 : 0;
  let o: usize = 0;
  for (let r = 0; r < rows; r++) {
    const base = input + (<usize>(r * inSize) << 2);
    for (let c = 0; c < C; c++) {
      const plane = c * H * W;
      for (let oy = 0; oy < OH; oy++) {
        let ox = 0;
        for (; ox < steps; ox += 4) {
          const first = plane + oy * 2 * W + ox * 2;
          const top = base + (<usize>first << 2);
          const bottom = top + (<usize>W << 2);
          const t0 = v128.load(top), t1 = v128.load(top, 16);
          const b0 = v128.load(bottom), b1 = v128.load(bottom, 16);
          // the window's four inputs in scan order: (0, 0), (0, 1), (1, 0), (1, 1)
          const i00 = i32x4.add(i32x4.splat(first), i32x4(0, 2, 4, 6));
          let max = v128.shuffle<f32>(t0, t1, 0, 2, 4, 6);
          let best = i00;
          let v = v128.shuffle<f32>(t0, t1, 1, 3, 5, 7);
          let wins = v128.or(f32x4.gt(v, max), f32x4.ne(v, v));
          max = v128.bitselect(v, max, wins);
          best = v128.bitselect(i32x4.add(i00, i32x4.splat(1)), best, wins);
          v = v128.shuffle<f32>(b0, b1, 0, 2, 4, 6);
          wins = v128.or(f32x4.gt(v, max), f32x4.ne(v, v));
          max = v128.bitselect(v, max, wins);
          best = v128.bitselect(i32x4.add(i00, i32x4.splat(W)), best, wins);
          v = v128.shuffle<f32>(b0, b1, 1, 3, 5, 7);
          wins = v128.or(f32x4.gt(v, max), f32x4.ne(v, v));
          max = v128.bitselect(v, max, wins);
          best = v128.bitselect(i32x4.add(i00, i32x4.splat(W + 1)), best, wins);
          v128.store(z + (o << 2), max);
          v128.store(a + (o << 2), max);
          v128.store(argmax + (o << 2), best);
          o += 4;
        }
        for (; ox < OW; ox++) {
          let best = plane + oy * s * W + ox * s;
          let max = load<f32>(base + (<usize>best << 2));
          for (let dy = 0; dy < size; dy++) {
            const row = plane + (oy * s + dy) * W + ox * s;
            for (let dx = 0; dx < size; dx++) {
              const v = load<f32>(base + (<usize>(row + dx) << 2));
              const wins = v > max || v != v;
              max = select<f32>(v, max, wins);
              best = select<i32>(row + dx, best, wins);
            }
          }
          store<f32>(z + (o << 2), max);
          store<f32>(a + (o << 2), max);
          store<i32>(argmax + (o << 2), best);
          o++;
        }
      }
    }
  }
}

/** inputDelta = 0, then each output's δ is added onto the input that was its window's max. */
export function maxPoolBackward(delta: usize, argmax: usize, inputDelta: usize, rows: i32, inSize: i32, outSize: i32): void {
  memory.fill(inputDelta, 0, <usize>(rows * inSize) << 2);
  for (let r = 0; r < rows; r++) {
    const base = inputDelta + (<usize>(r * inSize) << 2);
    const o0 = <usize>(r * outSize) << 2;
    for (let o = 0; o < outSize; o++) {
      const at = base + (<usize>load<i32>(argmax + o0 + (<usize>o << 2)) << 2);
      store<f32>(at, load<f32>(at) + load<f32>(delta + o0 + (<usize>o << 2)));
    }
  }
}
