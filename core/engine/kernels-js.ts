import { activations, type FloatArray } from './activations';
import type { Kernels } from './kernels';
import { jsConvKernels, type ConvKernelName } from './kernels-conv-js';
import { losses } from './losses';

/**
 * Share of nonzero inputs below which the zero-skipping loops win. Measured with
 * bench/sparse-crossover.ts (first layer forward + ∇w, 10×784 by 30 and 100 units, MNIST strokes
 * thinned and dilated) on the 2-core EPYC, Node 20: the skipping loops take 0.4–0.8× the dense
 * time up to ~0.6 nonzero, about the same at 0.6–0.75, and 1.1–1.8× on a fully dense input.
 * MNIST itself is ~0.19 nonzero.
 */
const SPARSE_BELOW_JS = 0.6;

/**
 * Plain-TypeScript kernels, the reference every other backend falls back to. Loops are ordered so
 * that the innermost one walks contiguous memory. The sparse variants skip zeros of the input:
 * MNIST inputs are ~80 % zeros, and the skip pays for its branch many times over; dense inputs
 * (sigmoid layers) take the branch-free loops. Element-wise maps are the activations' and losses'
 * own batch functions, so the js backend computes exactly what those modules define.
 */
const plainKernels: Omit<Kernels, ConvKernelName> = {
  name: 'js',
  label: 'TypeScript',
  sparseBelow: SPARSE_BELOW_JS,

  alloc: (length) => new Float32Array(length),

  gatherRows(bytes, table, order, from, count, width, out, at) {
    for (let r = 0; r < count; r++) {
      const src = order[from + r]! * width;
      const dst = at + r * width;
      for (let j = 0; j < width; j++) out[dst + j] = table[bytes[src + j]!]!;
    }
  },

  /** max |a[i]|, NaN when some a[i] is NaN (a NaN compares false both ways, so it is caught apart). */
  maxAbs(a) {
    let max = 0;
    for (let i = 0; i < a.length; i++) {
      const v = Math.abs(a[i]!);
      if (v > max) max = v;
      else if (v !== v) return NaN;
    }
    return max;
  },

  sumSquares(a, start = 0) {
    let s = start;
    for (let i = 0; i < a.length; i++) s += a[i]! * a[i]!;
    return s;
  },

  matMulABt(a, b, c, m, n, k, bias, sparse) {
    if (sparse) return abtSparse(a, b, c, m, n, k, bias);
    for (let i = 0; i < m; i++) {
      const ai = i * k;
      const ci = i * n;
      let j = 0;
      // Four rows of B at a time: each a[p] loaded once feeds four dot products.
      for (; j + 3 < n; j += 4) {
        const b0 = j * k;
        const b1 = b0 + k;
        const b2 = b1 + k;
        const b3 = b2 + k;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let p = 0; p < k; p++) {
          const x = a[ai + p]!;
          s0 += x * b[b0 + p]!;
          s1 += x * b[b1 + p]!;
          s2 += x * b[b2 + p]!;
          s3 += x * b[b3 + p]!;
        }
        storeFour(c, ci + j, bias, j, s0, s1, s2, s3);
      }
      for (; j < n; j++) {
        const bj = j * k;
        let s = 0;
        for (let p = 0; p < k; p++) s += a[ai + p]! * b[bj + p]!;
        c[ci + j] = bias ? s + bias[j]! : s;
      }
    }
  },

  density(a, length) {
    let nonzero = 0;
    for (let i = 0; i < length; i++) if (a[i] !== 0) nonzero++;
    return length > 0 ? nonzero / length : 0;
  },

  matMulAB(a, b, c, m, n, k) {
    c.fill(0, 0, m * n);
    for (let i = 0; i < m; i++) {
      const ai = i * k;
      const ci = i * n;
      for (let p = 0; p < k; p++) {
        const x = a[ai + p]!;
        if (x === 0) continue;
        const bp = p * n;
        for (let j = 0; j < n; j++) c[ci + j] = c[ci + j]! + x * b[bp + j]!;
      }
    }
  },

  matMulAtB(a, b, c, m, n, k, accumulate, sparse) {
    if (!accumulate) c.fill(0, 0, m * n);
    for (let r = 0; r < k; r++) {
      const ar = r * m;
      const br = r * n;
      for (let i = 0; i < m; i++) {
        const x = a[ar + i]!;
        if (x === 0) continue;
        const ci = i * n;
        if (sparse) {
          for (let j = 0; j < n; j++) {
            const y = b[br + j]!;
            if (y !== 0) c[ci + j] = c[ci + j]! + x * y;
          }
        } else {
          for (let j = 0; j < n; j++) c[ci + j] = c[ci + j]! + x * b[br + j]!;
        }
      }
    }
  },

  sumRows(a, out, m, n, accumulate) {
    if (!accumulate) out.fill(0, 0, n);
    for (let i = 0; i < m; i++) {
      const ai = i * n;
      for (let j = 0; j < n; j++) out[j] = out[j]! + a[ai + j]!;
    }
  },

  matMulABtActivate(a, b, bias, z, out, m, n, k, activation, sparse) {
    jsKernels.matMulABt(a, b, z, m, n, k, bias, sparse);
    activations[activation].forward(z, out, m, n);
  },

  activationBackward(activation, z, a, g, rows, cols) {
    activations[activation].backward(z, a, g, rows, cols);
  },

  lossGradient(loss, a, y, g, rows, cols, scale) {
    const C = losses[loss];
    for (let r = 0; r < rows; r++) C.gradient(a, y, g, r * cols, cols);
    const count = rows * cols;
    for (let i = 0; i < count; i++) g[i] = g[i]! * scale;
  },

  outputDelta(a, y, delta, rows, cols, scale, sumY) {
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      let s = 1;
      if (sumY) {
        s = 0;
        for (let c = 0; c < cols; c++) s += y[o + c]!;
      }
      for (let i = o; i < o + cols; i++) delta[i] = (a[i]! * s - y[i]!) * scale;
    }
  },

  sgdStep(p, g, eta, lambda) {
    for (let j = 0; j < p.length; j++) p[j] = p[j]! - eta * (g[j]! + lambda * p[j]!);
    return jsKernels.maxAbs(p);
  },

  adamStep(p, g, m, v, { eta, lambda, beta1, beta2, c1, c2, epsilon }) {
    for (let j = 0; j < p.length; j++) {
      const gj = g[j]! + lambda * p[j]!;
      const mj = beta1 * m[j]! + (1 - beta1) * gj;
      const vj = beta2 * v[j]! + (1 - beta2) * gj * gj;
      m[j] = mj;
      v[j] = vj;
      p[j] = p[j]! - (eta * (mj / c1)) / (Math.sqrt(vj / c2) + epsilon);
    }
    return jsKernels.maxAbs(p);
  },
};

