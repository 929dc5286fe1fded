import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parseTempName, processRuns, sweepStaleTempFiles, tempPathFor, writeFileAtomic } from '../../../core/files/atomic-write';
import { tempFolder } from '../data/import/fixtures';

const folder = tempFolder('atomic');
afterAll(() => folder.remove());

/** A process id that runs nothing: above the kernel's pid range. */
const DEAD = 4_194_999;

describe('atomic writes and their temporary files', () => {
  it('names its temporary files so they are recognised later', () => {
    const temp = tempPathFor(join(folder.path, 'model.fathom.json'));
    expect(basename(temp)).toMatch(new RegExp(`^\\.model\\.fathom\\.json\\.${process.pid}\\.[0-9a-f]{12}\\.fathom-tmp$`));
    expect(parseTempName(basename(temp))).toEqual({ target: 'model.fathom.json', pid: process.pid });
    // Names written by earlier versions: model saves, and library manifests.
    expect(parseTempName('.m.fathom.json.123.0123456789ab.tmp')).toEqual({ target: 'm.fathom.json', pid: 123 });
    expect(parseTempName('manifest.json.tmp-77-k3j5h2g9x1')).toEqual({ target: 'manifest.json', pid: 77 });
    expect(parseTempName('notes.tmp')).toBeUndefined();
    expect(parseTempName('.hidden')).toBeUndefined();
  });

  it('writes whole files and leaves no temporary file', async () => {
    const dir = join(folder.path, 'write');
    mkdirSync(dir);
    await writeFileAtomic(join(dir, 'a.json'), '{"a":1}');
    expect(readdirSync(dir)).toEqual(['a.json']);
  });

  it('throws the file system error of a failed write and removes its temporary file', async () => {
    const dir = join(folder.path, 'full');
    mkdirSync(dir);
    const full = {
      open: fsp.open,
      unlink: fsp.unlink,
      rename: async () => {
        throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      },
    };
    await expect(writeFileAtomic(join(dir, 'a.json'), 'x', full)).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('sweeps the temporary files of writers that are gone, and keeps those of running ones', async () => {
    const dir = join(folder.path, 'sweep');
    mkdirSync(join(dir, 'runs', 'r1'), { recursive: true });
    const stale = [
      `.model.fathom.json.${DEAD}.0123456789ab.fathom-tmp`,
      `.old.fathom.json.${DEAD}.0123456789ab.tmp`,
      `manifest.json.tmp-${DEAD}-abc123def`,
      join('runs', 'r1', `.epoch-3.fathom.json.${DEAD}.aaaaaaaaaaaa.fathom-tmp`),
    ];
    const live = [
      `.mine.fathom.json.${process.pid}.0123456789ab.fathom-tmp`,
      `.parent.fathom.json.${process.ppid}.0123456789ab.fathom-tmp`,
    ];
    const others = ['notes.tmp', 'model.fathom.json', `.x.${DEAD}.short.fathom-tmp`];
    for (const name of [...stale, ...live, ...others]) writeFileSync(join(dir, name), 'x');
    expect(processRuns(process.ppid)).toBe(true);
    expect(processRuns(DEAD)).toBe(false);

    const removed = await sweepStaleTempFiles(dir, { depth: 2 });
    expect(removed.map((p) => p.slice(dir.length + 1)).sort()).toEqual([...stale].sort());
    expect(readdirSync(dir).sort()).toEqual([...live, ...others, 'runs'].sort());
    expect(readdirSync(join(dir, 'runs', 'r1'))).toEqual([]);
  });

  it('sweeps only one target when asked, only as deep as asked, and old files of a reused process id', async () => {
    const dir = join(folder.path, 'target');
    mkdirSync(join(dir, 'sub'), { recursive: true });
    const a = `.a.fathom.json.${DEAD}.0123456789ab.fathom-tmp`;
    const b = `.b.fathom.json.${DEAD}.0123456789ab.fathom-tmp`;
    for (const name of [a, b, join('sub', a)]) writeFileSync(join(dir, name), 'x');
    await sweepStaleTempFiles(dir, { target: 'a.fathom.json' });
    expect(readdirSync(dir).sort()).toEqual([b, 'sub'].sort());
    expect(readdirSync(join(dir, 'sub'))).toEqual([a]);

    // A running process with the same id as the dead writer: kept while fresh, swept once old.
    const reused = `.c.fathom.json.${process.ppid}.0123456789ab.fathom-tmp`;
    writeFileSync(join(dir, reused), 'x');
    await sweepStaleTempFiles(dir);
    expect(readdirSync(dir)).toContain(reused);
    const dayAgo = new Date(Date.now() - 24 * 3600 * 1000);
    utimesSync(join(dir, reused), dayAgo, dayAgo);
    await sweepStaleTempFiles(dir);
    expect(readdirSync(dir)).not.toContain(reused);
  });
});
