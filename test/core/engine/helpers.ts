import type { Samples } from '../../../core/data/dataset';
import type { Network } from '../../../core/engine/network';
import type { BatchReport, EpochReport } from '../../../core/engine/reports';
import type { Trainer } from '../../../core/engine/trainer';
import { Rng } from '../../../core/engine/rng';
import { DEFAULT_TRAIN_SETTINGS, type NetworkSpec, type TrainSettings } from '../../../core/engine/spec';

/** Three well-separated Gaussian blobs in 2-D, one-hot targets: a problem any small net learns in a few epochs. */
export function blobs(count: number, seed: number, spread = 0.5): Samples {
  const rng = new Rng(seed);
  const centres = [
    [-2, 0],
    [2, 1],
    [0, -2.5],
  ];
  const inputs = new Float32Array(count * 2);
  const targets = new Float32Array(count * 3);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const label = i % 3;
    labels[i] = label;
    inputs[2 * i] = centres[label]![0]! + spread * rng.normal();
    inputs[2 * i + 1] = centres[label]![1]! + spread * rng.normal();
    targets[3 * i + label] = 1;
  }
  return { count, inputSize: 2, outputSize: 3, inputs, targets, labels };
}

/** y = 0.5·x0 − 0.3·x1 + 0.1 plus N(0, noise²): a linear regression with a known loss floor. */
export function linearData(count: number, seed: number, noise = 0.1): Samples {
  const rng = new Rng(seed);
  const inputs = new Float32Array(count * 2);
  const targets = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const x0 = rng.normal();
    const x1 = rng.normal();
    inputs[2 * i] = x0;
    inputs[2 * i + 1] = x1;
    targets[i] = 0.5 * x0 - 0.3 * x1 + 0.1 + noise * rng.normal();
  }
  return { count, inputSize: 2, outputSize: 1, inputs, targets };
}

export const BLOB_SPEC: NetworkSpec = {
  inputSize: 2,
  layers: [
    { units: 8, activation: 'tanh' },
    { units: 3, activation: 'softmax' },
  ],
  loss: 'cross-entropy',
  init: 'xavier',
};

export function settings(overrides: Partial<TrainSettings> = {}): TrainSettings {
  return { ...DEFAULT_TRAIN_SETTINGS, learningRate: 0.5, epochs: 5, ...overrides };
}

/** The raw bytes of every weight and bias buffer, for bit-for-bit comparison. */
export function parameterBytes(net: Network): Buffer {
  return Buffer.concat([...net.w, ...net.b].map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)));
}

/**
 * trainer.run() with a guard: run() is synchronous, so if it never stopped no test timeout could
 * end it. Passes no onEpoch on purpose (run() must end epochs by itself).
 */
export function runGuarded(trainer: Trainer, onBatch?: (r: BatchReport) => void, maxBatches = 100_000): EpochReport[] {
  let batches = 0;
  return trainer.run({
    onBatch: (r) => {
      if (++batches > maxBatches) throw new Error(`run() did not stop after ${maxBatches} batches`);
      onBatch?.(r);
    },
  });
}
