import { describe, expect, it } from 'vitest';
import { TOY_X, toyCost, toyCostCurve, toyDescent, toyGradient, W_RANGE } from '@renderer/model/design/step-why';

describe('why the step network cannot learn by gradient descent', () => {
  it('the step neuron gets a zero gradient at every weight, so descent never moves it; its cost only jumps', () => {
    for (let w = W_RANGE[0]; w <= W_RANGE[1]; w += 0.25) expect(toyGradient('step', w)).toBe(0);
    const descent = toyDescent('step', -3);
    expect(new Set(descent.ws)).toEqual(new Set([-3]));
    expect(descent.costAfter).toBe(descent.costBefore);
    // The cost is not flat everywhere: it changes in jumps where a sample crosses z = 0, one per sample.
    const levels = new Set(toyCostCurve('step').map(([, c]) => c));
    expect(levels.size).toBeGreaterThan(3);
    expect(levels.size).toBeLessThanOrEqual(TOY_X.length + 1);
  });

  it('the same neuron with sigmoid has a gradient that matches the cost’s slope, and descent lowers the cost', () => {
    for (const w of [-3, -1, 0.5, 2]) {
      const h = 1e-5;
      const slope = (toyCost('sigmoid', w + h) - toyCost('sigmoid', w - h)) / (2 * h);
      expect(toyGradient('sigmoid', w)).toBeCloseTo(slope, 8);
    }
    const descent = toyDescent('sigmoid', -3);
    expect(descent.gradientAtStart).toBeLessThan(0);
    expect(descent.ws.at(-1)!).toBeGreaterThan(0);
    expect(descent.costAfter).toBeLessThan(descent.costBefore / 2);
  });
});
