/**
 * A library whose files are not what the manifest says (links to /dev/zero, FIFOs, oversized
 * arrays), a disk that fills during an import, a dataset too small to split, and the leftovers of
 * a crash: each gives a DataError naming the dataset and file, and the library stays as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { join } from 'node:path';
import { DatasetLibrary, loadStoredDataset } from '../../../../core/data/library/library';
import type { LibraryFs } from '../../../../core/data/library/arrays';
import { MiB, linkToDevZero, makeFifo, peakGrowth, sparseFile } from '../../files/hostile';
import { expectDataError, snapshot, tempFolder, writeIdxPair, writeText } from '../import/fixtures';

const folder = tempFolder('hostile-store');
afterAll(() => folder.remove());
const csv = writeText(
  join(folder.path, 'points.csv'),
  `label,a,b\n${Array.from({ length: 40 }, (_, i) => `${i % 2},${i},${i * 2}`).join('\n')}\n`,
);

describe('stored datasets are read as regular files of the declared size only', () => {
  let library: DatasetLibrary;
  beforeAll(async () => {
    library = await DatasetLibrary.open(join(folder.path, 'read'));
  });

  async function stored(name: string): Promise<string> {
    const entry = await library.import(csv, { name });
    return join(library.root, entry.id);
  }

  it('refuses an array file that is a link to /dev/zero, naming it, with bounded memory', async () => {
    const dir = await stored('Zero');
    rmSync(join(dir, 'train-inputs.bin'));
    linkToDevZero(join(dir, 'train-inputs.bin'));
    const { error, growth } = await peakGrowth(() => loadStoredDataset(dir));
    await expectDataError(
      Promise.reject(error),
      'damaged',
      /: expected train-inputs\.bin to hold \d+ bytes \(\d+×2 uint8\), found a character device, not a regular file$/,
    );
    expect(growth).toBeLessThan(16 * MiB);
  });

  it('refuses an array file that is a FIFO, without waiting on it', { timeout: 60_000 }, async () => {
    const dir = await stored('Pipe');
    rmSync(join(dir, 'test-labels.bin'));
    makeFifo(join(dir, 'test-labels.bin'));
    await expectDataError(loadStoredDataset(dir), 'damaged', /expected test-labels\.bin to hold \d+ bytes .*found a named pipe \(FIFO\)/);
  });

  it('refuses an array file larger than its manifest declares before reading it', async () => {
    const dir = await stored('Huge');
    rmSync(join(dir, 'train-inputs.bin'));
    sparseFile(join(dir, 'train-inputs.bin'), 2048 * MiB);
    const { error, growth } = await peakGrowth(() => loadStoredDataset(dir));
    await expectDataError(
      Promise.reject(error),
      'damaged',
      /expected train-inputs\.bin to hold \d+ bytes \(\d+×2 uint8\), found 2147483648$/,
    );
    expect(growth).toBeLessThan(16 * MiB);
  });

  it('lists a dataset whose manifest is a FIFO or a link to /dev/zero as damaged, naming what it is', { timeout: 60_000 }, async () => {
    const pipe = await stored('Manifest pipe');
    rmSync(join(pipe, 'manifest.json'));
    makeFifo(join(pipe, 'manifest.json'));
    const zero = await stored('Manifest zero');
    rmSync(join(zero, 'manifest.json'));
    linkToDevZero(join(zero, 'manifest.json'));
    const { damaged } = await library.scan();
    const messages = Object.fromEntries(damaged.map((d) => [d.folder, d.error.message]));
    expect(messages[pipe.slice(library.root.length + 1)]).toMatch(
      /: expected a regular file at .*manifest\.json, found a named pipe \(FIFO\), not a regular file/,
    );
    expect(messages[zero.slice(library.root.length + 1)]).toMatch(
      /: expected a regular file at .*manifest\.json, found a character device/,
    );
  });
});

describe('a full disk during an import', () => {
  const enospc = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });

  it.each<[string, Partial<LibraryFs>]>([
    [
      'while writing the arrays',
      {
        writeFile: async () => {
          throw enospc();
        },
      },
    ],
    [
      'while writing the manifest',
      {
        open: (async (path: string, flags: string) => {
          const handle = await fsp.open(path, flags);
          return Object.assign(Object.create(handle) as fsp.FileHandle, {
            writeFile: async () => {
              throw enospc();
            },
            sync: () => handle.sync(),
            close: () => handle.close(),
          });
        }) as LibraryFs['open'],
      },
    ],
    [
      'while moving the dataset into place',
      {
        rename: async () => {
          throw enospc();
        },
      },
    ],
  ])('is a failed import with the reason, and the library is unchanged (%s)', async (_, fs) => {
    const root = join(folder.path, `full-${Math.random().toString(36).slice(2)}`);
    const library = await DatasetLibrary.open(root, { fs });
    const before = snapshot(root);
    await expectDataError(
      library.import(csv, { name: 'Points' }),
      'unwritable',
      /^expected to write to the dataset library in .*, found the disk is full \(ENOSPC\); nothing was imported$/,
    );
    expect(snapshot(root)).toEqual(before);
    expect(await library.list()).toEqual([]);
  });

  it('keeps the old name when a rename cannot be written', async () => {
    const root = join(folder.path, 'full-rename');
    const good = await DatasetLibrary.open(root);
    const entry = await good.import(csv, { name: 'Points' });
    const full = await DatasetLibrary.open(root, {
      fs: {
        rename: async () => {
          throw enospc();
        },
      },
    });
    await expectDataError(full.rename(entry.id, 'Renamed'), 'unwritable', /the disk is full \(ENOSPC\); the dataset keeps its name$/);
    expect((await good.get(entry.id)).name).toBe('Points');
    expect(readdirSync(join(root, entry.id)).filter((n) => n.includes('tmp'))).toEqual([]);
  });
});

describe('splits and leftovers', () => {
  it('says plainly that one image is too few to split, never "-1 training"', async () => {
    const library = await DatasetLibrary.open(join(folder.path, 'tiny'));
    const dir = join(folder.path, 'one-image');
    writeIdxPair(dir, 'train', [1]);
    const err = await expectDataError(
      library.import(dir, { name: 'One' }),
      'bad-option',
      /^expected a test share above 0 and at least one training sample, found 1 sample split as 0 training, 0 validation, 1 test \(validation 0\.1, test 0\.2\): a dataset needs at least 3 samples to split, one each for training, validation and test$/,
    );
    expect(err.message).not.toMatch(/-\d/);
  });

  it('removes the temporary files of manifest writes a crash left, when the library opens', async () => {
    const root = join(folder.path, 'crashed');
    const library = await DatasetLibrary.open(root);
    const entry = await library.import(csv, { name: 'Points' });
    const dead = 4_194_999;
    writeFileSync(join(root, entry.id, `.manifest.json.${dead}.0123456789ab.fathom-tmp`), '{"half": ');
    writeFileSync(join(root, entry.id, `manifest.json.tmp-${dead}-x1y2z3w4`), '{"half": ');
    await DatasetLibrary.open(root);
    expect(readdirSync(join(root, entry.id)).filter((n) => n.includes('tmp'))).toEqual([]);
  });
});
