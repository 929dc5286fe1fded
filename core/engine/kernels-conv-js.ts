/**
 * The js kernels' convolution and max-pooling. A convolution is lowered position-major over the
 * whole batch (im2col: one row of C·k·k window values per output position and sample) onto the
 * js products: zᵀ = cols·wᵀ + b, ∂C/∂w = δᵀ·cols, ∂C/∂cols = δ·w, then col2im; z, a and δ are
 * reordered between that position-major form and CHW. The wasm kernels lower per sample,
 * channel-major (assembly/conv.ts): the same sums in another order, equal to float32 rounding.
 * Max-pooling runs the same loops as assembly/conv.ts, so it is identical on both backends.
 */
import type { FloatArray } from './activations';
import type { ConvScratch, ConvShape, Kernels, SlidingWindow } from './kernels';

export type ConvKernelName = 'convForward' | 'convBackward' | 'maxPool' | 'maxPoolBackward';
/** The products the js convolution runs on (the js kernels' own). */
type Products = Pick<Kernels, 'density' | 'sparseBelow' | 'matMulABtActivate' | 'sumRows' | 'matMulAtB' | 'matMulAB'>;

/** cols[(r·P + p)·CKK + q] = the input value under weight q = (c, i, j) of the window at output position p of sample r; 0 in the padding. */
function im2col(
  input: FloatArray,
  cols: FloatArray,
  rows: number,
  { channels: C, height: H, width: W, outHeight: OH, outWidth: OW, size: k, stride: s, padTop, padLeft }: SlidingWindow,
): void {
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
}

/** The reverse of im2col: inputDelta = 0, then every window value's gradient is added onto the input position it came from. */
function col2im(
  cols: FloatArray,
  inputDelta: FloatArray,
  rows: number,
  { channels: C, height: H, width: W, outHeight: OH, outWidth: OW, size: k, stride: s, padTop, padLeft }: SlidingWindow,
): void {
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
}

/** For each of `count` consecutive blocks: dst (cols × rows) = src (rows × cols)ᵀ. */
function transposeEach(src: FloatArray, dst: FloatArray, count: number, rows: number, cols: number): void {
  const size = rows * cols;
  for (let b = 0; b < count; b++) {
    const from = b * size;
    for (let r = 0; r < rows; r++) {
      const line = from + r * cols;
      for (let c = 0; c < cols; c++) dst[from + c * rows + r] = src[line + c]!;
    }
  }
}

/** The scratch buffer `name` of n floats, made on first use. */
function extra(scratch: ConvScratch, name: string, n: number): FloatArray {
  let x = scratch.extra[name];
  if (!x || x.length < n) scratch.extra[name] = x = scratch.alloc(n);
  return x;
}

export const jsConvKernels = (k: Products): Pick<Kernels, ConvKernelName> => ({
  convForward(conv: ConvShape, rows, input, w, b, z, a, scratch) {
    const F = conv.filters;
    const P = conv.outHeight * conv.outWidth;
    const fanIn = conv.channels * conv.size * conv.size;
    const n = rows * P;
    const zT = extra(scratch, 'zT', n * F);
    const aT = extra(scratch, 'aT', n * F);
    im2col(input, scratch.cols, rows, conv);
    scratch.lowered = 'js';
    scratch.sparse = k.density(scratch.cols, n * fanIn) < k.sparseBelow;
    k.matMulABtActivate(scratch.cols, w, b, zT, aT, n, F, fanIn, conv.activation, scratch.sparse);
    // position-major (P × F per sample) → channel-major CHW (F × P)
    transposeEach(zT, z, rows, P, F);
    transposeEach(aT, a, rows, P, F);
  },

  convBackward(conv: ConvShape, rows, input, delta, w, nablaW, nablaB, inputDelta, accumulate, scratch) {
    const F = conv.filters;
    const P = conv.outHeight * conv.outWidth;
    const fanIn = conv.channels * conv.size * conv.size;
    const n = rows * P;
    if (scratch.lowered !== 'js') {
      // Lowered by another backend's forward (its layout differs): lower again, as forward would.
      im2col(input, scratch.cols, rows, conv);
      scratch.lowered = 'js';
      scratch.sparse = k.density(scratch.cols, n * fanIn) < k.sparseBelow;
    }
    const dT = extra(scratch, 'zT', n * F);
    transposeEach(delta, dT, rows, F, P);
    k.sumRows(dT, nablaB, n, F, accumulate); // ∂C/∂b_f = Σ over positions and samples of δ_f
    k.matMulAtB(dT, scratch.cols, nablaW, F, fanIn, n, accumulate, scratch.sparse); // ∂C/∂w = δᵀ · cols
    if (!inputDelta) return;
    k.matMulAB(dT, w, scratch.cols, n, fanIn, F); // ∂C/∂cols = δ · w (cols is not needed any more)
    scratch.lowered = undefined;
    col2im(scratch.cols, inputDelta, rows, conv);
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
});
