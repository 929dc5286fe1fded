/**
 * Every malformed input gets a specific message naming the file and the row, byte or image, and
 * leaves the library exactly as it was: no new entry, no stray files.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataErrorCode } from '../../../../core/data/errors';
import type { ImportSource } from '../../../../core/data/import/source';
import { DatasetLibrary } from '../../../../core/data/library/library';
import type { ImportOptions } from '../../../../core/data/library/library';
import { expectDataError, idxBytes, snapshot, tempFolder, writeIdxPair, writePng, writeText } from '../import/fixtures';

const folder = tempFolder('malformed');
afterAll(() => folder.remove());
const root = join(folder.path, 'library');
let library: DatasetLibrary;
let made = 0;
const fresh = () => join(folder.path, `input${++made}`);

beforeAll(async () => {
  library = await DatasetLibrary.open(root);
  await library.import(writeText(join(folder.path, 'ok.csv'), 'label,a\n0,1\n1,2\n0,3\n1,4\n0,5\n'), { name: 'Existing' });
});

let before: Record<string, string>;
beforeEach(() => {
  before = snapshot(root);
});
afterEach(async () => {
  expect(snapshot(root)).toEqual(before);
  expect((await library.list()).map((d) => d.name)).toEqual(['Existing']);
});

function fails(source: ImportSource | string, code: DataErrorCode, message: RegExp, options: Partial<ImportOptions> = {}) {
  return expectDataError(library.import(source, { name: 'New', ...options }), code, message);
}

/** A folder of two classes of 4×4 PNGs. */
function pngFolder(): string {
  const dir = fresh();
  for (const name of ['circle', 'square']) for (let i = 0; i < 3; i++) writePng(join(dir, name, `${i}.png`), 4, 4, (x) => x * 60);
  return dir;
}

/** "label, then 784 pixels": a header and `rows` rows. */
function mnistCsv(rows: number, change: (row: string[], line: number) => string[] = (r) => r): string {
  const header = ['label', ...Array.from({ length: 784 }, (_, i) => `pixel${i}`)];
  const lines = [header.join(',')];
  for (let line = 2; line <= rows + 1; line++) lines.push(change([String(line % 10), ...new Array<string>(784).fill('0')], line).join(','));
  return writeText(join(fresh(), 'digits.csv'), `${lines.join('\n')}\n`);
}

describe('a malformed import leaves the library unchanged', () => {
  it('unknown format', async () => {
    const file = writeText(join(fresh(), 'scores.xlsx'), 'PK\u0003\u0004');
    await fails(
      file,
      'unknown-format',
      /^scores\.xlsx: expected IDX image and label files \(raw or \.gz\), a \.csv file, or a folder with one sub-folder of PNG images per class, found a file of another kind$/,
    );
  });

  it('mismatched image and label counts', async () => {
    const dir = fresh();
    const pair = writeIdxPair(dir, 'train', [0, 1, 2]);
    writeFileSync(pair.labels, idxBytes([2], [0, 1]));
    await fails(
      dir,
      'count-mismatch',
      /^train-labels-idx1-ubyte: expected 3 labels to match the images in train-images-idx3-ubyte, found 2$/,
    );
  });

  it('ragged CSV rows', async () => {
    const file = mnistCsv(20, (row, line) => (line === 17 ? row.slice(0, 783) : row));
    await fails(file, 'ragged-row', /^digits\.csv: row 17 has 783 columns, expected 785$/);
  });

  it('non-numeric cells', async () => {
    const file = writeText(join(fresh(), 'table.csv'), '1,2,3\n4,5,6\n7,8,9\n1,2,3\n4,5,abc\n');
    await fails(file, 'not-a-number', /^table\.csv: row 5, column 3: 'abc' is not a number$/);
    const named = mnistCsv(5, (row, line) => (line === 4 ? row.map((c, j) => (j === 100 ? '1.2.3' : c)) : row));
    await fails(named, 'not-a-number', /^digits\.csv: row 4, column 101 \('pixel99'\): '1\.2\.3' is not a number$/);
  });

  it('wrong image sizes', async () => {
    const dir = pngFolder();
    writePng(join(dir, 'square', '7.png'), 5, 4, () => 0);
    await fails(
      dir,
      'bad-dimensions',
      /^square\/7\.png: expected 4×4 pixels like circle\/0\.png, found 5×4 \(choose a size to resize every image to it\)$/,
    );
  });

  it('empty classes', async () => {
    const dir = pngFolder();
    writeText(join(dir, 'triangle', 'notes.txt'), 'no pictures yet');
    await fails(dir, 'empty-class', /^triangle\/: expected PNG images in the folder of class 'triangle', found none$/);
  });

  it('unreadable files', async () => {
    const dir = pngFolder();
    symlinkSync(join(dir, 'gone.png'), join(dir, 'circle', '9.png'));
    await fails(
      dir,
      'unreadable',
      /^circle\/9\.png: expected a readable file at .*9\.png, found it cannot be read: there is no such file$/,
    );
    const idx = fresh();
    const pair = writeIdxPair(idx, 'train', [0, 1]);
    await fails(
      { format: 'idx', trainImages: pair.images, trainLabels: join(idx, 'train-labels.gz') },
      'unreadable',
      /^train-labels\.gz: .*there is no such file$/,
    );
    await fails(
      { format: 'csv', file: idx },
      'unreadable',
      /: expected a readable file at .*, found it cannot be read: it is a folder, not a file$/,
    );
  });

  it('images that do not decode', async () => {
    const dir = pngFolder();
    writeFileSync(join(dir, 'circle', '1.png'), new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]));
    await fails(dir, 'bad-image', /^circle\/1\.png: expected a PNG image, found it does not decode/);
  });

  it('a split that leaves nothing to train on', async () => {
    const file = writeText(join(fresh(), 'tiny.csv'), 'label,a\n0,1\n1,2\n');
    await fails(
      file,
      'bad-option',
      /expected a test share above 0 and at least one training sample, found 2 samples split as 0 training, 1 validation, 1 test/,
    );
  });

  it('an import cancelled after the files were copied', async () => {
    const controller = new AbortController();
    const file = writeText(join(fresh(), 'fine.csv'), 'label,a\n0,1\n1,2\n0,3\n1,4\n0,5\n');
    let error: unknown;
    await library
      .import(file, { name: 'New', signal: controller.signal, onProgress: (f) => f > 0.9 && controller.abort() })
      .catch((err) => (error = err));
    expect((error as Error).name).toBe('AbortError');
  });
});
