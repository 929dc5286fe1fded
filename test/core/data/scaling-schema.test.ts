import { describe, it, expect } from 'vitest';
import { DataError } from '../../../core/data/errors';
import { fitScaling, SCALINGS } from '../../../core/data/scaling';
import { parseScalingParams } from '../../../core/data/scaling-schema';

describe('parseScalingParams', () => {
  it('accepts every kind fitted by fitScaling, after a JSON round trip', () => {
    for (const kind of SCALINGS) {
      for (const per of ['global', 'feature'] as const) {
        const params = fitScaling(kind, [1, 5, 3, 5], 2, 2, per);
        expect(parseScalingParams(JSON.parse(JSON.stringify(params)))).toEqual(params);
      }
    }
  });

  it.each([
    ['an unknown kind', { kind: 'log' }],
    ['missing statistics', { kind: 'min-max', per: 'global', min: [0] }],
    ['two global values', { kind: 'z-score', per: 'global', mean: [1, 2], std: [1, 1] }],
    ['mismatched feature lengths', { kind: 'z-score', per: 'feature', mean: [1, 2], std: [1] }],
    ['a negative std', { kind: 'z-score', per: 'global', mean: [0], std: [-1] }],
    ['a non-finite value', { kind: 'min-max', per: 'global', min: [0], max: [null] }],
    ['not an object', 'min-max'],
  ])('rejects %s with a bad-shape DataError', (_, json) => {
    let caught: unknown;
    try {
      parseScalingParams(json);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(DataError);
    expect((caught as DataError).code).toBe('bad-shape');
  });
});
