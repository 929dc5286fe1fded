import { describe, it, expect, afterAll } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { DataError } from '../../../core/data/errors';
import type { DataErrorCode } from '../../../core/data/errors';
import { parseIdx, parseIdxImages, parseIdxLabels, pairImagesLabels } from '../../../core/data/idx';
import { readIdxFile, readIdxImageSet } from '../../../core/data/idx-files';
import { linkToDevZero, makeFifo } from '../files/hostile';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fathom-idx-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** An IDX file: magic 00 00, type, rank, big-endian int32 dims, then `data`. */
function idx(dims: number[], data: number[] | Uint8Array, type = 0x08): Uint8Array {
  const header = new DataView(new ArrayBuffer(4 + 4 * dims.length));
  header.setUint8(2, type);
  header.setUint8(3, dims.length);
  dims.forEach((d, i) => header.setInt32(4 + 4 * i, d, false));
  const out = new Uint8Array(header.byteLength + data.length);
  out.set(new Uint8Array(header.buffer), 0);
  out.set(data, header.byteLength);
  return out;
}

function write(name: string, bytes: Uint8Array): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return file;
}

/** Runs `fn`, expecting a DataError with `code` whose message names `file`. */
function expectDataError(fn: () => unknown, code: DataErrorCode, file: string): DataError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(DataError);
  const err = caught as DataError;
  expect(err.code).toBe(code);
  expect(err.file).toBe(file);
  expect(err.message).toContain(file);
  return err;
}

// Two 2×3 images and their labels.
const pixels = [0, 1, 2, 3, 4, 255, 10, 20, 30, 40, 50, 60];
const imagesBytes = idx([2, 2, 3], pixels);
const labelsBytes = idx([2], [7, 3]);

describe('parseIdx on good data', () => {
  it('reads dims and data as a view on the input', () => {
    const parsed = parseIdx(imagesBytes, 'images');
    expect(parsed.dims).toEqual([2, 2, 3]);
    expect(parsed.type).toBe('ubyte');
    expect(Array.from(parsed.data)).toEqual(pixels);
    expect(parsed.data.buffer).toBe(imagesBytes.buffer);
  });

  it('reads images, labels and pairs them', () => {
    const images = parseIdxImages(imagesBytes, 'images');
    expect(images).toMatchObject({ count: 2, rows: 2, cols: 3 });
    const labels = parseIdxLabels(labelsBytes, 'labels', 10);
    expect(Array.from(labels)).toEqual([7, 3]);
    const set = pairImagesLabels(images, labels, 'images', 'labels');
    expect(set.count).toBe(2);
    expect(set.labels).toBe(labels);
  });

  it('accepts the largest class index and four dimensions', () => {
    expect(Array.from(parseIdxLabels(idx([2], [0, 9]), 'labels', 10))).toEqual([0, 9]);
    expect(parseIdx(idx([1, 2, 1, 2], [1, 2, 3, 4]), 'four').dims).toEqual([1, 2, 1, 2]);
  });
});

describe('reading IDX files', () => {
  it('reads a raw images + labels pair', () => {
    const set = readIdxImageSet(write('raw-images-idx3-ubyte', imagesBytes), write('raw-labels-idx1-ubyte', labelsBytes), 10);
    expect(set).toMatchObject({ count: 2, rows: 2, cols: 3 });
    expect(Array.from(set.pixels)).toEqual(pixels);
    expect(Array.from(set.labels)).toEqual([7, 3]);
  });

  it('gunzips gzipped files', () => {
    const set = readIdxImageSet(
      write('gz-images-idx3-ubyte.gz', gzipSync(imagesBytes)),
      write('gz-labels-idx1-ubyte.gz', gzipSync(labelsBytes)),
      10,
    );
    expect(set).toMatchObject({ count: 2, rows: 2, cols: 3 });
    expect(Array.from(set.pixels)).toEqual(pixels);
    expect(Array.from(set.labels)).toEqual([7, 3]);
  });

  it('reads any ubyte file with readIdxFile', () => {
    expect(readIdxFile(write('plain-idx1', labelsBytes)).dims).toEqual([2]);
  });
});