/** c[at…at+3] = s0…s3, plus bias[j…j+3] when given. */
function storeFour(
  c: FloatArray,
  at: number,
  bias: FloatArray | undefined,
  j: number,
  s0: number,
  s1: number,
  s2: number,
  s3: number,
): void {
  if (bias) {
    s0 += bias[j]!;
    s1 += bias[j + 1]!;
    s2 += bias[j + 2]!;
    s3 += bias[j + 3]!;
  }
  c[at] = s0;
  c[at + 1] = s1;
  c[at + 2] = s2;
  c[at + 3] = s3;
}

/** matMulABt skipping the zeros of A. */
function abtSparse(a: FloatArray, b: FloatArray, c: FloatArray, m: number, n: number, k: number, bias?: FloatArray): void {
  for (let i = 0; i < m; i++) {
    const ai = i * k;
    const ci = i * n;
    let j = 0;
    for (; j + 3 < n; j += 4) {
      const b0 = j * k;
      const b1 = b0 + k;
      const b2 = b1 + k;
      const b3 = b2 + k;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let p = 0; p < k; p++) {
        const x = a[ai + p]!;
        if (x === 0) continue;
        s0 += x * b[b0 + p]!;
        s1 += x * b[b1 + p]!;
        s2 += x * b[b2 + p]!;
        s3 += x * b[b3 + p]!;
      }
      storeFour(c, ci + j, bias, j, s0, s1, s2, s3);
    }
    for (; j < n; j++) {
      const bj = j * k;
      let s = 0;
      for (let p = 0; p < k; p++) {
        const x = a[ai + p]!;
        if (x !== 0) s += x * b[bj + p]!;
      }
      c[ci + j] = bias ? s + bias[j]! : s;
    }
  }
}

/** The js kernels: the plain ones, and the convolution and pooling over them (kernels-conv-js.ts). */
export const jsKernels: Kernels = { ...plainKernels, ...jsConvKernels(plainKernels) };

export type { FloatArray };
