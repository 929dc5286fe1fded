import { describe, it, expect, afterAll } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { DataError } from '../../../core/data/errors';
import { clearIdxCache, loadIdxDataset, readIdxSets } from '../../../core/data/idx-dataset';
import type { IdxDatasetFiles } from '../../../core/data/idx-dataset';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fathom-idxds-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function idx(dims: number[], data: number[]): Uint8Array {
  const header = new DataView(new ArrayBuffer(4 + 4 * dims.length));
  header.setUint8(2, 0x08);
  header.setUint8(3, dims.length);
  dims.forEach((d, i) => header.setInt32(4 + 4 * i, d, false));
  return new Uint8Array([...new Uint8Array(header.buffer), ...data]);
}

function write(name: string, bytes: Uint8Array): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, gzipSync(bytes)); // gzipped like the Fashion-MNIST files
  return file;
}

// Five 1×2 "images" whose pixels encode their index; three classes.
const files: IdxDatasetFiles = {
  trainImages: write('train-images.gz', idx([5, 1, 2], [0, 10, 1, 11, 2, 12, 3, 13, 4, 14])),
  trainLabels: write('train-labels.gz', idx([5], [0, 1, 2, 0, 1])),
  testImages: write('test-images.gz', idx([2, 1, 2], [20, 30, 21, 31])),
  testLabels: write('test-labels.gz', idx([2], [2, 2])),
};
const classes = ['a', 'b', 'c'];

describe('loadIdxDataset', () => {
  it('loads gzipped files with named classes and no scaling', () => {
    const d = loadIdxDataset({ name: 'Tiny', ...files, classes, scaling: 'none' });
    expect(d).toMatchObject({ name: 'Tiny', kind: 'classification', inputShape: [1, 2], classes });
    expect(d.train.count).toBe(5);
    expect(d.test.count).toBe(2);
    expect(Array.from(d.test.inputs)).toEqual([20, 30, 21, 31]);
    expect(Array.from(d.train.targets.subarray(0, 6))).toEqual([1, 0, 0, 0, 1, 0]);
    expect(d.scaling).toEqual({ kind: 'none' });
  });

  it('splits the last rows off as validation and fits scaling on the training rows only', () => {
    const d = loadIdxDataset({ name: 'Tiny', ...files, classes, validation: true, validationSize: 2 });
    expect(d.train.count).toBe(3);
    expect(Array.from(d.validation!.labels!)).toEqual([0, 1]);
    // Training pixels are 0..2 and 10..12: the validation rows (3, 13), (4, 14) do not count.
    expect(d.scaling).toEqual({ kind: 'min-max', per: 'global', min: [0], max: [12] });
    expect(Array.from(d.validation!.inputs)).toEqual([3 / 12, 13 / 12, 4 / 12, 14 / 12].map(Math.fround));
  });

  it('applies limits after the split', () => {
    const d = loadIdxDataset({
      name: 'Tiny',
      ...files,
      classes,
      validation: true,
      validationSize: 2,
      trainLimit: 1,
      validationLimit: 1,
      testLimit: 1,
    });
    expect([d.train.count, d.validation!.count, d.test.count]).toEqual([1, 1, 1]);
    expect(Array.from(d.validation!.labels!)).toEqual([0]);
    expect(d.scaling).toEqual({ kind: 'min-max', per: 'global', min: [0], max: [10] });
  });

  it('rejects impossible options', () => {
    expect(() => loadIdxDataset({ name: 'Tiny', ...files, classes, validation: true })).toThrow(/validationSize between 1 and 4/);
    expect(() => loadIdxDataset({ name: 'Tiny', ...files, classes, trainLimit: 0 })).toThrow(DataError);
    expect(() => loadIdxDataset({ name: 'Tiny', ...files, classes, testLimit: 1.5 })).toThrow(DataError);
  });

  it('checks labels against the class count', () => {
    expect(() => loadIdxDataset({ name: 'Tiny', ...files, classes: ['a', 'b'] })).toThrow(/train-labels\.gz: .*label 2 at index 2/);
  });

  it('rejects a test set of another image size', () => {
    const testImages = write('wide-test-images.gz', idx([2, 1, 3], [1, 2, 3, 4, 5, 6]));
    let caught: unknown;
    try {
      readIdxSets({ ...files, testImages }, 3);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(DataError);
    expect((caught as DataError).code).toBe('bad-dimensions');
    expect((caught as DataError).message).toContain('wide-test-images.gz');
  });

  it('caches parsed files until they change or the cache is cleared', () => {
    const a = readIdxSets(files, 3);
    expect(readIdxSets(files, 3).train).toBe(a.train);
    clearIdxCache();
    const b = readIdxSets(files, 3);
    expect(b.train).not.toBe(a.train);
    expect(Array.from(b.train.pixels)).toEqual(Array.from(a.train.pixels));
    const labels = write('changing-labels.gz', idx([5], [0, 0, 0, 0, 0]));
    const first = readIdxSets({ ...files, trainLabels: labels }, 3).train;
    write('changing-labels.gz', idx([5], [1, 1, 1, 1, 1]));
    fs.utimesSync(labels, new Date(), new Date(Date.now() + 5000)); // make sure the mtime moves
    expect(Array.from(readIdxSets({ ...files, trainLabels: labels }, 3).train.labels)).toEqual([1, 1, 1, 1, 1]);
    expect(Array.from(first.labels)).toEqual([0, 0, 0, 0, 0]);
  });
});
