/**
 * Inverted dropout. In training each value of a^{l−1} is kept with probability 1 − p and then scaled
 * by 1/(1 − p), so a^l = m ⊙ a^{l−1} with m_i ∈ {0, 1/(1 − p)} and the expected activation is the
 * same as at inference, where the layer is the identity. Backward: ∂C/∂a^{l−1} = m ⊙ δ^l. The masks
 * come from the run's seeded Rng, so a run is bit-identical when repeated.
 */
import type { FloatArray } from '../activations';
import type { LayerShape } from '../shapes';
import type { BackwardPass, ForwardPass, LayerContext, LayerOp } from './types';

export class DropoutLayer implements LayerOp {
  private masks = new Map<number, FloatArray>();

  constructor(
    readonly input: LayerShape,
    readonly output: LayerShape,
    readonly rate: number,
    private readonly context: LayerContext,
  ) {}

  /** The mask of the last training pass over `rows` rows (tests check its determinism). */
  mask(rows: number): FloatArray | undefined {
    return this.masks.get(rows);
  }

  forward(_w: FloatArray, _b: FloatArray, { rows, input, z, a, training, rng }: ForwardPass): void {
    const n = rows * this.input.size;
    if (!training || this.rate === 0) {
      z.set(input.subarray(0, n));
      a.set(input.subarray(0, n));
      return;
    }
    let mask = this.masks.get(rows);
    if (!mask) this.masks.set(rows, (mask = this.context.alloc(n)));
    const keep = 1 / (1 - this.rate);
    for (let i = 0; i < n; i++) {
      const m = rng.uniform() < this.rate ? 0 : keep;
      mask[i] = m;
      const v = input[i]! * m;
      z[i] = v;
      a[i] = v;
    }
  }

  backward(_w: FloatArray, _b: FloatArray, { rows, delta, inputDelta, training }: BackwardPass): void {
    if (!inputDelta) return;
    const n = rows * this.input.size;
    const mask = this.masks.get(rows);
    if (!training || this.rate === 0 || !mask) {
      inputDelta.set(delta.subarray(0, n));
      return;
    }
    for (let i = 0; i < n; i++) inputDelta[i] = delta[i]! * mask[i]!;
  }
}
