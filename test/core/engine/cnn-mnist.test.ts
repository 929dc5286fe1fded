import { describe, expect, it } from 'vitest';
import { loadMnist } from '../../../core/data/mnist';
import { evaluate } from '../../../core/engine/evaluate';
import { Network } from '../../../core/engine/network';
import { Rng } from '../../../core/engine/rng';
import { DEFAULT_TRAIN_SETTINGS, type NetworkSpec } from '../../../core/engine/spec';
import { Trainer } from '../../../core/engine/trainer';
import { selectKernels } from '../../../core/engine/wasm/select';
import { runGuarded } from './helpers';

/**
 * Nielsen's chapter-6 style CNN end to end on real digits, kept short for CI (issue 14: "≥ 97 %
 * after one epoch"): one epoch of Adam over all 60,000 training images on the wasm kernels
 * (~11 CPU-seconds here), tested on all 10,000 test images. Measured: 98.2 % (seed 1); 30,000
 * images gave 97.3 %, 20,000 96.4 %. 0.97 leaves a margin for the other wasm build (FMA, which
 * rounds differently) while a broken convolution, pooling or gradient lands far lower.
 */
const SPEC: NetworkSpec = {
  inputSize: 784,
  inputShape: { channels: 1, height: 28, width: 28 },
  layers: [
    { kind: 'conv', filters: 20, kernel: 5, stride: 1, padding: 'valid', activation: 'relu' },
    { kind: 'maxpool', size: 2, stride: 2 },
    { units: 100, activation: 'relu' },
    { units: 10, activation: 'softmax' },
  ],
  loss: 'cross-entropy',
  init: 'he',
};

describe('CNN on MNIST', () => {
  it('conv 5×5×20 → max-pool 2 → 100 → 10 reaches 97 % in one epoch', () => {
    const mnist = loadMnist();
    const net = Network.create(SPEC, new Rng(1), 'float32', selectKernels('wasm'));
    expect(net.parameterCount()).toBe(289_630);
    const trainer = new Trainer(
      net,
      { train: mnist.train },
      { ...DEFAULT_TRAIN_SETTINGS, optimizer: 'adam', learningRate: 0.001, batchSize: 64, epochs: 1, seed: 1 },
    );
    runGuarded(trainer, (batch) => {
      if (batch.nonFinite) throw new Error(`non-finite ${batch.nonFinite.what} in batch ${batch.batch}`);
    });
    const test = evaluate(net, mnist.test);
    expect(test.count).toBe(10_000);
    expect(test.accuracy).toBeGreaterThanOrEqual(0.97);
  }, 400_000);
});
