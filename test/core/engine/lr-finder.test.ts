import { describe, expect, it } from 'vitest';
import { loadMnist } from '@core/data/mnist';
import { findLearningRate } from '@core/engine/lr-finder';
import { Network } from '@core/engine/network';
import { Rng } from '@core/engine/rng';
import { DEFAULT_TRAIN_SETTINGS, type NetworkSpec, type TrainSettings } from '@core/engine/spec';
import { mnistSpec, reluSoftmaxSpec } from '../../fixtures/specs';
import { BLOB_SPEC, blobs, parameterBytes, settings } from './helpers';

const NIELSEN = mnistSpec();
const MODERN = reluSoftmaxSpec([100]);

describe('learning-rate finder', () => {
  it.each([
    ['Nielsen’s 784-30-10 with SGD', NIELSEN, { ...DEFAULT_TRAIN_SETTINGS }, [0.3, 10]],
    ['a 784-100-10 ReLU/softmax network with Adam', MODERN, { ...DEFAULT_TRAIN_SETTINGS, optimizer: 'adam', batchSize: 64 }, [1e-4, 1e-2]],
  ] as [string, NetworkSpec, TrainSettings, [number, number]][])('on MNIST suggests a sensible η for %s', (_name, spec, s, [lo, hi]) => {
    const mnist = loadMnist();
    const net = Network.create(spec, new Rng(s.seed));
    const result = findLearningRate(net, { train: mnist.train }, s);
    expect(result.suggestedLearningRate).toBeGreaterThanOrEqual(lo);
    expect(result.suggestedLearningRate).toBeLessThanOrEqual(hi);
    // η grows exponentially, one value per batch, and the loss falls somewhere before the suggestion.
    const rates = result.points.map((p) => p.learningRate);
    for (let i = 1; i < rates.length; i++) expect(rates[i]! / rates[i - 1]!).toBeCloseTo(rates[1]! / rates[0]!, 9);
    expect(result.points.at(0)!.smoothedLoss).toBeGreaterThan(Math.min(...result.points.map((p) => p.smoothedLoss)));
  });

  it('trains only the network it is given, ignores the design’s schedule, and stops where the loss diverges', () => {
    const net = Network.create(BLOB_SPEC, new Rng(2));
    const twin = Network.create(BLOB_SPEC, new Rng(2));
    const before = parameterBytes(twin);
    const result = findLearningRate(
      net,
      { train: blobs(300, 4) },
      settings({ batchSize: 10, schedule: { kind: 'cosine', warmupEpochs: 1, decay: 0.5, every: 1, minLearningRate: 0, patience: 1 } }),
      { minLearningRate: 1e-3, maxLearningRate: 1e4, batches: 200 },
    );
    expect(parameterBytes(twin).equals(before)).toBe(true);
    expect(result.points[0]!.learningRate).toBeCloseTo(1e-3, 12);
    expect(result.divergedAt).toBeDefined();
    expect(result.points.length).toBeLessThan(200);
    expect(result.suggestedLearningRate).toBeLessThan(result.divergedAt!);
  });

  it('refuses a range or a length it cannot work with', () => {
    const net = Network.create(BLOB_SPEC, new Rng(2));
    expect(() => findLearningRate(net, { train: blobs(30, 4) }, settings(), { minLearningRate: 1, maxLearningRate: 0.1 })).toThrow(
      /min η < max η/,
    );
    expect(() => findLearningRate(net, { train: blobs(30, 4) }, settings(), { batches: 5 })).toThrow(/at least 22 batches/);
  });
});
