/**
 * Keeps the weights of the last finite step. The trainer skips an update whose loss or gradient is
 * not finite, but an update with a finite, huge gradient can still overflow a weight to ±Infinity;
 * the next batch then reports a non-finite loss. So two copies are kept: the weights before the
 * latest step and before the one before it, and the newest finite one is put back.
 * Cost: one copy of the parameters per batch (a memcpy, small next to the batch's products).
 */
import type { FloatArray } from '../engine/activations';
import type { Network } from '../engine/network';

function allFinite(arrays: readonly FloatArray[]): boolean {
  for (const a of arrays) for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) return false;
  return true;
}

export class LastFiniteWeights {
  /** net.w[1..L] then net.b[1..L]. */
  private readonly params: FloatArray[];
  private newer: FloatArray[];
  private older: FloatArray[];
  private saved = 0;

  constructor(private readonly net: Network) {
    this.params = [...net.w.slice(1), ...net.b.slice(1)];
    this.newer = this.params.map((p) => net.alloc(p.length));
    this.older = this.params.map((p) => net.alloc(p.length));
  }

  /** Call before every step. */
  save(): void {
    [this.older, this.newer] = [this.newer, this.older];
    this.params.forEach((p, i) => this.newer[i]!.set(p));
    this.saved++;
  }

  /** Layer l (1…L) of the first weight or bias that is not finite, or undefined when all are. */
  nonFiniteLayer(): number | undefined {
    const L = this.net.L;
    for (let l = 1; l <= L; l++) if (!allFinite([this.net.w[l]!, this.net.b[l]!])) return l;
    return undefined;
  }

  /**
   * Puts back the newest finite copy when the weights hold NaN or ±Infinity.
   * Returns false only when no finite copy exists (the weights were never finite).
   */
  restoreIfNeeded(): boolean {
    if (allFinite(this.params)) return true;
    const copies = this.saved >= 2 ? [this.newer, this.older] : this.saved === 1 ? [this.newer] : [];
    for (const copy of copies) {
      if (!allFinite(copy)) continue;
      this.params.forEach((p, i) => p.set(copy[i]!));
      return true;
    }
    return false;
  }
}
