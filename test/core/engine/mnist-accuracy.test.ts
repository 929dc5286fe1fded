import { describe, it, expect } from 'vitest';
import { loadMnist } from '../../../core/data/mnist';
import { evaluate } from '../../../core/engine/evaluate';
import { Network } from '../../../core/engine/network';
import { Rng } from '../../../core/engine/rng';
import { DEFAULT_TRAIN_SETTINGS } from '../../../core/engine/spec';
import { Trainer } from '../../../core/engine/trainer';
import { runGuarded } from './helpers';
import { reluSoftmaxSpec } from '../../fixtures/specs';

/**
 * The engine end to end on the real data: 784-100-10, ReLU + softmax, cross-entropy, He init,
 * Adam η = 0.001, batch 64, one epoch over all 60,000 training digits (~10–25 s on this machine).
 *
 * Measured test accuracy after that one epoch: 0.9475, 0.9506 and 0.9486 for seeds 1–3; TensorFlow.js
 * with the same recipe gave 0.9462 and 0.9513. So ~0.95 is what this recipe reaches, not a floor:
 * asserting ≥ 0.95 would fail on about half the seeds. 0.94 keeps a margin while still failing
 * for any real regression (a broken gradient or optimiser lands far below 0.9).
 */
const THRESHOLD = 0.94;

describe('MNIST accuracy', () => {
  it('a 784-100-10 ReLU/softmax network reaches ≥ 94 % test accuracy after one epoch of Adam', () => {
    const mnist = loadMnist();
    const net = Network.create(reluSoftmaxSpec([100]), new Rng(1));
    expect(net.parameterCount()).toBe(79_510);
    const trainer = new Trainer(
      net,
      { train: mnist.train },
      { ...DEFAULT_TRAIN_SETTINGS, optimizer: 'adam', learningRate: 0.001, batchSize: 64, epochs: 1, seed: 1 },
    );
    expect(trainer.batchesPerEpoch).toBe(938);
    const [epoch] = runGuarded(trainer, (batch) => {
      if (batch.nonFinite) throw new Error(`non-finite ${batch.nonFinite.what} in batch ${batch.batch}`);
    });
    expect(epoch!.stopReason).toBe('reached 1 epochs');
    expect(epoch!.trainAccuracy).toBeGreaterThan(0.9);

    const test = evaluate(net, mnist.test, { confusion: true });
    expect(test.count).toBe(10_000);
    expect(test.accuracy).toBeGreaterThanOrEqual(THRESHOLD);
    expect(test.loss).toBeLessThan(0.25);
    // Every digit is mostly recognised, not just the easy ones.
    test.confusion!.forEach((row, digit) => expect(row[digit]! / row.reduce((a, b) => a + b, 0), `digit ${digit}`).toBeGreaterThan(0.85));
  }, 240_000);
});
