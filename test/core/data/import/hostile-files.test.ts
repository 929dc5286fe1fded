/**
 * Paths that are not what they claim: links to /dev/zero, FIFOs where files should be, links to
 * folders. Each is refused by name (or, for folder links, followed or skipped with a note), without
 * reading a byte from what is not a regular file and without waiting on a pipe.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { join } from 'node:path';
import { importImageFolder } from '../../../../core/data/import/images';
import { importData } from '../../../../core/data/import/source';
import { DatasetLibrary } from '../../../../core/data/library/library';
import { MiB, linkToDevZero, makeFifo, peakGrowth } from '../../files/hostile';
import { expectDataError, snapshot, tempFolder, writeIdxPair, writePng, writeText } from './fixtures';

const folder = tempFolder('hostile-files');
afterAll(() => folder.remove());
let made = 0;
const fresh = () => join(folder.path, `case${++made}`);

/** Two classes of 4×4 PNGs. */
function pngFolder(root = fresh()): string {
  for (const name of ['circle', 'square']) for (let i = 0; i < 2; i++) writePng(join(root, name, `${i}.png`), 4, 4, (x) => x * 60);
  return root;
}

describe('imports read regular files only', () => {
  it('refuses an image that is a link to /dev/zero, by name, with bounded memory', async () => {
    const root = pngFolder();
    linkToDevZero(join(root, 'circle', 'x.png'));
    const { error, growth } = await peakGrowth(() => importImageFolder({ format: 'image-folder', folder: root }));
    await expectDataError(
      Promise.reject(error),
      'not-a-file',
      /^circle\/x\.png: expected a regular file at .*x\.png, found a character device, not a regular file; nothing was read from it$/,
    );
    expect(growth).toBeLessThan(32 * MiB);
  });

  it('refuses a FIFO named like an image instead of waiting on it', { timeout: 60_000 }, async () => {
    const root = pngFolder();
    makeFifo(join(root, 'square', '9.png'));
    await expectDataError(
      importImageFolder({ format: 'image-folder', folder: root }),
      'not-a-file',
      /^square\/9\.png: .*found a named pipe \(FIFO\)/,
    );
  });

  it('refuses a FIFO chosen as a CSV file, or linked as an IDX file', { timeout: 60_000 }, async () => {
    const fifo = makeFifo(join(fresh(), 'table.csv'));
    await expectDataError(importData({ format: 'csv', file: fifo }), 'not-a-file', /^table\.csv: .*named pipe \(FIFO\)/);
    await expectDataError(importData({ format: 'auto', path: fifo }), 'not-a-file', /^table\.csv: .*named pipe \(FIFO\)/);
    const idx = fresh();
    const pair = writeIdxPair(idx, 'train', [0, 1]);
    await fsp.rm(pair.labels);
    symlinkSync(makeFifo(join(idx, 'pipe')), pair.labels);
    await expectDataError(importData({ format: 'auto', path: idx }), 'not-a-file', /^train-labels-idx1-ubyte: .*named pipe \(FIFO\)/);
  });

  it('answers four FIFO imports at once, changes nothing, and keeps every other file call answering', { timeout: 60_000 }, async () => {
    const library = await DatasetLibrary.open(join(folder.path, 'library'));
    const before = snapshot(library.root);
    const imports = Array.from({ length: 4 }, (_, i) => library.import(makeFifo(join(fresh(), `data${i}.csv`)), { name: `Pipe ${i}` }));
    const results = await Promise.allSettled(imports);
    for (const result of results) {
      expect(result.status).toBe('rejected');
      expect((result as PromiseRejectedResult).reason).toMatchObject({ code: 'not-a-file' });
    }
    const file = writeText(join(fresh(), 'after.csv'), 'label,a\n0,1\n1,2\n0,3\n1,4\n0,5\n');
    expect(await fsp.readFile(file, 'utf8')).toMatch(/^label/);
    expect(snapshot(library.root)).toEqual(before);
  });
});

