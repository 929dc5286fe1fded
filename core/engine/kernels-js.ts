import type { FloatArray } from './activations';
import type { Kernels } from './kernels';

/**
 * Plain-TypeScript kernels. Loops are ordered so that the innermost one walks contiguous memory,
 * and zeros in the left operand are skipped: MNIST inputs are ~80 % zeros, and δ of ReLU layers
 * is often zero too, so the skip pays for its branch many times over.
 */
export const jsKernels: Kernels = {
  name: 'js',

  matMulABt(a, b, c, m, n, k, bias) {
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
          if (x === 0) continue;
          s0 += x * b[b0 + p]!;
          s1 += x * b[b1 + p]!;
          s2 += x * b[b2 + p]!;
          s3 += x * b[b3 + p]!;
        }
        if (bias) {
          s0 += bias[j]!;
          s1 += bias[j + 1]!;
          s2 += bias[j + 2]!;
          s3 += bias[j + 3]!;
        }
        c[ci + j] = s0;
        c[ci + j + 1] = s1;
        c[ci + j + 2] = s2;
        c[ci + j + 3] = s3;
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

  matMulAtB(a, b, c, m, n, k, accumulate) {
    if (!accumulate) c.fill(0, 0, m * n);
    for (let r = 0; r < k; r++) {
      const ar = r * m;
      const br = r * n;
      for (let i = 0; i < m; i++) {
        const x = a[ar + i]!;
        if (x === 0) continue;
        const ci = i * n;
        for (let j = 0; j < n; j++) {
          const y = b[br + j]!;
          if (y !== 0) c[ci + j] = c[ci + j]! + x * y;
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
};

export type { FloatArray };
