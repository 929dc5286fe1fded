import { describe, it, expect } from 'vitest';
import type { Samples } from '@core/data/dataset';
import { Network } from '@core/engine/network';
import { Rng } from '@core/engine/rng';
import type { NetworkSpec, TrainSettings } from '@core/engine/spec';
import type { EpochReport } from '@core/engine/reports';
import { Trainer } from '@core/engine/trainer';
import { snapshotWeights } from '@core/service/worker/protocol';
import { resumeTrainer } from '@core/service/worker/resume-trainer';

/** 32 samples of 3 inputs, one-hot on whether the first input is above a half. */
function toyData(seed: number): Samples {
  const rng = new Rng(seed);
  const count = 32;
  const inputs = new Float32Array(count * 3);
  const targets = new Float32Array(count * 2);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < 3; j++) inputs[i * 3 + j] = rng.uniform();
    labels[i] = inputs[i * 3]! > 0.5 ? 1 : 0;
    targets[i * 2 + labels[i]!] = 1;
  }
  return { count, inputSize: 3, outputSize: 2, inputs, targets, labels };
}

const spec: NetworkSpec = {
  inputSize: 3,
  layers: [
    { units: 4, activation: 'sigmoid' },
    { units: 2, activation: 'sigmoid' },
  ],
  loss: 'quadratic',
  init: 'scaled-normal',
};
const settings: TrainSettings = {
  batchSize: 8,
  learningRate: 1,
  epochs: 50,
  optimizer: 'sgd',
  momentum: 0,
  l2: 0,
  seed: 2,
  stop: { kind: 'early-stopping', patience: 2 },
};

function trainer(): Trainer {
  return new Trainer(Network.create(spec, new Rng(1)), { train: toyData(3), validation: toyData(4), test: toyData(5) }, settings);
}

/** A saved epoch report, as a run record holds it. */
const saved = (epoch: number, validationAccuracy: number): EpochReport => ({
  epoch,
  trainLoss: 0.1,
  trainAccuracy: 0.5,
  validationLoss: 0.1,
  validationAccuracy,
  samplesPerSecond: 1,
  seconds: 1,
  layers: [],
  isBest: false,
});

describe('resumeTrainer', () => {
  it('sets the saved weights, numbers epochs on, and replays the best score and the early-stopping count', () => {
    const source = trainer();
    for (let i = 0; i < 8; i++) source.step(); // some training, so the weights differ from a fresh network's
    const weights = snapshotWeights(source.net);

    const resumed = trainer();
    // Best validation accuracy 1.0 at epoch 1, no improvement at epoch 2: one more epoch without one stops it.
    resumeTrainer(resumed, { weights, history: [saved(1, 1), saved(2, 0.9)] });
    expect(Array.from(resumed.net.w[1]!)).toEqual(Array.from(source.net.w[1]!));
    expect(resumed.epoch).toBe(3);
    let report: EpochReport | undefined;
    while (!report) if (resumed.step().epochComplete) report = resumed.endEpoch();
    expect(report.epoch).toBe(3);
    expect(report.isBest).toBe(false);
    expect(report.stopReason).toBe('no validation improvement for 2 epochs');
    expect(resumed.finished).toBe(true);
    expect(resumed.history.map((r) => r.epoch)).toEqual([1, 2, 3]);
  });

  it('refuses to rewind a trainer that has already stepped', () => {
    const t = trainer();
    t.step();
    expect(() => t.continueAfter([saved(1, 0.5)])).toThrow(/before the first step/);
  });
});
