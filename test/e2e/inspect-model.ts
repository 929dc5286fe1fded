/**
 * A small MNIST model trained with core/engine and written with core/model, for the Inspect tab's
 * end-to-end test: the app opens it without any training of its own. Loaded through tsx (see
 * harness.ts), like the service.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadMnist, mnistFiles } from '../../core/data/mnist';
import { evaluate } from '../../core/engine/evaluate';
import { Network } from '../../core/engine/network';
import { Rng } from '../../core/engine/rng';
import { DEFAULT_TRAIN_SETTINGS, type NetworkSpec, type TrainSettings } from '../../core/engine/spec';
import { Trainer } from '../../core/engine/trainer';
import { buildModelFile } from '../../core/model/model-file';
import { describeDataset, saveModelFile } from '../../core/model/model-files';
import { mnistSpec } from '../fixtures/specs';

export interface SavedModel {
  path: string;
  /** The same file cut in half. */
  truncatedPath: string;
  /** On the whole 10,000-image test set, as the engine computes it. */
  confusion: number[][];
  accuracy: number;
}

const SPEC: NetworkSpec = mnistSpec({ init: 'scaled-normal' });
const SETTINGS: TrainSettings = { ...DEFAULT_TRAIN_SETTINGS, epochs: 2, batchSize: 10, learningRate: 3, seed: 5 };

/**
 * Trains Nielsen's 784-30-10 on the first 3,000 training digits for 2 epochs (≈ 88% on the test
 * set, so 1,000+ mistakes for the gallery) and saves it in `dir`.
 */
export async function trainAndSave(dir: string): Promise<SavedModel> {
  const data = loadMnist({ trainLimit: 3000 });
  const net = Network.create(SPEC, new Rng(SETTINGS.seed));
  const history = new Trainer(net, { train: data.train }, SETTINGS).run({ onEpoch: () => undefined });
  const f = mnistFiles();
  const file = buildModelFile(net, {
    scaling: data.scaling,
    settings: SETTINGS,
    dataset: await describeDataset(data, [f.trainImages, f.trainLabels, f.testImages, f.testLabels]),
    history,
    appVersion: '0.1.0-e2e',
  });
  const path = join(dir, 'digits-784-30-10.fathom.json');
  await saveModelFile(path, file);
  const truncatedPath = join(dir, 'half-written.fathom.json');
  const text = JSON.stringify(file);
  writeFileSync(truncatedPath, text.slice(0, Math.floor(text.length / 2)));
  const result = evaluate(net, data.test, { confusion: true });
  return { path, truncatedPath, confusion: result.confusion!, accuracy: result.accuracy! };
}
