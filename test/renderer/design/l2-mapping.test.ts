/** Fathom's λ against Nielsen's λ/n convention, shown where λ is entered. */
import { describe, expect, it } from 'vitest';
import { l2Hint, nielsenLambda } from '@renderer/model/design/l2-mapping';

describe('L2 λ and Nielsen’s', () => {
  it('maps Fathom’s λ to Nielsen’s by the training-set size', () => {
    expect(nielsenLambda(1e-4, 50_000)).toBeCloseTo(5, 12);
    expect(l2Hint(1e-4, 50_000)).toBe("Nielsen's λ = 5 (λ × n, n = 50,000 training samples).");
  });

  it('says what his example is here when there is no decay, and nothing without a training set', () => {
    expect(l2Hint(0, 60_000)).toBe("No weight decay. Nielsen's λ = 5 on 50,000 images is λ = 10⁻⁴ here.");
    expect(l2Hint(1e-4, undefined)).toBeNull();
    expect(l2Hint(Number.NaN, 50_000)).toBeNull();
  });
});
