/**
 * Fathom's λ and Nielsen's. Fathom adds (λ/2)·Σw² to the mean cost, so every weight gradient gains
 * λ·w. Nielsen's book adds (λ/2n)·Σw² with n the training-set size, so his gradient gains (λ/n)·w:
 * the same regularisation is his λ = Fathom's λ × n (his λ = 5 on 50,000 images is 1e-4 here).
 */
import { count, significant } from '../format';

/** Nielsen's λ for Fathom's λ on n training samples. */
export function nielsenLambda(l2: number, trainingSize: number): number {
  return l2 * trainingSize;
}

/** The hint under the L2 field: the mapping for this design's training set. */
export function l2Hint(l2: number, trainingSize: number | undefined): string | null {
  if (trainingSize === undefined || !(trainingSize > 0) || !Number.isFinite(l2) || l2 < 0) return null;
  if (l2 === 0) return `No weight decay. Nielsen's λ = 5 on 50,000 images is λ = ${significant(5 / 50_000, 2)} here.`;
  return `Nielsen's λ = ${significant(nielsenLambda(l2, trainingSize), 3)} (λ × n, n = ${count(trainingSize)} training samples).`;
}
