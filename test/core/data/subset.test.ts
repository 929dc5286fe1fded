import { describe, expect, it } from 'vitest';
import type { Samples } from '../../../core/data/dataset';
import type { ScaledDataset } from '../../../core/data/idx-dataset';
import { subsetDataset } from '../../../core/data/subset';

const split = (count: number): Samples => ({
  count,
  inputSize: 2,
  outputSize: 2,
  inputs: Float32Array.from({ length: count * 2 }, (_, k) => k),
  targets: Float32Array.from({ length: count * 2 }, (_, k) => k % 2),
  labels: Int32Array.from({ length: count }, () => 1),
});

const dataset: ScaledDataset = {
  name: 'd',
  kind: 'classification',
  inputShape: [2],
  classes: ['a', 'b'],
  train: split(10),
  validation: split(3),
  test: split(5),
  scaling: { kind: 'none' },
};

describe('subsetDataset', () => {
  it('keeps the first N rows of train and test as views, and the validation split only when asked', () => {
    const small = subsetDataset(dataset, { validation: true, trainLimit: 4, testLimit: 2 });
    expect(small.train.count).toBe(4);
    expect(Array.from(small.train.inputs)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(small.train.inputs.buffer).toBe(dataset.train.inputs.buffer);
    expect(small.train.labels).toHaveLength(4);
    expect(small.test.count).toBe(2);
    expect(small.validation).toBe(dataset.validation);
    expect(subsetDataset(dataset, { validation: false }).validation).toBeUndefined();
    expect(subsetDataset(dataset, { validation: true, trainLimit: 100 }).train).toBe(dataset.train);
  });

  it('refuses a limit that is not a whole number ≥ 1', () => {
    expect(() => subsetDataset(dataset, { validation: false, trainLimit: 0 })).toThrow(/trainLimit to be a whole number/);
    expect(() => subsetDataset(dataset, { validation: false, testLimit: 1.5 })).toThrow(/testLimit/);
  });
});
