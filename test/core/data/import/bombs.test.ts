/**
 * Decompression bombs and oversized declarations, generated here: each is refused from what it
 * declares (a PNG's header, an IDX header) or at the first byte, row, column or character over a
 * limit, with the memory the test watches staying small. A hang would show as the test's time-out.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { deflateSync, gzipSync } from 'node:zlib';
import { readIdxFile } from '../../../../core/data/idx-files';
import { DATA_LIMITS } from '../../../../core/data/limits';
import { importCsv } from '../../../../core/data/import/csv';
import { importIdx } from '../../../../core/data/import/idx';
import { importImageFolder } from '../../../../core/data/import/images';
import { MiB, gzipBomb, peakGrowth, pngWithHeader } from '../../files/hostile';
import { expectDataError, idxBytes, tempFolder, writeIdxPair, writePng, writeText } from './fixtures';

const folder = tempFolder('bombs');
afterAll(() => folder.remove());
let made = 0;
const fresh = () => join(folder.path, `case${++made}`);
/** Writes a file, making its folder. */
function put(path: string, data: string | Uint8Array): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, data);
  return path;
}

/** Expects `run` to be refused with this code and message, its memory growth under `bound`. */
async function refusedWithin(run: () => Promise<unknown>, bound: number, code: Parameters<typeof expectDataError>[1], message: RegExp) {
  const { error, growth } = await peakGrowth(run);
  await expectDataError(Promise.reject(error), code, message);
  expect(growth).toBeLessThan(bound);
}

