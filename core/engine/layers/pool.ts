/**
 * Max-pooling over size × size windows of each channel: a^l = z^l = the largest value of a^{l−1}
 * in the window. It has no weights; backward routes δ^l to the one input that was the max (the
 * others did not change the cost), adding where windows overlap. The loops are the kernels'
 * (maxPool, maxPoolBackward: in wasm memory on the wasm backend).
 */
import type { FloatArray } from '../activations';
import type { SlidingWindow } from '../kernels';
import type { LayerShape } from '../shapes';
import type { BackwardPass, ForwardPass, LayerContext, LayerOp } from './types';

export class MaxPoolLayer implements LayerOp {
  /** For every output value (per batch size), the index in the input row of the max. */
  private argmax = new Map<number, Int32Array>();
  private readonly window: SlidingWindow;

  constructor(
    readonly input: LayerShape,
    readonly output: LayerShape,
    readonly size: number,
    readonly stride: number,
    private readonly context: LayerContext,
  ) {
    const { channels, height, width } = input;
    this.window = { channels, height, width, outHeight: output.height, outWidth: output.width, size, stride, padTop: 0, padLeft: 0 };
  }

  forward(_w: FloatArray, _b: FloatArray, { rows, input, z, a }: ForwardPass): void {
    let arg = this.argmax.get(rows);
    if (!arg) this.argmax.set(rows, (arg = this.context.allocIndices(rows * this.output.size)));
    this.context.kernels.maxPool(input, z, a, arg, rows, this.window);
  }

  backward(_w: FloatArray, _b: FloatArray, { rows, delta, inputDelta }: BackwardPass): void {
    if (!inputDelta) return;
    this.context.kernels.maxPoolBackward(delta, this.argmax.get(rows)!, inputDelta, rows, this.input.size, this.output.size);
  }
}
