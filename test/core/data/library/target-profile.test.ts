/**
 * The target profile kept in each library manifest: written at import, read back without any
 * sample data, computed once and saved for manifests written before it, and checked as untrusted
 * disk input (a malformed or inconsistent profile is recomputed, with a message saying why).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetLibrary } from '../../../../core/data/library/library';
import { profileTargetProblem, profileTargets } from '../../../../core/engine/target-profile';
import { lossTargetProblem } from '../../../../core/engine/losses';
import { tempFolder, writeIdxPair, writeText } from '../import/fixtures';

const folder = tempFolder('profile');
afterAll(() => folder.remove());

/** A CSV whose rent targets are all > 300, except row 5's which is −2 (so MSLE's rule breaks). */
function rentCsv(name: string): string {
  const rows = Array.from({ length: 50 }, (_, i) => `${i},${i === 5 ? -2 : 300 + i}`);
  return writeText(join(folder.path, name), `area,rent\n${rows.join('\n')}\n`);
}

const manifestPath = (library: DatasetLibrary, id: string) => join(library.root, id, 'manifest.json');
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const writeJson = (path: string, json: unknown) => writeFileSync(path, JSON.stringify(json, null, 2));

/** Removes every stored array of a dataset: anything that then still works read no sample data. */
function dropArrays(library: DatasetLibrary, id: string): void {
  for (const file of readdirSync(join(library.root, id))) if (file.endsWith('.bin')) rmSync(join(library.root, id, file));
}