describe('malformed IDX files', () => {
  const labels = () => write('ok-labels-idx1-ubyte', labelsBytes);

  it('bad magic', () => {
    const bytes = imagesBytes.slice();
    bytes[0] = 0x50; // e.g. a PNG or text file
    const err = expectDataError(() => readIdxImageSet(write('magic-images', bytes), labels(), 10), 'bad-magic', 'magic-images');
    expect(err.message).toContain('0x50');
  });

  it('unsupported element type names the type found', () => {
    const err = expectDataError(() => readIdxFile(write('float-idx', idx([2], new Uint8Array(8), 0x0d))), 'bad-type', 'float-idx');
    expect(err.message).toContain('0x0D (float)');
    expect(err.message).toContain('only unsigned bytes');
    expectDataError(() => readIdxFile(write('weird-idx', idx([2], [1, 2], 0x42))), 'bad-type', 'weird-idx');
  });

  it('bad number of dimensions in the header', () => {
    expectDataError(() => readIdxFile(write('rank0-idx', idx([], []))), 'bad-dimensions', 'rank0-idx');
    expectDataError(() => readIdxFile(write('rank5-idx', idx([1, 1, 1, 1, 1], [9]))), 'bad-dimensions', 'rank5-idx');
  });

  it('wrong number of dimensions for images or labels', () => {
    const err = expectDataError(() => readIdxImageSet(labels(), labels(), 10), 'bad-dimensions', 'ok-labels-idx1-ubyte');
    expect(err.message).toContain('expected 3 dimensions');
    const images = write('ok-images-idx3-ubyte', imagesBytes);
    expectDataError(() => readIdxImageSet(images, images, 10), 'bad-dimensions', 'ok-images-idx3-ubyte');
  });

  it('zero dimension', () => {
    const err = expectDataError(
      () => readIdxImageSet(write('zero-images', idx([2, 0, 3], [])), labels(), 10),
      'bad-dimensions',
      'zero-images',
    );
    expect(err.message).toContain('dimension 2 of 3 = 0');
  });

  it('truncated data', () => {
    const err = expectDataError(
      () => readIdxImageSet(write('short-images', imagesBytes.subarray(0, imagesBytes.length - 5)), labels(), 10),
      'truncated',
      'short-images',
    );
    expect(err.message).toBe('short-images: expected 12 bytes of pixel data after the header (2×2×3), found 7 (file truncated)');
  });

  it('over-long data', () => {
    const bytes = new Uint8Array(imagesBytes.length + 3);
    bytes.set(imagesBytes);
    const err = expectDataError(() => readIdxImageSet(write('long-images', bytes), labels(), 10), 'too-long', 'long-images');
    expect(err.message).toContain('found 15');
  });

  it('truncated header', () => {
    expectDataError(() => readIdxFile(write('tiny-idx', new Uint8Array([0, 0, 8]))), 'truncated', 'tiny-idx');
    expectDataError(() => readIdxFile(write('cut-header-idx', imagesBytes.subarray(0, 10))), 'truncated', 'cut-header-idx');
    expectDataError(() => readIdxFile(write('empty-idx', new Uint8Array(0))), 'truncated', 'empty-idx');
  });

  it('count mismatch names both files', () => {
    const err = expectDataError(
      () => readIdxImageSet(write('two-images', imagesBytes), write('three-labels', idx([3], [1, 2, 3])), 10),
      'count-mismatch',
      'three-labels',
    );
    expect(err.message).toContain('two-images');
  });

  it('label out of range names the first bad index and its value', () => {
    const err = expectDataError(
      () => readIdxImageSet(write('range-images', idx([3, 1, 1], [0, 0, 0])), write('range-labels', idx([3], [4, 12, 200])), 10),
      'label-out-of-range',
      'range-labels',
    );
    expect(err.message).toContain('label 12 at index 1');
  });

  it('corrupt gzip', () => {
    const gz = gzipSync(imagesBytes);
    const corrupt = gz.subarray(0, gz.length - 10); // cut the stream short
    expectDataError(() => readIdxImageSet(write('bad.gz', corrupt), labels(), 10), 'gzip', 'bad.gz');
    const garbage = new Uint8Array([0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8]);
    expectDataError(() => readIdxFile(write('garbage.gz', garbage)), 'gzip', 'garbage.gz');
  });

  it('gzipped but malformed inside is reported as IDX, not gzip', () => {
    expectDataError(() => readIdxFile(write('inner.gz', gzipSync(imagesBytes.subarray(0, 20)))), 'truncated', 'inner.gz');
  });

  it('missing file', () => {
    const missing = path.join(dir, 'no-such-idx3-ubyte');
    const err = expectDataError(() => readIdxImageSet(missing, labels(), 10), 'unreadable', 'no-such-idx3-ubyte');
    expect(err.message).toContain('ENOENT');
  });

  it('a directory is unreadable too', () => {
    expectDataError(() => readIdxFile(dir), 'unreadable', path.basename(dir));
  });
});

describe('synchronous IDX reads open regular files only', () => {
  it('refuses a FIFO and a link to /dev/zero by name, reading nothing from them', { timeout: 60_000 }, () => {
    const fifo = makeFifo(path.join(dir, 'pipe-images-idx3-ubyte'));
    expect(() => readIdxFile(fifo)).toThrow(
      /^pipe-images-idx3-ubyte: expected a regular file at .*, found a named pipe \(FIFO\), not a regular file; nothing was read from it$/,
    );
    const zero = linkToDevZero(path.join(dir, 'zero-images-idx3-ubyte'));
    expect(() => readIdxFile(zero)).toThrow(/^zero-images-idx3-ubyte: .*found a character device/);
  });
});
