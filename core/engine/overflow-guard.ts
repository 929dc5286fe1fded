import type { FloatArray } from './activations';
import type { Gradients, Network } from './network';
import { createOptimizer, type Optimizer } from './optimizers';
import type { NonFinite } from './reports';
import type { TrainSettings } from './spec';

/** Below this bound on |p| + |Δp| an update cannot overflow float32 (≈ 3.4e38), even after rounding. */
const SAFE_MAGNITUDE = 1e37;

/** What went non-finite in a batch: the loss, or layer l's gradient or (after the update) its weights. */
export type NonFiniteValue = Pick<NonFinite, 'what' | 'layer'>;

/**
 * The optimiser's update of every weight and bias, applied only while everything stays finite.
 * A non-finite loss or gradient skips the update. A finite gradient times a huge η can still
 * overflow; then the update is undone from a copy. The copy costs a pass over every weight per
 * batch, so it is taken only when the optimiser's bound on the step (Optimizer.maxChange) cannot
 * rule the overflow out — in ordinary training it always can. The optimiser's steps return max |p|
 * as they write p, so neither the check after a step nor the bound before the next reads the
 * weights again (the bound is measured afresh only when the network's parameters were set).
 */
export class OverflowGuard {
  /** Every layer's w, then every layer's b; their gradients and L2 coefficients likewise. */
  private readonly params: FloatArray[];
  private readonly grads: FloatArray[];
  private readonly decay: number[];
  /** The parameters before the last update, to undo an update that overflows. */
  private readonly previous: FloatArray[];
  private readonly optimizer: Optimizer;
  /** max |p| of each buffer after the last step, and the network's parameterVersion it belongs to (−1: none yet). */
  private readonly maxima: number[];
  private maximaVersion = -1;

  constructor(
    private readonly net: Network,
    grads: Gradients,
    private readonly settings: TrainSettings,
  ) {
    const layers = Array.from({ length: net.L }, (_, i) => i + 1);
    this.params = [...layers.map((l) => net.w[l]!), ...layers.map((l) => net.b[l]!)];
    this.grads = [...layers.map((l) => grads.nablaW[l]!), ...layers.map((l) => grads.nablaB[l]!)];
    this.decay = [...layers.map(() => settings.l2), ...layers.map(() => 0)];
    this.previous = this.params.map((p) => net.alloc(p.length));
    this.maxima = this.params.map(() => NaN);
    this.optimizer = createOptimizer(
      settings.optimizer,
      settings.momentum,
      this.params.map((p) => p.length),
      (n) => net.alloc(n),
      net.kernels,
    );
  }

  /**
   * One optimiser step at η = `learningRate` from the batch's gradients (whose mean cost is
   * `loss` and whose layer norms are `gradientNorms`); returns what went non-finite instead, with
   * the parameters as they were, or undefined when the update was applied.
   */
  update(loss: number, gradientNorms: readonly number[], learningRate: number): NonFiniteValue | undefined {
    if (!Number.isFinite(loss)) return { what: 'loss' };
    const badLayer = gradientNorms.findIndex((g) => !Number.isFinite(g));
    if (badLayer >= 0) return { what: 'gradient', layer: badLayer + 1 };
    const paramMax = this.paramMax();
    const gBound = maxOf(gradientNorms) + this.settings.l2 * paramMax;
    const mayOverflow = !(paramMax + this.optimizer.maxChange(gBound, learningRate) < SAFE_MAGNITUDE);
    if (mayOverflow) for (let i = 0; i < this.params.length; i++) this.previous[i]!.set(this.params[i]!);
    const version = this.net.parameterVersion;
    this.optimizer.step(this.params, this.grads, this.decay, learningRate, this.maxima);
    const badParam = this.maxima.findIndex((m) => !Number.isFinite(m));
    if (badParam < 0) {
      this.maximaVersion = version;
      return undefined;
    }
    this.maximaVersion = -1;
    if (!mayOverflow) throw new Error("An update bounded as finite overflowed: the optimiser's maxChange is wrong.");
    for (let i = 0; i < this.params.length; i++) this.params[i]!.set(this.previous[i]!);
    return { what: 'weight', layer: (badParam % this.net.L) + 1 };
  }

  /** max |p| over every weight and bias (NaN or ∞ when one is not finite): the last step's, or measured when there is none. */
  private paramMax(): number {
    const fresh = this.maximaVersion === this.net.parameterVersion;
    const k = this.net.kernels;
    let max = 0;
    for (let i = 0; i < this.params.length; i++) {
      const m = fresh ? this.maxima[i]! : k.maxAbs(this.params[i]!);
      if (!(m <= max)) max = m;
      if (Number.isNaN(m)) return NaN;
    }
    return max;
  }
}

function maxOf(values: readonly number[]): number {
  let max = 0;
  for (const v of values) if (v > max) max = v;
  return max;
}
