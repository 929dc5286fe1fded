/**
 * The js kernels' convolution and pooling data movement (im2col, col2im, the reordering around
 * the products, max-pooling). assembly/conv.ts runs the same loops in the same order over wasm
 * memory, so the two backends give identical results here.
 */
import type { Kernels } from './kernels';

type ConvKernels = Pick<Kernels, 'im2col' | 'col2im' | 'transposeEach' | 'maxPool' | 'maxPoolBackward'>;

export const jsConvKernels: ConvKernels = {
  im2col(input, cols, rows, { channels: C, height: H, width: W, outHeight: OH, outWidth: OW, size: k, stride: s, padTop, padLeft }) {
    const inSize = C * H * W;
    let o = 0;
    for (let r = 0; r < rows; r++) {
      const base = r * inSize;
      for (let oy = 0; oy < OH; oy++) {
        const y0 = oy * s - padTop;
        for (let ox = 0; ox < OW; ox++) {
          const x0 = ox * s - padLeft;
          for (let c = 0; c < C; c++) {
            const plane = base + c * H * W;
            for (let i = 0; i < k; i++) {
              const y = y0 + i;
              if (y < 0 || y >= H) {
                for (let j = 0; j < k; j++) cols[o++] = 0;
                continue;
              }
              const row = plane + y * W;
              for (let j = 0; j < k; j++) {
                const x = x0 + j;
                cols[o++] = x >= 0 && x < W ? input[row + x]! : 0;
              }
            }
          }
        }
      }
    }
  },

  col2im(cols, inputDelta, rows, { channels: C, height: H, width: W, outHeight: OH, outWidth: OW, size: k, stride: s, padTop, padLeft }) {
    const inSize = C * H * W;
    inputDelta.fill(0, 0, rows * inSize);
    let o = 0;
    for (let r = 0; r < rows; r++) {
      const base = r * inSize;
      for (let oy = 0; oy < OH; oy++) {
        const y0 = oy * s - padTop;
        for (let ox = 0; ox < OW; ox++) {
          const x0 = ox * s - padLeft;
          for (let c = 0; c < C; c++) {
            const plane = base + c * H * W;
            for (let i = 0; i < k; i++) {
              const y = y0 + i;
              if (y < 0 || y >= H) {
                o += k;
                continue;
              }
              const row = plane + y * W;
              for (let j = 0; j < k; j++, o++) {
                const x = x0 + j;
                if (x >= 0 && x < W) inputDelta[row + x]! += cols[o]!;
              }
            }
          }
        }
      }
    }
  },

  transposeEach(src, dst, count, rows, cols) {
    const size = rows * cols;
    for (let b = 0; b < count; b++) {
      const from = b * size;
      for (let r = 0; r < rows; r++) {
        const line = from + r * cols;
        for (let c = 0; c < cols; c++) dst[from + c * rows + r] = src[line + c]!;
      }
    }
  },

  maxPool(input, z, a, argmax, rows, { channels: C, height: H, width: W, outHeight: OH, outWidth: OW, size, stride: s }) {
    const inSize = C * H * W;
    let o = 0;
    for (let r = 0; r < rows; r++) {
      const base = r * inSize;
      for (let c = 0; c < C; c++) {
        const plane = c * H * W;
        for (let oy = 0; oy < OH; oy++) {
          for (let ox = 0; ox < OW; ox++) {
            let best = plane + oy * s * W + ox * s;
            let max = input[base + best]!;
            for (let dy = 0; dy < size; dy++) {
              const row = plane + (oy * s + dy) * W + ox * s;
              for (let dx = 0; dx < size; dx++) {
                const v = input[base + row + dx]!;
                if (v > max || v !== v) {
                  max = v;
                  best = row + dx;
                }
              }
            }
            z[o] = max;
            a[o] = max;
            argmax[o] = best;
            o++;
          }
        }
      }
    }
  },

  maxPoolBackward(delta, argmax, inputDelta, rows, inSize, outSize) {
    inputDelta.fill(0, 0, rows * inSize);
    for (let r = 0; r < rows; r++) {
      const base = r * inSize;
      const o0 = r * outSize;
      for (let o = 0; o < outSize; o++) inputDelta[base + argmax[o0 + o]!]! += delta[o0 + o]!;
    }
  },
};