describe('links to class folders are followed inside the source and skipped outside it, never silently', () => {
  it('follows a link to a folder inside the source and says so', async () => {
    const root = pngFolder();
    mkdirSync(join(root, '.store', 'triangle'), { recursive: true });
    writePng(join(root, '.store', 'triangle', '0.png'), 4, 4, () => 200);
    symlinkSync(join(root, '.store', 'triangle'), join(root, 'triangle'));
    const data = await importImageFolder({ format: 'image-folder', folder: root });
    expect(data.classes).toEqual(['circle', 'square', 'triangle']);
    expect(data.parts.train.count).toBe(5);
    expect(data.notes).toContain('Followed 1 links to folders inside the source folder: triangle/.');
  });

  it('skips a link to a folder outside the source and says so', async () => {
    const root = pngFolder();
    const elsewhere = join(fresh(), 'hexagon');
    writePng(join(elsewhere, '0.png'), 4, 4, () => 10);
    symlinkSync(elsewhere, join(root, 'hexagon'));
    const data = await importImageFolder({ format: 'image-folder', folder: root });
    expect(data.classes).toEqual(['circle', 'square']);
    expect(data.notes).toContain('Skipped 1 links to folders outside the source folder (copy them in to import them): hexagon/.');
  });

  it('reads a train/ and test/ split whose folders are links inside the source', async () => {
    const root = fresh();
    pngFolder(join(root, '.versions', 'v2', 'train'));
    pngFolder(join(root, '.versions', 'v2', 'test'));
    symlinkSync(join(root, '.versions', 'v2', 'train'), join(root, 'train'));
    symlinkSync(join(root, '.versions', 'v2', 'test'), join(root, 'test'));
    writeFileSync(join(root, 'README'), 'two links');
    const data = await importImageFolder({ format: 'image-folder', folder: root });
    expect(data.parts.train.count).toBe(4);
    expect(data.parts.test?.count).toBe(4);
    expect(data.notes).toContain('Followed 2 links to folders inside the source folder: test/, train/.');
  });
});

describe('what a message quotes from a file is escaped', () => {
  const raw = /[\u0000-\u001f\u007f-\u009f]/;

  it('escapes a CSV cell holding ESC[2J or NUL, and a label column name', async () => {
    const clear = writeText(join(fresh(), 'clear.csv'), 'label,a\n0,1\n1,\u001b[2J\n');
    const err = await expectDataError(
      importData({ format: 'csv', file: clear }),
      'not-a-number',
      /row 3, column 2 \('a'\): '\\x1b\[2J' is not a number$/,
    );
    expect(err.message).not.toMatch(raw);
    const nul = writeText(join(fresh(), 'nul.csv'), 'la\u0000bel,a\nx,1\n');
    const single = await expectDataError(
      importData({ format: 'csv', file: nul }),
      'empty-class',
      /label column 'la\\x00bel', found only 'x'$/,
    );
    expect(single.message).not.toMatch(raw);
  });

  it("escapes the first bytes of a file that is no CSV (a link to a system file's look-alike)", async () => {
    const passwd = writeText(join(fresh(), 'system', 'passwd'), 'root:x:0:0:root:/root:/bin/bash\u001b]0;pwned\u0007\n');
    const link = join(fresh(), 'users.csv');
    mkdirSync(join(link, '..'), { recursive: true });
    symlinkSync(passwd, link);
    const err = await expectDataError(importData({ format: 'csv', file: link }), 'empty', /users\.csv/);
    expect(err.message).not.toMatch(raw);
    const labelled = writeText(join(fresh(), 'labelled.csv'), 'label,a\n0,root:x:0:0:root:/root:/bin/bash\u001b]0;pwned\u0007\n1,2\n');
    const quoted = await expectDataError(
      importData({ format: 'csv', file: labelled }),
      'not-a-number',
      /'root:x:0:0:root:\/root:\/bin\/bash\\x1b\]0;pw…' is not a number$/,
    );
    expect(quoted.message).not.toMatch(raw);
  });

  it('escapes file and folder names from the disk', async () => {
    const root = pngFolder();
    writeFileSync(join(root, 'circle', 'x\u001b[31m.png'), 'not a png');
    const err = await expectDataError(
      importImageFolder({ format: 'image-folder', folder: root }),
      'bad-image',
      /^circle\/x\\x1b\[31m\.png: expected a PNG image/,
    );
    expect(err.message).not.toMatch(raw);
  });
});
