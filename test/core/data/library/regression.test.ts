/**
 * The seed's office-rent example: rent = m·area + C, generated without noise, imported as CSV and
 * fitted by a single linear neuron with MSE. The neuron sees z-scored areas x' = (x − μ)/σ, so it
 * learns rent = w·x' + b; un-scaled, m = w/σ and C = b − w·μ/σ.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { DatasetLibrary } from '../../../../core/data/library/library';
import { Network } from '../../../../core/engine/network';
import { Rng } from '../../../../core/engine/rng';
import { DEFAULT_TRAIN_SETTINGS } from '../../../../core/engine/spec';
import { Trainer } from '../../../../core/engine/trainer';
import { tempFolder, writeText } from '../import/fixtures';

const folder = tempFolder('rent');
afterAll(() => folder.remove());

const m = 12.5; // per square metre
const C = 300; // fixed costs

describe('CSV regression: area → rent', () => {
  it('recovers m and C within 1 %', async () => {
    const rng = new Rng(42);
    const rows = Array.from({ length: 200 }, () => {
      const area = Math.round((20 + 180 * rng.uniform()) * 10) / 10;
      return `${area},${m * area + C},office`;
    });
    const file = writeText(join(folder.path, 'offices.csv'), `area,rent,kind\n${rows.join('\n')}\n`);
    const library = await DatasetLibrary.open(join(folder.path, 'library'));
    const entry = await library.import({ format: 'csv', file, targets: ['rent'], inputs: ['area'] }, { name: 'Office rents', seed: 3 });
    expect(entry).toMatchObject({
      kind: 'regression',
      inputShape: [1],
      classes: ['rent'],
      features: ['area'],
      sizes: { train: 140, validation: 20, test: 40 },
    });

    const data = await library.load(entry.id);
    expect(data.scaling.kind).toBe('z-score');
    const net = Network.create(
      { inputSize: 1, layers: [{ units: 1, activation: 'linear' }], loss: 'mse', init: 'xavier' },
      new Rng(1),
      'float64',
    );
    const settings = { ...DEFAULT_TRAIN_SETTINGS, optimizer: 'sgd' as const, learningRate: 0.1, batchSize: 10, epochs: 60 };
    const history = new Trainer(net, { train: data.train, validation: data.validation, test: data.test }, settings).run();
    expect(history.at(-1)!.testLoss).toBeLessThan(1e-3);

    if (data.scaling.kind !== 'z-score') throw new Error('expected z-score scaling');
    const mean = data.scaling.mean[0]!;
    const std = data.scaling.std[0]!;
    const w = net.w[1]![0]!;
    const b = net.b[1]![0]!;
    const mLearned = w / std;
    const cLearned = b - (w * mean) / std;
    expect(Math.abs(mLearned - m) / m).toBeLessThan(0.01);
    expect(Math.abs(cLearned - C) / C).toBeLessThan(0.01);
  });
});
