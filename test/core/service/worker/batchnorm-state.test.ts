/**
 * Batchnorm's running statistics travel with a run's weights: into the checkpoints the worker writes,
 * through a worker message, and into a resumed trainer. Without them a checkpoint of a batchnorm
 * network would infer with the initial mean 0 and variance 1.
 */
import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Samples } from '@core/data/dataset';
import { Network } from '@core/engine/network';
import { Rng } from '@core/engine/rng';
import type { NetworkSpec, TrainSettings } from '@core/engine/spec';
import { Trainer } from '@core/engine/trainer';
import { loadModelFile } from '@core/model/model-files';
import { Checkpointer } from '@core/service/worker/checkpointer';
import { checkWorkerMessage, snapshotWeights, transferList } from '@core/service/worker/protocol';
import { resumeTrainer } from '@core/service/worker/resume-trainer';

const dir = mkdtempSync(join(tmpdir(), 'fathom-bn-state-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 64 samples of 4 inputs far from mean 0 and variance 1, so learned statistics differ from the initial ones. */
function data(seed: number): Samples {
  const rng = new Rng(seed);
  const count = 64;
  const inputs = new Float32Array(count * 4);
  const targets = new Float32Array(count * 2);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < 4; j++) inputs[i * 4 + j] = 5 + 3 * rng.uniform();
    labels[i] = inputs[i * 4]! > 6.5 ? 1 : 0;
    targets[i * 2 + labels[i]!] = 1;
  }
  return { count, inputSize: 4, outputSize: 2, inputs, targets, labels };
}

const spec: NetworkSpec = {
  inputSize: 4,
  layers: [{ units: 6, activation: 'linear' }, { kind: 'batchnorm' }, { units: 2, activation: 'softmax' }],
  loss: 'cross-entropy',
  init: 'he',
};
const settings: TrainSettings = {
  batchSize: 8,
  learningRate: 0.1,
  epochs: 3,
  optimizer: 'sgd',
  momentum: 0,
  l2: 0,
  seed: 4,
  stop: { kind: 'epochs' },
};

function trained(): Trainer {
  const trainer = new Trainer(Network.create(spec, new Rng(1)), { train: data(2), test: data(3) }, settings);
  while (!trainer.step().epochComplete);
  trainer.endEpoch();
  return trainer;
}

describe("batchnorm's running statistics in a run's weights", () => {
  it('are in the snapshot, survive a worker message, and reach the checkpoint file', async () => {
    const { net, history } = trained();
    const mean = Array.from(net.state.mean[2]!);
    expect(mean.some((m) => Math.abs(m) > 0.5)).toBe(true); // learned, not the initial zeros

    const weights = snapshotWeights(net);
    expect(transferList(weights)).toHaveLength(3 * 4);
    const message = checkWorkerMessage({ type: 'ack', seq: 1, weights });
    expect(message.ok).toBe(true);

    const checkpointer = new Checkpointer({
      dir,
      spec,
      policy: { kind: 'every' },
      settings: () => settings,
      scaling: { kind: 'none' },
      history,
      onSaved: () => {},
      onFailure: (problem) => {
        throw new Error(problem);
      },
    });
    checkpointer.setDatasetInfo({ name: 'toy', inputShape: [4], classes: ['a', 'b'], sizes: { train: 64, test: 64 }, files: [] });
    checkpointer.offer(history[0]!, weights);
    await checkpointer.idle();
    const saved = await loadModelFile(join(dir, 'checkpoint-epoch-1.fathom.json'));
    expect(Array.from(saved.net.state.mean[2]!)).toEqual(mean);
    expect(Array.from(saved.net.state.variance[2]!)).toEqual(Array.from(net.state.variance[2]!));
  });

  it('are set in a resumed trainer, so it infers as the run did', () => {
    const source = trained();
    const resumed = new Trainer(Network.create(spec, new Rng(9)), { train: data(2), test: data(3) }, settings);
    resumeTrainer(resumed, { weights: snapshotWeights(source.net), history: source.history });
    expect(Array.from(resumed.net.state.mean[2]!)).toEqual(Array.from(source.net.state.mean[2]!));
    expect(Array.from(resumed.net.state.variance[2]!)).toEqual(Array.from(source.net.state.variance[2]!));
  });
});
