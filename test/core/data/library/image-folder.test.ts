/** An image folder made here (PNG files written with pngjs) imports, with one image resized, and trains. */
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { DatasetLibrary } from '../../../../core/data/library/library';
import { Network } from '../../../../core/engine/network';
import { Rng } from '../../../../core/engine/rng';
import { DEFAULT_TRAIN_SETTINGS } from '../../../../core/engine/spec';
import { Trainer } from '../../../../core/engine/trainer';
import { tempFolder, writePng } from '../import/fixtures';

const folder = tempFolder('shapes');
afterAll(() => folder.remove());

/** Bright strokes on a dark, noisy background, shifted by up to a pixel. */
const SHAPES: Record<string, (x: number, y: number, s: number) => boolean> = {
  horizontal: (x, y, s) => y === 3 + s || y === 4 + s,
  vertical: (x, y, s) => x === 3 + s || x === 4 + s,
  diagonal: (x, y, s) => Math.abs(x - y - s) <= 1,
};

describe('PNG image folder', () => {
  it('imports, resizes the odd image out, and trains to high accuracy', async () => {
    const rng = new Rng(5);
    const root = join(folder.path, 'strokes');
    for (const [name, on] of Object.entries(SHAPES)) {
      for (let i = 0; i < 40; i++) {
        const shift = rng.int(3) - 1;
        writePng(join(root, name, `${i}.png`), 8, 8, (x, y) => (on(x, y, shift) ? 200 + 55 * rng.uniform() : 60 * rng.uniform()));
      }
    }
    writePng(join(root, 'vertical', 'big.png'), 16, 16, (x) => (x === 7 || x === 8 ? 255 : 0));

    const library = await DatasetLibrary.open(join(folder.path, 'library'));
    const entry = await library.import(
      { format: 'image-folder', folder: root, size: { width: 8, height: 8 } },
      { name: 'Strokes', seed: 2 },
    );
    expect(entry).toMatchObject({
      kind: 'classification',
      inputShape: [8, 8],
      classes: ['diagonal', 'horizontal', 'vertical'],
      sizes: { train: 85, validation: 12, test: 24 },
    });
    expect(entry.notes.join(' ')).toMatch(/Resized 1 of 121 images to 8×8 pixels/);
    expect(entry.source.files.map((f) => f.name)).toEqual(['diagonal/', 'horizontal/', 'vertical/']);

    const data = await library.load('Strokes');
    const net = Network.create(
      {
        inputSize: 64,
        layers: [
          { units: 16, activation: 'relu' },
          { units: 3, activation: 'softmax' },
        ],
        loss: 'cross-entropy',
        init: 'he',
      },
      new Rng(1),
    );
    const settings = { ...DEFAULT_TRAIN_SETTINGS, optimizer: 'adam' as const, learningRate: 0.01, batchSize: 8, epochs: 20 };
    const history = new Trainer(net, { train: data.train, validation: data.validation, test: data.test }, settings).run();
    expect(history.at(-1)!.testAccuracy).toBeGreaterThanOrEqual(0.9);
  });
});
