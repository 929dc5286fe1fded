import { describe, it, expect } from 'vitest';
import { DataError } from '../../../core/data/errors';
import { toSamples } from '../../../core/data/classification';
import type { ScalingParams } from '../../../core/data/scaling';

describe('toSamples', () => {
  const raw = new Uint8Array([0, 255, 51, 102, 9, 9]);
  const scaling: ScalingParams = { kind: 'min-max', per: 'global', min: [0], max: [255] };

  it('builds scaled inputs, one-hot targets and Int32 labels', () => {
    const s = toSamples(raw, new Uint8Array([2, 0]), 2, 2, 3, scaling);
    expect(s).toMatchObject({ count: 2, inputSize: 2, outputSize: 3 });
    expect(Array.from(s.inputs)).toEqual([0, 1, Math.fround(0.2), Math.fround(0.4)]);
    expect(Array.from(s.targets)).toEqual([0, 0, 1, 1, 0, 0]);
    expect(s.labels).toBeInstanceOf(Int32Array);
    expect(Array.from(s.labels!)).toEqual([2, 0]);
  });

  it('accepts Int32 labels', () => {
    expect(Array.from(toSamples(raw, new Int32Array([1]), 1, 2, 2, scaling).targets)).toEqual([0, 1]);
  });

  it('rejects labels outside the classes, negative ones included', () => {
    expect(() => toSamples(raw, new Uint8Array([0, 3]), 2, 2, 3, scaling)).toThrow(/found label 3 at index 1/);
    expect(() => toSamples(raw, new Int32Array([-1]), 1, 2, 3, scaling)).toThrow(DataError);
  });

  it('rejects too few labels', () => {
    expect(() => toSamples(raw, new Uint8Array([0]), 2, 2, 3, scaling)).toThrow(DataError);
  });
});
