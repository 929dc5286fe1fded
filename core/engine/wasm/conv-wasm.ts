/**
 * The wasm kernels' convolution and max-pooling (assembly/conv.ts): one call per pass over buffers
 * in the instance's memory (a network's own, made by alloc). A convolution whose activation the
 * kernels lack element-wise (softmax over the filters, step), or whose buffers live elsewhere,
 * runs on the js kernels instead — and should its backward find an operand elsewhere after a wasm
 * forward, the js kernels lower the input again their way (kernels-conv-js.ts).
 */
import type { FloatArray } from '../activations';
import { jsKernels } from '../kernels-js';
import type { ConvKernelName } from '../kernels-conv-js';
import type { Kernels } from '../kernels';
import type { KernelExports } from './kernel-exports';
import { ACTIVATION_CODE } from './kernels-wasm';

export function wasmConvKernels(w: KernelExports, buffer: ArrayBuffer, listStart: number, maxList: number): Pick<Kernels, ConvKernelName> {
  const mine = (x: FloatArray | Int32Array, n: number): boolean => x.buffer === buffer && x.length >= n;
  const f32 = (a: FloatArray, b: FloatArray, c: FloatArray, d?: FloatArray): boolean =>
    a instanceof Float32Array && b instanceof Float32Array && c instanceof Float32Array && (d === undefined || d instanceof Float32Array);
  return {
    convForward(conv, rows, input, wt, b, z, a, scratch) {
      const act = ACTIVATION_CODE[conv.activation];
      const P = conv.outHeight * conv.outWidth;
      const n = rows * conv.filters * P;
      const fanIn = conv.channels * conv.size * conv.size;
      const ok =
        act !== undefined &&
        act !== ACTIVATION_CODE.softmax &&
        mine(input, rows * conv.channels * conv.height * conv.width) &&
        mine(scratch.cols, rows * P * fanIn) &&
        mine(wt, conv.filters * fanIn) &&
        mine(b, conv.filters) &&
        mine(z, n) &&
        mine(a, n) &&
        f32(input, scratch.cols, wt, b) &&
        f32(z, a, z);
      if (!ok) return jsKernels.convForward(conv, rows, input, wt, b, z, a, scratch);
      const { channels: C, height: H, width: W, outHeight: OH, outWidth: OW, size, stride, padTop, padLeft, filters } = conv;
      w.convForward(
        input.byteOffset,
        scratch.cols.byteOffset,
        wt.byteOffset,
        b.byteOffset,
        z.byteOffset,
        a.byteOffset,
        rows,
        C,
        H,
        W,
        OH,
        OW,
        size,
        stride,
        padTop,
        padLeft,
        filters,
        act,
      );
      scratch.lowered = 'wasm';
    },

    convBackward(conv, rows, input, delta, wt, nablaW, nablaB, inputDelta, accumulate, scratch) {
      const P = conv.outHeight * conv.outWidth;
      const fanIn = conv.channels * conv.size * conv.size;
      const ok =
        scratch.lowered === 'wasm' &&
        P >> 3 <= maxList &&
        mine(delta, rows * conv.filters * P) &&
        mine(wt, conv.filters * fanIn) &&
        mine(nablaW, conv.filters * fanIn) &&
        mine(nablaB, conv.filters) &&
        (inputDelta === undefined || mine(inputDelta, rows * conv.channels * conv.height * conv.width)) &&
        f32(delta, wt, nablaW, nablaB) &&
        f32(inputDelta ?? delta, delta, delta);
      if (!ok) return jsKernels.convBackward(conv, rows, input, delta, wt, nablaW, nablaB, inputDelta, accumulate, scratch);
      const { channels: C, height: H, width: W, outHeight: OH, outWidth: OW, size, stride, padTop, padLeft, filters } = conv;
      const pd = inputDelta ? inputDelta.byteOffset : 0;
      w.convBackward(
        delta.byteOffset,
        scratch.cols.byteOffset,
        wt.byteOffset,
        nablaW.byteOffset,
        nablaB.byteOffset,
        pd,
        rows,
        C,
        H,
        W,
        OH,
        OW,
        size,
        stride,
        padTop,
        padLeft,
        filters,
        accumulate ? 1 : 0,
        listStart,
      );
      // wᵀ·δ overwrote the lowered input where ∂C/∂a^{l−1} was asked for.
      if (inputDelta) scratch.lowered = undefined;
    },

    maxPool(input, z, a, argmax, rows, win) {
      const inSize = win.channels * win.height * win.width;
      const outSize = win.channels * win.outHeight * win.outWidth;
      const n = rows * outSize;
      if (!mine(input, rows * inSize) || !mine(z, n) || !mine(a, n) || !mine(argmax, n) || !f32(input, z, a))
        return jsKernels.maxPool(input, z, a, argmax, rows, win);
      w.maxPool(
        input.byteOffset,
        z.byteOffset,
        a.byteOffset,
        argmax.byteOffset,
        rows,
        win.channels,
        win.height,
        win.width,
        win.outHeight,
        win.outWidth,
        win.size,
        win.stride,
      );
    },

    maxPoolBackward(delta, argmax, inputDelta, rows, inSize, outSize) {
      if (
        !mine(delta, rows * outSize) ||
        !mine(argmax, rows * outSize) ||
        !mine(inputDelta, rows * inSize) ||
        !f32(delta, inputDelta, delta)
      )
        return jsKernels.maxPoolBackward(delta, argmax, inputDelta, rows, inSize, outSize);
      w.maxPoolBackward(delta.byteOffset, argmax.byteOffset, inputDelta.byteOffset, rows, inSize, outSize);
    },
  };
}