describe('library target profiles', () => {
  it('stores the profile in the manifest at import, the same the engine checks a run against', async () => {
    const library = await DatasetLibrary.open(join(folder.path, 'lib1'));
    const entry = await library.import(
      { format: 'csv', file: rentCsv('a.csv'), targets: ['rent'], inputs: ['area'] },
      { name: 'Rents', seed: 2 },
    );
    const stored = readJson(manifestPath(library, entry.id)).targets;
    const train = (await library.load(entry.id)).train.targets;
    expect(stored).toEqual(JSON.parse(JSON.stringify(profileTargets(train, 1))));
    expect(stored).toMatchObject({ shape: 'real', width: 1 });
    // The -2 row landed somewhere in some split; if in training, the listed profile names it as a run's start would.
    expect(profileTargetProblem('msle', stored)).toBe(lossTargetProblem('msle', train));
    expect(entry.targets).toEqual(stored);
  });

  it('stores one-hot label profiles for class data', async () => {
    const idx = join(folder.path, 'idx');
    writeIdxPair(idx, 'train', [2, 0, 1, 2, 1, 0, 2, 1, 0, 1]);
    const library = await DatasetLibrary.open(join(folder.path, 'lib2'));
    const entry = await library.import(
      { format: 'idx', trainImages: join(idx, 'train-images-idx3-ubyte'), trainLabels: join(idx, 'train-labels-idx1-ubyte') },
      { name: 'Tiny', split: { validation: 0, test: 0.2 } },
    );
    expect(readJson(manifestPath(library, entry.id)).targets).toMatchObject({
      shape: 'one-hot',
      width: 3,
      min: 0,
      max: 1,
      firsts: { zero: { value: 0 } },
    });
  });

  it('lists a dataset with its profile without reading its arrays', async () => {
    const library = await DatasetLibrary.open(join(folder.path, 'lib3'));
    const entry = await library.import({ format: 'csv', file: rentCsv('b.csv'), targets: ['rent'] }, { name: 'Rents' });
    dropArrays(library, entry.id);
    const { datasets, damaged, repaired } = await library.scan();
    expect(damaged).toEqual([]);
    expect(repaired).toEqual([]);
    expect(datasets.map((d) => d.targets)).toEqual([entry.targets]);
  });

  it('computes the profile once for a manifest written before profiles, and saves it', async () => {
    const library = await DatasetLibrary.open(join(folder.path, 'lib4'));
    const entry = await library.import({ format: 'csv', file: rentCsv('c.csv'), targets: ['rent'] }, { name: 'Old rents' });
    const path = manifestPath(library, entry.id);
    const { targets, ...old } = readJson(path);
    writeJson(path, old);
    const { datasets, repaired } = await library.scan();
    expect(repaired).toEqual([]); // nothing was wrong: it is simply older
    expect(datasets[0]!.targets).toEqual(targets);
    expect(readJson(path)).toEqual({ ...old, targets });
    // Saved: listing again needs no arrays.
    dropArrays(library, entry.id);
    expect((await library.list())[0]!.targets).toEqual(targets);
  });

  it('renames and imports beside an old manifest (name checks do not wait on filling its profile)', async () => {
    const library = await DatasetLibrary.open(join(folder.path, 'lib6'));
    const entry = await library.import({ format: 'csv', file: rentCsv('e.csv'), targets: ['rent'] }, { name: 'Old' });
    const { targets, ...old } = readJson(manifestPath(library, entry.id));
    writeJson(manifestPath(library, entry.id), old);
    const renamed = await library.rename(entry.id, 'Older');
    expect(renamed.name).toBe('Older');
    const other = await library.import({ format: 'csv', file: rentCsv('f.csv'), targets: ['rent'] }, { name: 'Newer' });
    expect(other.targets).toMatchObject({ shape: 'real' });
    // The next listing fills the old one's profile, keeping the new name.
    expect((await library.list()).map((d) => [d.name, d.targets])).toEqual([
      ['Older', targets],
      ['Newer', other.targets],
    ]);
    expect(readJson(manifestPath(library, entry.id))).toMatchObject({ name: 'Older', targets });
  }, 10_000);

  it('still lists an old manifest whose arrays cannot be read, without a profile', async () => {
    const library = await DatasetLibrary.open(join(folder.path, 'lib5'));
    const entry = await library.import({ format: 'csv', file: rentCsv('d.csv'), targets: ['rent'] }, { name: 'Broken' });
    const { targets: _t, ...old } = readJson(manifestPath(library, entry.id));
    writeJson(manifestPath(library, entry.id), old);
    dropArrays(library, entry.id);
    const { datasets, damaged } = await library.scan();
    expect(damaged).toEqual([]);
    expect(datasets).toHaveLength(1);
    expect(datasets[0]!.targets).toBeUndefined();
  });

  const bad: [string, (t: Record<string, unknown>) => unknown, RegExp][] = [
    ['not an object', () => 'one-hot', /target profile is malformed: /],
    ['an unknown shape', (t) => ({ ...t, shape: 'weird' }), /malformed at targets\.shape/],
    ['a string for min', (t) => ({ ...t, min: '1' }), /malformed at targets\.min/],
    ['an unknown rule', (t) => ({ ...t, firsts: { always: { index: 0, value: 1 } } }), /malformed at targets\.firsts/],
    [
      'a fractional index',
      (t) => ({ ...t, firsts: { negative: { index: 0.5, value: -1 } } }),
      /malformed at targets\.firsts\.negative\.index/,
    ],
    ['the wrong width', (t) => ({ ...t, width: 3 }), /3 targets per sample, but the dataset has 1/],
    ['min above max', (t) => ({ ...t, min: 10, max: 1 }), /min 10 is above its max 1/],
    [
      'an index past the data',
      (t) => ({ ...t, firsts: { negative: { index: 10_000, value: -1 } } }),
      /target #10000, past the \d+ training targets/,
    ],
    [
      'a witness that breaks no rule',
      (t) => ({ ...t, firsts: { negative: { index: 0, value: 4 } } }),
      /negative example 4 does not break that rule/,
    ],
  ];
  it.each(bad)('recomputes a profile with %s, saying why, and saves the good one', async (what, spoil, why) => {
    const library = await DatasetLibrary.open(join(folder.path, `bad-${what.replaceAll(' ', '-')}`));
    const entry = await library.import({ format: 'csv', file: rentCsv(`${what}.csv`), targets: ['rent'] }, { name: 'Spoilt' });
    const path = manifestPath(library, entry.id);
    const good = readJson(path);
    writeJson(path, { ...good, targets: spoil(good.targets) });
    const { datasets, damaged, repaired } = await library.scan();
    expect(damaged).toEqual([]);
    expect(datasets[0]!.targets).toEqual(good.targets);
    expect(repaired).toHaveLength(1);
    expect(repaired[0]!.folder).toBe(entry.id);
    expect(repaired[0]!.message).toMatch(/^The dataset "Spoilt" \([0-9a-f-]+\): manifest\.json was read, but its target profile/);
    expect(repaired[0]!.message).toMatch(why);
    expect(repaired[0]!.message).toMatch(/recomputed from the training split and saved\.$/);
    expect(readJson(path)).toEqual(good);
  });
});
