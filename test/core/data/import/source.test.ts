import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { importIdx } from '../../../../core/data/import/idx';
import { detectSource, importData } from '../../../../core/data/import/source';
import { expectDataError, idxBytes, tempFolder, writeIdxPair, writePng, writeText } from './fixtures';

const folder = tempFolder('source');
afterAll(() => folder.remove());
const gz = (b: Uint8Array) => gzipSync(b);
let made = 0;
const fresh = () => join(folder.path, `f${++made}`);

describe('importIdx', () => {
  it('reads gzipped train and test pairs as streams, with hashes and progress', async () => {
    const dir = fresh();
    const train = writeIdxPair(dir, 'train', [0, 1, 2, 1], 2, 3, gz);
    const test = writeIdxPair(dir, 't10k', [2, 0], 2, 3, gz);
    const progress: number[] = [];
    const data = await importIdx(
      {
        format: 'idx',
        trainImages: train.images,
        trainLabels: train.labels,
        testImages: test.images,
        testLabels: test.labels,
        classes: ['a', 'b', 'c'],
      },
      { onProgress: (f) => progress.push(f) },
    );
    expect(data).toMatchObject({ format: 'idx', kind: 'classification', inputShape: [2, 3], classes: ['a', 'b', 'c'] });
    expect(data.parts.train.count).toBe(4);
    expect(Array.from(data.parts.test!.labels!)).toEqual([2, 0]);
    expect(data.parts.train.inputs[6]).toBe((50 + 6) % 256);
    expect(data.files.map((f) => f.name)).toEqual([
      'train-images-idx3-ubyte.gz',
      'train-labels-idx1-ubyte.gz',
      't10k-images-idx3-ubyte.gz',
      't10k-labels-idx1-ubyte.gz',
    ]);
    expect(progress.at(-1)).toBe(1);
  });

  it('names classes by label when no names are given', async () => {
    const pair = writeIdxPair(fresh(), 'emnist-letters', [0, 4, 2]);
    const data = await importIdx({ format: 'idx', trainImages: pair.images, trainLabels: pair.labels });
    expect(data.classes).toEqual(['0', '1', '2', '3', '4']);
    expect(data.parts.test).toBeUndefined();
  });

  it("names Fashion-MNIST's classes when it recognises the set by its training labels", async () => {
    const dir = '/usr/share/datasets/fashion-mnist';
    const data = await importIdx({
      format: 'idx',
      trainImages: join(dir, 'train-images-idx3-ubyte.gz'),
      trainLabels: join(dir, 'train-labels-idx1-ubyte.gz'),
    });
    expect(data.classes).toEqual([
      'T-shirt/top',
      'Trouser',
      'Pullover',
      'Dress',
      'Coat',
      'Sandal',
      'Shirt',
      'Sneaker',
      'Bag',
      'Ankle boot',
    ]);
    expect(data.notes.join(' ')).toMatch(/Recognised Fashion-MNIST/);
    // Names given by the person win over the recognised ones.
    const named = await importIdx({
      format: 'idx',
      trainImages: join(dir, 'train-images-idx3-ubyte.gz'),
      trainLabels: join(dir, 'train-labels-idx1-ubyte.gz'),
      classes: 'abcdefghij'.split(''),
    });
    expect(named.classes[9]).toBe('j');
  });

  it('refuses mismatched counts, other image sizes, broken gzip and truncated files, naming the file', async () => {
    const dir = fresh();
    const pair = writeIdxPair(dir, 'train', [0, 1, 0]);
    writeFileSync(join(dir, 'few-labels-idx1-ubyte'), idxBytes([2], [0, 1]));
    await expectDataError(
      importIdx({ format: 'idx', trainImages: pair.images, trainLabels: join(dir, 'few-labels-idx1-ubyte') }),
      'count-mismatch',
      /^few-labels-idx1-ubyte: expected 3 labels to match the images in train-images-idx3-ubyte, found 2/,
    );
    const test = writeIdxPair(dir, 'test', [1], 3, 3);
    await expectDataError(
      importIdx({ format: 'idx', trainImages: pair.images, trainLabels: pair.labels, testImages: test.images, testLabels: test.labels }),
      'bad-dimensions',
      /^test-images-idx3-ubyte: expected 2×2 images like the training set, found 3×3/,
    );
    const broken = join(dir, 'broken-images-idx3-ubyte.gz');
    writeFileSync(broken, gzipSync(idxBytes([3, 2, 2], new Array(12).fill(1))).subarray(0, 20));
    await expectDataError(
      importIdx({ format: 'idx', trainImages: broken, trainLabels: pair.labels }),
      'gzip',
      /^broken-images-idx3-ubyte\.gz: expected a valid gzip stream/,
    );
    const short = join(dir, 'short-images-idx3-ubyte');
    writeFileSync(short, idxBytes([3, 2, 2], new Array(12).fill(1)).subarray(0, 20));
    await expectDataError(
      importIdx({ format: 'idx', trainImages: short, trainLabels: pair.labels }),
      'truncated',
      /^short-images-idx3-ubyte: expected 12 bytes of pixel data .* found 4/,
    );
    await expectDataError(
      importIdx({ format: 'idx', trainImages: join(dir, 'missing'), trainLabels: pair.labels }),
      'unreadable',
      /^missing: .*there is no such file/,
    );
  });
});

