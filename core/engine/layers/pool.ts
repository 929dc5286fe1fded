/**
 * Max-pooling over size × size windows of each channel: a^l = z^l = the largest value of a^{l−1}
 * in the window. It has no weights; backward routes δ^l to the one input that was the max (the
 * others did not change the cost), adding where windows overlap.
 */
import type { FloatArray } from '../activations';
import type { LayerShape } from '../shapes';
import type { BackwardPass, ForwardPass, LayerOp } from './types';

export class MaxPoolLayer implements LayerOp {
  /** For every output value (per batch size), the index in the input row of the max. */
  private argmax = new Map<number, Int32Array>();

  constructor(
    readonly input: LayerShape,
    readonly output: LayerShape,
    readonly size: number,
    readonly stride: number,
  ) {}

  forward(_w: FloatArray, _b: FloatArray, { rows, input, z, a }: ForwardPass): void {
    const { channels: C, height: H, width: W } = this.input;
    const { height: OH, width: OW, size: outSize } = this.output;
    const inSize = this.input.size;
    const k = this.size;
    const s = this.stride;
    let arg = this.argmax.get(rows);
    if (!arg) this.argmax.set(rows, (arg = new Int32Array(rows * outSize)));
    let o = 0;
    for (let r = 0; r < rows; r++) {
      const base = r * inSize;
      for (let c = 0; c < C; c++) {
        const plane = base + c * H * W;
        for (let oy = 0; oy < OH; oy++) {
          for (let ox = 0; ox < OW; ox++) {
            let best = plane + oy * s * W + ox * s;
            let max = input[best]!;
            for (let dy = 0; dy < k; dy++) {
              const row = plane + (oy * s + dy) * W + ox * s;
              for (let dx = 0; dx < k; dx++) {
                const v = input[row + dx]!;
                // NaN wins, so a diverged input shows in the output instead of being pooled away.
                if (v > max || v !== v) {
                  max = v;
                  best = row + dx;
                }
              }
            }
            z[o] = max;
            a[o] = max;
            arg[o] = best - base;
            o++;
          }
        }
      }
    }
  }

  backward(_w: FloatArray, _b: FloatArray, { rows, delta, inputDelta }: BackwardPass): void {
    if (!inputDelta) return;
    const inSize = this.input.size;
    const outSize = this.output.size;
    const arg = this.argmax.get(rows)!;
    inputDelta.fill(0, 0, rows * inSize);
    for (let r = 0; r < rows; r++) {
      const base = r * inSize;
      const o0 = r * outSize;
      for (let o = 0; o < outSize; o++) inputDelta[base + arg[o0 + o]!]! += delta[o0 + o]!;
    }
  }
}
