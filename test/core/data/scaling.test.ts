import { describe, it, expect } from 'vitest';
import { DataError } from '../../../core/data/errors';
import { SCALINGS, applyScaling, fitScaling, scaleSample } from '../../../core/data/scaling';
import type { ScalingParams } from '../../../core/data/scaling';

// Two training samples of two features: [[1, 5], [3, 5]]. Feature 1 is constant.
const train = [1, 5, 3, 5];

function scaled(params: ScalingParams, raw: number[], count: number, width: number): number[] {
  return Array.from(applyScaling(params, raw, count, width));
}

function expectClose(actual: ArrayLike<number>, expected: number[]): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(actual[i]).toBeCloseTo(e, 6));
}

describe('fitScaling statistics', () => {
  it('lists every kind', () => {
    expect(SCALINGS).toEqual(['none', 'min-max', 'min-max-symmetric', 'z-score', 'unit-norm']);
  });

  it('none and unit-norm need no statistics', () => {
    expect(fitScaling('none', train, 2, 2)).toEqual({ kind: 'none' });
    expect(fitScaling('unit-norm', train, 2, 2)).toEqual({ kind: 'unit-norm' });
  });

  it('min-max: global and per feature', () => {
    expect(fitScaling('min-max', train, 2, 2)).toEqual({ kind: 'min-max', per: 'global', min: [1], max: [5] });
    expect(fitScaling('min-max', train, 2, 2, 'feature')).toEqual({ kind: 'min-max', per: 'feature', min: [1, 5], max: [3, 5] });
  });

  it('z-score: population mean and std, global and per feature', () => {
    // Global: mean 3.5, squared deviations 6.25 + 2.25 + 0.25 + 2.25 = 11 over 4 values.
    const global = fitScaling('z-score', train, 2, 2);
    expect(global).toMatchObject({ kind: 'z-score', per: 'global', mean: [3.5] });
    if (global.kind !== 'z-score') throw new Error('unreachable');
    expect(global.std[0]).toBeCloseTo(Math.sqrt(2.75), 12);
    expect(fitScaling('z-score', train, 2, 2, 'feature')).toEqual({ kind: 'z-score', per: 'feature', mean: [2, 5], std: [1, 0] });
  });

  it('only looks at the first count rows (the training rows)', () => {
    const withTest = [...train, 100, -100];
    expect(fitScaling('min-max', withTest, 2, 2)).toEqual(fitScaling('min-max', train, 2, 2));
  });

  it('refuses to fit on nothing or on too few values', () => {
    expect(() => fitScaling('z-score', [], 0, 2)).toThrow(DataError);
    expect(() => fitScaling('min-max', [1, 2, 3], 2, 2)).toThrow(/4 values, found 3/);
  });

  it('params are plain JSON', () => {
    const params = fitScaling('z-score', train, 2, 2, 'feature');
    expect(JSON.parse(JSON.stringify(params))).toEqual(params);
  });
});

describe('applyScaling', () => {
  it('none copies into a new Float32Array', () => {
    const raw = new Uint8Array([0, 128, 255]);
    const out = applyScaling({ kind: 'none' }, raw, 1, 3);
    expect(out).toBeInstanceOf(Float32Array);
    expect(Array.from(out)).toEqual([0, 128, 255]);
  });

  it('min-max maps the training range onto [0, 1]', () => {
    expect(scaled(fitScaling('min-max', train, 2, 2), train, 2, 2)).toEqual([0, 1, 0.5, 1]);
  });

  it('min-max-symmetric maps the training range onto [−1, 1]', () => {
    expect(scaled(fitScaling('min-max-symmetric', train, 2, 2), train, 2, 2)).toEqual([-1, 1, 0, 1]);
  });

  it('min-max of 0..255 gives exactly 0 and 1', () => {
    const raw = new Uint8Array([0, 51, 255]);
    expect(scaled(fitScaling('min-max', raw, 3, 1), [0, 51, 255], 3, 1)).toEqual([0, Math.fround(0.2), 1]);
  });

  it('per-feature min-max treats a zero range as 1', () => {
    expect(scaled(fitScaling('min-max', train, 2, 2, 'feature'), train, 2, 2)).toEqual([0, 0, 1, 0]);
  });

  it('z-score global: (x − 3.5) / √2.75', () => {
    const s = Math.sqrt(2.75);
    expectClose(applyScaling(fitScaling('z-score', train, 2, 2), train, 2, 2), [-2.5 / s, 1.5 / s, -0.5 / s, 1.5 / s]);
  });

  it('z-score per feature treats a zero std as 1', () => {
    expect(scaled(fitScaling('z-score', train, 2, 2, 'feature'), train, 2, 2)).toEqual([-1, 0, 1, 0]);
  });

  it('z-score of a constant input stays finite', () => {
    expect(scaled(fitScaling('z-score', [4, 4, 4], 3, 1), [4, 5], 2, 1)).toEqual([0, 1]);
  });

  it('unit-norm divides each sample by its L2 norm; a zero sample stays zero', () => {
    expectClose(applyScaling({ kind: 'unit-norm' }, [3, 4, 0, 0, 1, 0], 3, 2), [0.6, 0.8, 0, 0, 1, 0]);
  });

  it('new data is scaled with the training statistics, not its own', () => {
    const minMax = fitScaling('min-max', train, 2, 2);
    expect(scaled(minMax, [7, 1], 1, 2)).toEqual([1.5, 0]); // outside the training range: not clipped
    const z = fitScaling('z-score', train, 2, 2, 'feature');
    expect(scaled(z, [4, 6], 1, 2)).toEqual([2, 1]);
  });

  it('rejects per-feature statistics of the wrong width', () => {
    const params = fitScaling('z-score', train, 2, 2, 'feature');
    let caught: unknown;
    try {
      applyScaling(params, [1, 2, 3], 1, 3);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(DataError);
    expect((caught as DataError).code).toBe('bad-shape');
  });

  it('rejects too few values', () => {
    expect(() => applyScaling({ kind: 'none' }, [1, 2, 3], 2, 2)).toThrow(DataError);
  });
});

describe('scaleSample', () => {
  it('scales one input as applyScaling scales a row', () => {
    const params = fitScaling('z-score', train, 2, 2, 'feature');
    expect(Array.from(scaleSample(params, [3, 5]))).toEqual(scaled(params, [3, 5], 1, 2));
  });

  it('global params fit an input of any width (a 784-pixel canvas digit)', () => {
    const params: ScalingParams = { kind: 'min-max', per: 'global', min: [0], max: [255] };
    const digit = new Uint8ClampedArray(784).fill(255);
    const out = scaleSample(params, digit);
    expect(out.length).toBe(784);
    expect(out.every((v) => v === 1)).toBe(true);
  });
});
