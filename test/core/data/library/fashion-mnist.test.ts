/** Fashion-MNIST as Debian's dataset-fashion-mnist ships it (gzipped IDX), imported and trained on. */
import { afterAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetLibrary } from '../../../../core/data/library/library';
import { Network } from '../../../../core/engine/network';
import { Rng } from '../../../../core/engine/rng';
import { DEFAULT_TRAIN_SETTINGS } from '../../../../core/engine/spec';
import { Trainer } from '../../../../core/engine/trainer';
import { tempFolder } from '../import/fixtures';
import { reluSoftmaxSpec } from '../../../fixtures/specs';

const FASHION = '/usr/share/datasets/fashion-mnist';
const CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
const folder = tempFolder('fashion');
afterAll(() => folder.remove());

describe('Fashion-MNIST from the Debian package', () => {
  it('is installed (apt-get install dataset-fashion-mnist)', () => {
    expect(existsSync(join(FASHION, 'train-images-idx3-ubyte.gz')), `${FASHION} is missing: apt-get install dataset-fashion-mnist`).toBe(
      true,
    );
  });

  it('imports, and a 784-100-10 network reaches 80 % test accuracy in one epoch', async () => {
    const library = await DatasetLibrary.open(join(folder.path, 'library'));
    const entry = await library.import(
      { format: 'auto', path: FASHION, classes: CLASSES },
      { name: 'Fashion-MNIST', split: { validation: 0.1 } },
    );
    expect(entry).toMatchObject({
      kind: 'classification',
      inputShape: [28, 28],
      classes: CLASSES,
      sizes: { train: 54_000, validation: 6_000, test: 10_000 },
      split: { testFromFiles: true, validation: 0.1, test: 0 },
    });
    const sha = (name: string) =>
      createHash('sha256')
        .update(readFileSync(join(FASHION, name)))
        .digest('hex');
    expect(entry.source.files.find((f) => f.name === 't10k-labels-idx1-ubyte.gz')?.sha256).toBe(sha('t10k-labels-idx1-ubyte.gz'));
    expect(entry.source.files).toHaveLength(4);

    const data = await library.load(entry.id);
    expect(data.scaling).toEqual({ kind: 'min-max', per: 'global', min: [0], max: [255] });
    const net = Network.create(reluSoftmaxSpec([100]), new Rng(1));
    const settings = { ...DEFAULT_TRAIN_SETTINGS, optimizer: 'adam' as const, learningRate: 0.001, batchSize: 64, epochs: 1, seed: 1 };
    const [epoch] = new Trainer(net, { train: data.train, validation: data.validation, test: data.test }, settings).run();
    expect(epoch!.testAccuracy).toBeGreaterThanOrEqual(0.8);
    expect(epoch!.validationAccuracy).toBeGreaterThanOrEqual(0.8);
  }, 180_000);
});
