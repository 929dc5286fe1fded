import { describe, it, expect } from 'vitest';
import { initialise, initSchemes } from '../../../core/engine/init';
import { Rng } from '../../../core/engine/rng';
import { INITS } from '../../../core/engine/spec';

function stats(a: Float64Array): { mean: number; std: number } {
  const mean = a.reduce((s, v) => s + v, 0) / a.length;
  const variance = a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length;
  return { mean, std: Math.sqrt(variance) };
}

describe('initialisation schemes', () => {
  it('have the standard deviations of their formulas', () => {
    expect(initSchemes.normal.std(100, 10)).toBe(1);
    expect(initSchemes['scaled-normal'].std(100, 10)).toBeCloseTo(0.1, 15);
    expect(initSchemes.xavier.std(100, 300)).toBeCloseTo(Math.sqrt(2 / 400), 15);
    expect(initSchemes.he.std(50, 10)).toBeCloseTo(0.2, 15);
    expect(Object.keys(initSchemes).sort()).toEqual([...INITS].sort());
  });

  for (const scheme of INITS) {
    it(`${scheme}: draws weights with that standard deviation and the scheme's biases`, () => {
      const nIn = 200;
      const nOut = 100;
      const w = new Float64Array(nIn * nOut);
      const b = new Float64Array(nOut).fill(7);
      initialise(scheme, w, b, nIn, nOut, new Rng(1));
      const expected = initSchemes[scheme].std(nIn, nOut);
      const { mean, std } = stats(w);
      // 20,000 draws: the sample std is within ~0.5 % (1σ) of the true one.
      expect(Math.abs(mean)).toBeLessThan(0.03 * expected);
      expect(std / expected).toBeCloseTo(1, 1);
      expect(Math.abs(std / expected - 1)).toBeLessThan(0.03);
      if (initSchemes[scheme].biasStd === 0) expect(b.every((v) => v === 0)).toBe(true);
      else expect(Math.abs(stats(b).std - 1)).toBeLessThan(0.25);
    });
  }

  it('is reproducible from the seed', () => {
    const a = new Float64Array(30);
    const b = new Float64Array(30);
    initialise('he', a, new Float64Array(3), 10, 3, new Rng(5));
    initialise('he', b, new Float64Array(3), 10, 3, new Rng(5));
    expect(Array.from(a)).toEqual(Array.from(b));
  });
});