describe('detectSource', () => {
  it('recognises IDX pairs in a folder or from one of their files', async () => {
    const dir = fresh();
    writeIdxPair(dir, 'train', [0, 1], 2, 2, gz);
    const test = writeIdxPair(dir, 't10k', [1, 0], 2, 2, gz);
    const fromFolder = await detectSource({ format: 'auto', path: dir, classes: ['no', 'yes'] });
    expect(fromFolder).toEqual({
      format: 'idx',
      trainImages: join(dir, 'train-images-idx3-ubyte.gz'),
      trainLabels: join(dir, 'train-labels-idx1-ubyte.gz'),
      testImages: test.images,
      testLabels: test.labels,
      classes: ['no', 'yes'],
    });
    expect(await detectSource({ format: 'auto', path: test.labels })).toMatchObject({ format: 'idx', testLabels: test.labels });
  });

  it('recognises CSV files, a train/test pair of them, and image folders', async () => {
    const dir = fresh();
    const file = writeText(join(dir, 'rent.csv'), 'area,rent\n1,2\n');
    expect(await detectSource({ format: 'auto', path: file, targets: ['rent'] })).toEqual({ format: 'csv', file, targets: ['rent'] });
    expect(await detectSource({ format: 'auto', path: dir })).toEqual({ format: 'csv', file });
    const pair = fresh();
    writeText(join(pair, 'digits_train.csv'), '');
    writeText(join(pair, 'digits_test.csv'), '');
    expect(await detectSource({ format: 'auto', path: pair })).toEqual({
      format: 'csv',
      file: join(pair, 'digits_train.csv'),
      testFile: join(pair, 'digits_test.csv'),
    });
    const images = fresh();
    writePng(join(images, 'a', '1.png'), 2, 2, () => 0);
    expect(await detectSource({ format: 'auto', path: images, size: { width: 2, height: 2 } })).toEqual({
      format: 'image-folder',
      folder: images,
      size: { width: 2, height: 2 },
    });
  });

  it('says what it expected for anything else', async () => {
    const dir = fresh();
    const sheet = writeText(join(dir, 'data.xlsx'), 'PK');
    await expectDataError(
      importData({ format: 'auto', path: sheet }),
      'unknown-format',
      /^data\.xlsx: expected IDX image and label files .* found a file of another kind/,
    );
    const empty = fresh();
    mkdirSync(empty);
    await expectDataError(importData({ format: 'auto', path: empty }), 'unknown-format', /found an empty folder/);
    await expectDataError(importData({ format: 'auto', path: join(dir, 'nothing') }), 'unreadable', /^nothing: .*there is no such file/);
    const lonely = fresh();
    mkdirSync(lonely);
    writeFileSync(join(lonely, 'train-images-idx3-ubyte'), idxBytes([1, 1, 1], [0]));
    await expectDataError(importData({ format: 'auto', path: lonely }), 'count-mismatch', /expected a labels file beside this images file/);
  });
});
