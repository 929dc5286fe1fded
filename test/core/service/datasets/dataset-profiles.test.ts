/**
 * Listing the library with target profiles reads no sample data: the profile comes from each
 * manifest (written at import). An old manifest gets its profile from the training labels or
 * targets once; a malformed one is recomputed and the reason logged.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as arrays from '@core/data/library/arrays';
import { DatasetService, libraryRoot } from '@core/service/datasets/dataset-service';
import { tempFolder, writeText } from '../../data/import/fixtures';
import { tempDataDir } from '../helpers';

// Counts every read of stored arrays, passing through to the real functions.
vi.mock('@core/data/library/arrays', async (importActual) => {
  const actual = await importActual<typeof import('@core/data/library/arrays')>();
  return { ...actual, readSplits: vi.fn(actual.readSplits), readArray: vi.fn(actual.readArray) };
});

describe('DatasetService lists target profiles from manifests', () => {
  const tmp = tempDataDir();
  const files = tempFolder('profiles');
  const root = libraryRoot(tmp.dir);
  let id: string;
  let manifest: string;
  const fresh = () => new DatasetService({ root, emit: () => {} });

  beforeAll(async () => {
    const rows = Array.from({ length: 60 }, (_, i) => `${i},${100 + i}`);
    const csv = writeText(join(files.path, 'rent.csv'), `area,rent\n${rows.join('\n')}\n`);
    const importer = new DatasetService({ root, emit: () => {}, chooseImportPaths: async () => [csv] });
    const result = await importer.import({ kind: 'csv', targets: ['rent'] });
    if (result.status !== 'imported') throw new Error(JSON.stringify(result));
    id = result.dataset.id;
    manifest = join(root, id, 'manifest.json');
    // The training split's range: some of the rents 100…159 are held out for validation and test.
    expect(result.dataset.targets).toMatchObject({ shape: 'real', width: 1 });
    expect(result.dataset.targets!.min).toBeGreaterThanOrEqual(100);
    expect(result.dataset.targets!.max).toBeLessThanOrEqual(159);
  });
  afterAll(() => {
    tmp.remove();
    files.remove();
  });
  beforeEach(() => {
    vi.mocked(arrays.readSplits).mockClear();
    vi.mocked(arrays.readArray).mockClear();
  });

  it('lists an imported dataset with its profile and reads none of its arrays', async () => {
    const listed = (await fresh().list()).find((d) => d.id === id)!;
    expect(listed.targets).toEqual(JSON.parse(readFileSync(manifest, 'utf8')).targets);
    expect(arrays.readSplits).not.toHaveBeenCalled();
    expect(arrays.readArray).not.toHaveBeenCalled();
  });

  it('gives an old manifest its profile from the training targets alone, once', async () => {
    const { targets, ...old } = JSON.parse(readFileSync(manifest, 'utf8'));
    writeFileSync(manifest, JSON.stringify(old));
    expect((await fresh().list()).find((d) => d.id === id)!.targets).toEqual(targets);
    expect(arrays.readSplits).not.toHaveBeenCalled();
    expect(vi.mocked(arrays.readArray).mock.calls.map((c) => c[2].file)).toEqual([old.arrays.train.targets.file]);
    vi.mocked(arrays.readArray).mockClear();
    expect((await fresh().list()).find((d) => d.id === id)!.targets).toEqual(targets);
    expect(arrays.readArray).not.toHaveBeenCalled();
  });

  it('recomputes a malformed profile and logs why', async () => {
    const good = JSON.parse(readFileSync(manifest, 'utf8'));
    writeFileSync(manifest, JSON.stringify({ ...good, targets: { ...good.targets, max: 'lots' } }));
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      expect((await fresh().list()).find((d) => d.id === id)!.targets).toEqual(good.targets);
      expect(warn).toHaveBeenCalledExactlyOnceWith(
        expect.stringMatching(
          /manifest\.json was read, but its target profile is malformed at targets\.max: .*recomputed from the training split and saved\.$/,
        ),
      );
    } finally {
      warn.mockRestore();
    }
    expect(JSON.parse(readFileSync(manifest, 'utf8'))).toEqual(good);
  });
});
