import { createHash } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../../core/data/dataset';
import { ModelFileError } from '../../../core/model/errors';
import { buildModelFile } from '../../../core/model/model-file';
import {
  describeDataset,
  loadModelFile,
  saveModelFile,
  sha256File,
  writeFileAtomic,
  type AtomicWriteFs,
} from '../../../core/model/model-files';
import { synthetic, trainedSmall } from './fixtures';

const dir = mkdtempSync(join(tmpdir(), 'fathom-model-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const { net, meta } = trainedSmall();
const file = buildModelFile(net, meta);

async function rejection(promise: Promise<unknown>): Promise<ModelFileError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ModelFileError);
  return err as ModelFileError;
}

/** A real file system whose rename fails, as a full disk or a locked target would make it. */
const failingRename: AtomicWriteFs = {
  open: fsp.open,
  unlink: fsp.unlink,
  rename: async () => {
    throw Object.assign(new Error('EXDEV: simulated failure, rename'), { code: 'EXDEV' });
  },
};

describe('saving and loading model files', () => {
  it('saves and loads a model', async () => {
    const path = join(dir, 'saved.fathom.json');
    await saveModelFile(path, file);
    const loaded = await loadModelFile(path);
    expect(loaded.file).toEqual(file);
    expect(Array.from(loaded.net.w[1]!)).toEqual(Array.from(net.w[1]!));
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('replaces an existing file', async () => {
    const path = join(dir, 'replaced.fathom.json');
    writeFileSync(path, 'old contents');
    await saveModelFile(path, file);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(file);
  });

  it('leaves the old file intact and no temporary file behind when the rename fails', async () => {
    const sub = join(dir, 'rename-fails');
    mkdirSync(sub);
    const path = join(sub, 'model.fathom.json');
    writeFileSync(path, 'the previous model');
    const err = await rejection(saveModelFile(path, file, failingRename));
    expect(err.code).toBe('unwritable');
    expect(err.message).toMatch(
      /model\.fathom\.json: could not be written \(EXDEV: simulated failure, rename\); any previous file there is unchanged/,
    );
    expect(readFileSync(path, 'utf8')).toBe('the previous model');
    expect(readdirSync(sub)).toEqual(['model.fathom.json']);
  });

  it('leaves no temporary file behind when the target is a folder', async () => {
    const sub = join(dir, 'target-is-folder');
    mkdirSync(join(sub, 'model.fathom.json'), { recursive: true });
    writeFileSync(join(sub, 'model.fathom.json', 'inside'), 'kept');
    const err = await rejection(saveModelFile(join(sub, 'model.fathom.json'), file));
    expect(err.code).toBe('unwritable');
    expect(readdirSync(sub)).toEqual(['model.fathom.json']);
    expect(readFileSync(join(sub, 'model.fathom.json', 'inside'), 'utf8')).toBe('kept');
  });

  it('reports a missing folder as unwritable', async () => {
    const err = await rejection(writeFileAtomic(join(dir, 'no-such-folder', 'm.fathom.json'), 'x'));
    expect(err.code).toBe('unwritable');
    expect(err.message).toMatch(/no-such-folder.*could not be written \(ENOENT/);
  });

  it('writes bytes as well as text', async () => {
    const path = join(dir, 'bytes.bin');
    await writeFileAtomic(path, new Uint8Array([1, 2, 255]));
    expect(Array.from(readFileSync(path))).toEqual([1, 2, 255]);
  });

  it('reports a file that cannot be read as unreadable, with the path', async () => {
    const missing = await rejection(loadModelFile(join(dir, 'missing.fathom.json')));
    expect(missing.code).toBe('unreadable');
    expect(missing.message).toMatch(/missing\.fathom\.json: cannot read the model file: there is no such file$/);
    expect((await rejection(loadModelFile(dir))).message).toMatch(/it is a folder, not a file/);
  });

  it('reports a damaged file with its path', async () => {
    const path = join(dir, 'cut.fathom.json');
    writeFileSync(path, JSON.stringify(file).slice(0, 500));
    const err = await rejection(loadModelFile(path));
    expect(err.code).toBe('truncated');
    expect(err.message.startsWith(`${path}: `)).toBe(true);
  });
});

describe('dataset identity', () => {
  it('hashes a file with SHA-256, streamed', async () => {
    const path = join(dir, 'data.bin');
    const bytes = new Uint8Array(200_000).map((_, i) => (i * 31) & 255);
    writeFileSync(path, bytes);
    expect(await sha256File(path)).toBe(createHash('sha256').update(bytes).digest('hex'));
    await expect(sha256File(join(dir, 'nope.bin'))).rejects.toThrow(/ENOENT/);
  });

  it('describes a dataset with its sizes and hashed files', async () => {
    const path = join(dir, 'train.idx');
    writeFileSync(path, 'abc');
    const dataset: Dataset = {
      name: 'tiny',
      kind: 'classification',
      inputShape: [6],
      classes: ['a', 'b', 'c'],
      train: synthetic(10, 1),
      test: synthetic(4, 2),
    };
    expect(await describeDataset(dataset, [path])).toEqual({
      name: 'tiny',
      inputShape: [6],
      classes: ['a', 'b', 'c'],
      sizes: { train: 10, test: 4 },
      files: [{ name: 'train.idx', sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' }],
    });
  });
});