describe('PNG images: the header is read before anything is decoded', () => {
  it('refuses a 114-byte image declaring 30000 × 30000 pixels', async () => {
    const root = fresh();
    writePng(join(root, 'a', '0.png'), 4, 4, () => 0);
    writePng(join(root, 'b', '0.png'), 4, 4, () => 0);
    put(join(root, 'b', 'bomb.png'), pngWithHeader(30_000, 30_000, deflateSync(Buffer.alloc(1000))));
    await refusedWithin(
      () => importImageFolder({ format: 'image-folder', folder: root, size: { width: 4, height: 4 } }),
      32 * MiB,
      'too-large',
      /^b\/bomb\.png: expected at most 16,777,216 pixels in an image \(Fathom's limit\), found 900,000,000$/,
    );
  });

  it('refuses an 8000 × 8000 image the same way, before it is decoded', async () => {
    const root = fresh();
    writePng(join(root, 'a', '0.png'), 4, 4, () => 0);
    writePng(join(root, 'b', '0.png'), 4, 4, () => 0);
    put(join(root, 'b', 'big.png'), pngWithHeader(8000, 8000, deflateSync(Buffer.alloc(100))));
    await refusedWithin(
      () => importImageFolder({ format: 'image-folder', folder: root, size: { width: 4, height: 4 } }),
      32 * MiB,
      'too-large',
      /^b\/big\.png: expected at most 16,777,216 pixels in an image \(Fathom's limit\), found 64,000,000$/,
    );
  });

  it('counts the pixels decoded over the whole import', async () => {
    const root = fresh();
    for (const c of ['a', 'b']) for (let i = 0; i < 3; i++) writePng(join(root, c, `${i}.png`), 10, 10, () => 0);
    await expectDataError(
      importImageFolder({ format: 'image-folder', folder: root }, { limits: { decodedPixels: 450 } }),
      'too-large',
      /^b\/1\.png: expected at most 450 pixels decoded in one import \(Fathom's limit\), found 500 with this image$/,
    );
    await expectDataError(
      importImageFolder({ format: 'image-folder', folder: root }, { limits: { values: 500 } }),
      'too-large',
      /^case\d+: expected at most 500 input values in a dataset \(Fathom's limit\), found 600 with this file$/,
    );
  });

  it('refuses an interlaced image whose data inflates past its header (pngjs would inflate it whole)', async () => {
    const root = fresh();
    writePng(join(root, 'a', '0.png'), 100, 100, () => 0);
    writePng(join(root, 'b', '0.png'), 100, 100, () => 0);
    put(join(root, 'b', 'inflates.png'), pngWithHeader(100, 100, deflateSync(Buffer.alloc(64 * MiB)), true));
    await refusedWithin(
      () => importImageFolder({ format: 'image-folder', folder: root }),
      64 * MiB,
      'bad-image',
      /^b\/inflates\.png: expected a PNG image, found it does not decode: its image data inflates to more than the 10\d\d\d bytes its header declares$/,
    );
  });
});

describe('IDX files: the header is read first and the stream stops at what it declares', () => {
  it('stops a gzipped file that inflates past its header at the first byte too many', async () => {
    const dir = fresh();
    const pair = writeIdxPair(dir, 'train', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 28, 28);
    // 10 images of 28 × 28 declared, 512 MiB of zeros after them.
    await gzipBomb(`${pair.images}.gz`, idxBytes([10, 28, 28], new Uint8Array(0)), 512 * MiB);
    const labels = writeIdxPair(fresh(), 'train', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 28, 28).labels;
    await refusedWithin(
      () => importIdx({ format: 'idx', trainImages: `${pair.images}.gz`, trainLabels: labels }),
      48 * MiB,
      'too-long',
      /^train-images-idx3-ubyte\.gz: expected 7840 bytes of pixel data after the header \(10×28×28\), found more \(reading stopped there\)$/,
    );
    // The synchronous reader (built-in MNIST) stops there too.
    await refusedWithin(
      async () => readIdxFile(`${pair.images}.gz`),
      48 * MiB,
      'too-long',
      /^train-images-idx3-ubyte\.gz: expected 7840 bytes of data after the header \(10×28×28\), found more \(inflating stopped there\)$/,
    );
  });

  it('refuses a header declaring more than any dataset may hold, before allocating it', async () => {
    const dir = fresh();
    const absurd = idxBytes([2_147_483_647, 2_147_483_647, 2_147_483_647], []);
    put(join(dir + '-raw-images-idx3-ubyte'), absurd);
    const labels = writeIdxPair(dir, 'train', [0, 1]).labels;
    for (const images of [join(dir + '-raw-images-idx3-ubyte'), await gzipBomb(join(dir, 'gz-images-idx3-ubyte.gz'), absurd, 10 * MiB)]) {
      await refusedWithin(
        () => importIdx({ format: 'idx', trainImages: images, trainLabels: labels }),
        48 * MiB,
        'too-large',
        /images-idx3-ubyte(\.gz)?: expected at most 10,000,000 samples in a dataset \(Fathom's limit\), found a header declaring 2,147,483,647$/,
      );
    }
    const wide = join(dir, 'wide-images-idx3-ubyte');
    put(wide, idxBytes([2, 100_000, 100_000], []));
    await expectDataError(
      importIdx({ format: 'idx', trainImages: wide, trainLabels: labels }),
      'too-large',
      /^wide-images-idx3-ubyte: expected at most 1,000,000,000 values in a dataset \(Fathom's limit\), found a header declaring 2×100000×100000 = 20,000,000,000$/,
    );
    expect(() => readIdxFile(wide)).toThrow(/expected at most 1,000,000,000 values in a dataset/);
  });

  it('counts samples over the training and test files together', async () => {
    const dir = fresh();
    const train = writeIdxPair(dir, 'train', [0, 1, 0, 1]);
    const test = writeIdxPair(dir, 't10k', [1, 0, 1]);
    await expectDataError(
      importIdx(
        { format: 'idx', trainImages: train.images, trainLabels: train.labels, testImages: test.images, testLabels: test.labels },
        { limits: { samples: 6 } },
      ),
      'too-large',
      /^t10k-images-idx3-ubyte: expected at most 6 samples in a dataset \(Fathom's limit\), found 7 with this file$/,
    );
  });

  it('refuses a labels file declaring another count before reading it', async () => {
    const dir = fresh();
    const pair = writeIdxPair(dir, 'train', [0, 1, 2]);
    await gzipBomb(`${pair.labels}.gz`, idxBytes([1_000_000], []), 1_000_000);
    await expectDataError(
      importIdx({ format: 'idx', trainImages: pair.images, trainLabels: `${pair.labels}.gz` }),
      'count-mismatch',
      /^train-labels-idx1-ubyte\.gz: expected 3 labels to match the images in train-images-idx3-ubyte, found 1000000$/,
    );
  });
});

describe('CSV tables: rows, columns, line length and inflated size are counted as they stream', () => {
  it('refuses a gzipped table of millions of rows at the first row over the limit', async () => {
    // 'label,a' then 2 million rows, gzipped to a few kilobytes.
    const file = put(join(fresh(), 'rows.csv.gz'), gzipSync(Buffer.from(`label,a\n${'0,1\n1,2\n'.repeat(1_000_000)}`)));
    await refusedWithin(
      () => importCsv({ format: 'csv', file }, { limits: { samples: 1000 } }),
      48 * MiB,
      'too-large',
      /^rows\.csv\.gz: expected at most 1,000 samples in a dataset \(Fathom's limit\), found 1,001 with this file$/,
    );
  });

  it('stops inflating a CSV past its size limit', async () => {
    const file = await gzipBomb(join(fresh(), 'zeros.csv.gz'), new TextEncoder().encode('label,a\n'), 64 * MiB);
    await refusedWithin(
      () => importCsv({ format: 'csv', file }, { limits: { csvBytes: MiB, csvLineChars: 128 * MiB } }),
      48 * MiB,
      'too-large',
      /^zeros\.csv\.gz: expected a CSV file of at most 1 MiB once decompressed \(Fathom's limit\), found more$/,
    );
  });

  it('refuses a 17 MB line at the limit, without reading on', async () => {
    const file = put(join(fresh(), 'line.csv'), `label,a\n0,1\n${'9'.repeat(17 * 1000 * 1000)}\n1,2\n`);
    await refusedWithin(
      () => importCsv({ format: 'csv', file }),
      48 * MiB,
      'too-large',
      /^line\.csv: expected at most 4,194,304 characters in a CSV line \(Fathom's limit\), found a longer line at row 3 \(is this a CSV file\?\)$/,
    );
  });

  it('refuses a row of more columns than the limit', async () => {
    const file = writeText(join(fresh(), 'wide.csv'), `${new Array(DATA_LIMITS.csvColumns + 5).fill('0').join(',')}\n`);
    await expectDataError(
      importCsv({ format: 'csv', file }),
      'too-large',
      /^wide\.csv: expected at most 100,000 columns in a CSV file \(Fathom's limit\), found more in row 1$/,
    );
  });

  it('refuses more distinct labels than classes as soon as there are', async () => {
    const rows = Array.from({ length: 2000 }, (_, i) => `name${i},${i}`).join('\n');
    const file = writeText(join(fresh(), 'names.csv'), `label,a\n${rows}\n`);
    await expectDataError(
      importCsv({ format: 'csv', file }),
      'bad-option',
      /^names\.csv: expected at most 1000 classes in the label column 'label', found more by row 1002/,
    );
  });
});
