/** Small trained networks and their metadata for the model-file tests. */
import type { Samples } from '../../../core/data/dataset';
import { toSamples } from '../../../core/data/classification';
import { Network } from '../../../core/engine/network';
import { Rng } from '../../../core/engine/rng';
import { DEFAULT_TRAIN_SETTINGS, type NetworkSpec, type TrainSettings } from '../../../core/engine/spec';
import type { EpochReport } from '../../../core/engine/reports';
import { Trainer } from '../../../core/engine/trainer';
import type { ModelMeta } from '../../../core/model/model-file';

export const SPEC: NetworkSpec = {
  inputSize: 6,
  layers: [
    { units: 5, activation: 'sigmoid' },
    { units: 3, activation: 'softmax' },
  ],
  loss: 'cross-entropy',
  init: 'scaled-normal',
};

export const SETTINGS: TrainSettings = { ...DEFAULT_TRAIN_SETTINGS, batchSize: 8, learningRate: 0.5, epochs: 3, seed: 7 };

/** `count` samples of 6 inputs in 3 classes: the class is the argmax of the first three inputs. */
export function synthetic(count: number, seed: number): Samples {
  const rng = new Rng(seed);
  const raw = new Float32Array(count * 6);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    for (let k = 0; k < 6; k++) raw[i * 6 + k] = rng.uniform();
    const row = raw.subarray(i * 6, i * 6 + 3);
    labels[i] = row.indexOf(Math.max(...row));
  }
  return toSamples(raw, labels, count, 6, 3, { kind: 'none' });
}

/** A network trained for a few epochs on synthetic data, with everything buildModelFile needs. */
export function trainedSmall(spec: NetworkSpec = SPEC): { net: Network; meta: ModelMeta; history: EpochReport[]; test: Samples } {
  const net = Network.create(spec, new Rng(3));
  const train = synthetic(96, 1);
  const test = synthetic(32, 2);
  // An onEpoch callback is needed: run() skips endEpoch() without one (`onEpoch?.(this.endEpoch())`).
  const history = new Trainer(net, { train, test }, SETTINGS).run({ onEpoch: () => undefined });
  const meta: ModelMeta = {
    scaling: { kind: 'none' },
    settings: SETTINGS,
    dataset: {
      name: 'synthetic',
      inputShape: [6],
      classes: ['a', 'b', 'c'],
      sizes: { train: 96, test: 32 },
      files: [],
    },
    history,
    appVersion: '0.1.0-test',
    createdAt: '2025-01-02T03:04:05.000Z',
  };
  return { net, meta, history, test };
}
