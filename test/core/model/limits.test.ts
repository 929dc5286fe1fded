/** The bound on a network's size (issue 18 §6): parameters against what a model file holds, memory against the machine's. */
import { describe, expect, it } from 'vitest';
import type { NetworkSpec } from '@core/engine/spec';
import { MAX_MODEL_PARAMETERS, parameterCount, trainingBytesFor, trainingMemoryBudget, trainingSizeProblems } from '@core/model/limits';

const spec = (...hidden: number[]): NetworkSpec => ({
  inputSize: 784,
  layers: [...hidden.map((units) => ({ units, activation: 'relu' as const })), { units: 10, activation: 'softmax' as const }],
  loss: 'cross-entropy',
  init: 'he',
});
const sgd = { batchSize: 10, optimizer: 'sgd' };

describe('trainingBytesFor', () => {
  it('counts weights, gradients, the best copy and a checkpoint, plus the optimiser state and the activations of each thread', () => {
    const sizes = [784, 30, 10];
    const p = parameterCount(sizes);
    const checkpoint = 4 * Math.ceil((4 * p) / 3);
    const activations = (rows: number) => 3 * rows * (784 + 30 + 10) * 4;
    expect(trainingBytesFor(sizes, sgd, 1)).toBe(3 * p * 4 + checkpoint + activations(10));
    expect(trainingBytesFor(sizes, { batchSize: 10, optimizer: 'adam' }, 1)).toBe(5 * p * 4 + checkpoint + activations(10));
    // A batch of 60,000 is fed 1,000 rows at a time; a second thread holds its own weights and gradients.
    expect(trainingBytesFor(sizes, { batchSize: 60_000, optimizer: 'sgd' }, 2)).toBe(
      3 * p * 4 + checkpoint + 2 * p * 4 + 2 * activations(1000),
    );
  });
});

describe('trainingSizeProblems', () => {
  it('refuses 784-15000-15000-10 and 784-100000-30000-10 everywhere (no machine needed), saying how much memory they would take', () => {
    const [a] = trainingSizeProblems(spec(15_000, 15_000), sgd);
    expect(a?.field).toBe('layers');
    expect(a?.message).toBe(
      '784-15000-15000-10 has 236,940,010 weights and biases; Fathom trains at most 50,000,000 (a model file holds no more): training it would need about 3.8 GB of memory. Use fewer units.',
    );
    expect(trainingSizeProblems(spec(100_000, 30_000), sgd)[0]?.message).toMatch(/3,078,830,010 weights .* about 49\.7 GB of memory/);
  });

  it('accepts the largest network a model file holds when the machine has room, and one more weight is refused', () => {
    const units = Math.floor((MAX_MODEL_PARAMETERS - 10) / (784 + 1 + 10)); // 784-n-10: n × 785 + 10 × (n + 1) parameters
    expect(parameterCount([784, units, 10])).toBeLessThanOrEqual(MAX_MODEL_PARAMETERS);
    expect(trainingSizeProblems(spec(units), sgd, { memoryBytes: 2 ** 40, cores: 4 })).toEqual([]);
    expect(trainingSizeProblems({ ...spec(units), inputSize: 800 }, sgd)).toHaveLength(1);
  });

  it("bounds memory by the machine's: 'auto' counts every core, a thread count its threads, and says when fewer threads would fit", () => {
    const big = spec(3000, 3000);
    const adam = { batchSize: 100, optimizer: 'adam' };
    const machine = { memoryBytes: 400 * 2 ** 20, cores: 4 };
    const [auto] = trainingSizeProblems(big, adam, machine, 'auto');
    expect(auto?.message).toBe(
      'Training 784-3000-3000-10 (11,388,010 parameters, batches of 100, 4 threads) would need about 567 MB of memory (weights, gradients, optimiser state, activations); this machine allows training 400 MB (half its memory). Use fewer units or a smaller batch, or train on fewer threads (1 thread: 283 MB).',
    );
    expect(trainingSizeProblems(big, adam, machine, 1)).toEqual([]);
    expect(trainingSizeProblems(big, adam, { ...machine, memoryBytes: 100 * 2 ** 20 }, 1)[0]?.message).toMatch(
      /1 thread\) would need about 283 MB .* allows training 100 MB \(half its memory\)\. Use fewer units or a smaller batch\.$/,
    );
  });

  it('bounds a CNN too: its parameters, every layer per row and the largest im2col matrix, on every thread', () => {
    const cnn = (filters: number): NetworkSpec => ({
      inputSize: 784,
      inputShape: { channels: 1, height: 28, width: 28 },
      layers: [
        { kind: 'conv', filters, kernel: 3, stride: 1, padding: 'same', activation: 'relu' },
        { kind: 'conv', filters, kernel: 3, stride: 1, padding: 'same', activation: 'relu' },
        { kind: 'maxpool', size: 2, stride: 2 },
        { units: 10, activation: 'softmax' },
      ],
      loss: 'cross-entropy',
      init: 'he',
    });
    const machine = { memoryBytes: 2 * 2 ** 30, cores: 2 };
    const settings = { batchSize: 64, optimizer: 'adam' };
    expect(trainingSizeProblems(cnn(20), settings, machine, 'auto')).toEqual([]);
    // 1,000 filters on 1,000 channels: 11 million parameters, and an im2col matrix of 7 million values per image.
    const [wide] = trainingSizeProblems(cnn(1000), settings, machine, 'auto');
    expect(wide!.message).toMatch(
      /^Training 28x28x1-conv3x3x1000same-conv3x3x1000same-maxpool2-10 \(10,971,010 parameters, batches of 64, 2 threads\) would need about \d+\.\d GB.* Use fewer filters or units or a smaller batch\.$/,
    );
    // Each thread holds its own rows' activations and im2col matrices: one thread needs less.
    const [alone] = trainingSizeProblems(cnn(1000), settings, machine, 1);
    expect(alone!.message).toMatch(/batches of 64, 1 thread\) would need about/);
    const gbOf = (message: string): number => Number(/about (\d+\.\d) GB/.exec(message)![1]);
    expect(gbOf(alone!.message)).toBeLessThan(gbOf(wide!.message));
    // 20 × 14 × 14 flattened into 13,000 units is 51 million weights: more than a model file holds, machine or not.
    const big = cnn(20);
    big.layers.splice(3, 0, { units: 13_000, activation: 'relu' });
    expect(trainingSizeProblems(big, settings)[0]!.message).toMatch(
      /has 51,\d{3},\d{3} weights and biases; Fathom trains at most 50,000,000/,
    );
    // A spec whose shapes do not fit says so through its own problems, not here.
    const misfit = cnn(8);
    misfit.layers[0] = { kind: 'conv', filters: 8, kernel: 40, stride: 1, padding: 'valid', activation: 'relu' };
    expect(trainingSizeProblems(misfit, settings, machine)).toEqual([]);
  });

  it('gives training half the machine', () => {
    expect(trainingMemoryBudget(24 * 2 ** 30)).toBe(12 * 2 ** 30);
  });
});
