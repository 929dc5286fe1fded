import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetLibrary } from '../../../../core/data/library/library';
import { labDatasetInfo, modelDatasetInfo } from '../../../../core/data/library/describe';
import { resolveDataset } from '../../../../core/data/library/resolve';
import { datasetInfoSchema } from '../../../../core/model/format';
import { expectDataError, snapshot, tempFolder, writeText } from '../import/fixtures';

const folder = tempFolder('library');
afterAll(() => folder.remove());

/** 100 rows: label = 1 when x + y > 10; x, y whole numbers 0…9 plus a fraction so they stay floats. */
const points = writeText(
  join(folder.path, 'points.csv'),
  `x,y,label\n${Array.from({ length: 100 }, (_, i) => `${(i % 10) + 0.5},${Math.floor(i / 10) + 0.25},${(i % 10) + Math.floor(i / 10) > 9 ? 'high' : 'low'}`).join('\n')}\n`,
);

describe('DatasetLibrary', () => {
  const root = join(folder.path, 'lib');
  let library: DatasetLibrary;
  beforeAll(async () => {
    library = await DatasetLibrary.open(root);
  });

  it('imports a CSV, splits it by seed and registers it', async () => {
    const progress: number[] = [];
    const entry = await library.import(
      { format: 'csv', file: points, label: 'label' },
      { name: 'Points', seed: 7, split: { validation: 0.1, test: 0.2 }, onProgress: (f) => progress.push(f) },
    );
    expect(entry).toMatchObject({
      name: 'Points',
      kind: 'classification',
      inputShape: [2],
      classes: ['high', 'low'],
      features: ['x', 'y'],
      sizes: { train: 70, validation: 10, test: 20 },
      split: { seed: 7, validation: 0.1, test: 0.2, testFromFiles: false },
      source: { format: 'csv', path: points, files: [{ name: 'points.csv' }] },
    });
    expect(entry.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(entry.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(entry.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(progress.at(-1)).toBe(1);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(await library.list()).toEqual([entry]);
    expect(readdirSync(join(root, entry.id)).sort()).toEqual([
      'manifest.json',
      'test-inputs.bin',
      'test-labels.bin',
      'train-inputs.bin',
      'train-labels.bin',
      'validation-inputs.bin',
      'validation-labels.bin',
    ]);
  });

  it('gives the same split for the same seed and another for another seed', async () => {
    const again = await library.import(points, { name: 'Points again', seed: 7, split: { validation: 0.1, test: 0.2 } });
    const other = await library.import(points, { name: 'Points seed 8', seed: 8, split: { validation: 0.1, test: 0.2 } });
    const first = (await library.get('Points')).dataSha256;
    expect(again.dataSha256).toBe(first);
    expect(other.dataSha256).not.toBe(first);
    expect(other.fingerprint).toBe(again.fingerprint);
    await library.delete(again.id);
    await library.delete(other.id);
  });

  it('loads the data scaled with statistics of the training split only', async () => {
    const data = await library.load('points');
    expect(data.scaling).toMatchObject({ kind: 'z-score', per: 'feature' });
    expect(data.train).toMatchObject({ count: 70, inputSize: 2, outputSize: 2 });
    expect(data.validation?.count).toBe(10);
    expect(data.test.count).toBe(20);
    const mean = (s: typeof data.train, j: number) =>
      Array.from({ length: s.count }, (_, i) => s.inputs[i * 2 + j]!).reduce((a, b) => a + b, 0) / s.count;
    expect(Math.abs(mean(data.train, 0))).toBeLessThan(1e-5);
    expect(Math.abs(mean(data.train, 1))).toBeLessThan(1e-5);
    expect(Math.abs(mean(data.test, 0))).toBeGreaterThan(1e-3);
    // Every split keeps its one-hot targets and labels in step.
    for (let i = 0; i < data.test.count; i++) expect(data.test.targets[i * 2 + data.test.labels![i]!]).toBe(1);
    const minMax = await library.load('Points', { scaling: 'min-max', per: 'global' });
    expect(minMax.scaling).toMatchObject({ kind: 'min-max', per: 'global' });
    expect(Math.min(...minMax.train.inputs)).toBe(0);
    expect(Math.max(...minMax.train.inputs)).toBe(1);
  });

  it('renames, refusing names already taken, and survives a restart', async () => {
    const entry = await library.get('Points');
    await library.import(points, { name: 'Spare' });
    await expectDataError(library.rename(entry.id, ' spare '), 'name-taken', /'Spare' already names a dataset/);
    await expectDataError(library.rename(entry.id, '  '), 'bad-option', /expected a dataset name of 1 to 120 printable characters/);
    await expectDataError(library.import(points, { name: 'SPARE' }), 'name-taken', /'Spare' already names a dataset/);
    const renamed = await library.rename(entry.id, 'Grid points');
    expect(renamed).toEqual({ ...entry, name: 'Grid points' });

    const reopened = await DatasetLibrary.open(root);
    expect((await reopened.list()).map((d) => d.name)).toEqual(['Grid points', 'Spare']);
    const loaded = await reopened.load(entry.id);
    expect(loaded.name).toBe('Grid points');
    expect(loaded.id).toBe(entry.id);
  });

  it('deletes, and the dataset stays gone after a restart', async () => {
    const spare = await library.get('spare');
    await library.delete(spare.id);
    await expectDataError(library.delete(spare.id), 'not-found', /no|found none/);
    await expectDataError(library.load('Spare'), 'not-found', /expected a dataset with the id or name 'Spare' in the library, found none/);
    const reopened = await DatasetLibrary.open(root);
    expect((await reopened.list()).map((d) => d.name)).toEqual(['Grid points']);
    expect(readdirSync(root).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('refuses ids that are not library ids (no way out of the folder)', async () => {
    await expectDataError(library.delete('../lib'), 'not-found', /id '\.\.\/lib'/);
    await expectDataError(library.rename('..', 'x'), 'not-found', /id '\.\.'/);
  });

  it('clears leftovers of an interrupted import at open, and lists damaged entries apart', async () => {
    mkdirSync(join(root, '.import-0000'));
    writeFileSync(join(root, '.import-0000', 'train-inputs.bin'), 'half');
    const broken = join(root, '12345678-1234-1234-1234-123456789abc');
    mkdirSync(broken);
    writeFileSync(join(broken, 'manifest.json'), '{"format":"fathom-dataset"');
    const reopened = await DatasetLibrary.open(root);
    expect(readdirSync(root)).not.toContain('.import-0000');
    const { datasets, damaged } = await reopened.scan();
    expect(datasets.map((d) => d.name)).toEqual(['Grid points']);
    expect(damaged).toHaveLength(1);
    expect(damaged[0]!.error.message).toMatch(/^12345678-.*: expected manifest\.json to hold JSON/);
    await expectDataError(reopened.load('12345678-1234-1234-1234-123456789abc'), 'damaged', /expected manifest\.json to hold JSON/);
    await reopened.delete('12345678-1234-1234-1234-123456789abc');
  });

  it('describes a dataset for the window and for a saved model', async () => {
    const data = await library.load('Grid points');
    const entry = await library.get('Grid points');
    expect(labDatasetInfo(entry)).toEqual({
      id: entry.id,
      name: 'Grid points',
      kind: 'classification',
      inputShape: [2],
      classes: ['high', 'low'],
      sizes: { train: 70, test: 20 },
      builtIn: false,
    });
    const info = modelDatasetInfo(data);
    expect(datasetInfoSchema.parse(info)).toEqual(info);
    expect(info).toMatchObject({
      name: 'Grid points',
      sizes: { train: 70, validation: 10, test: 20 },
      files: [{ name: 'points.csv', sha256: entry.source.files[0]!.sha256 }],
    });
  });

  it('resolves a library id or name, a stored folder, or a plain path', async () => {
    const entry = await library.get('Grid points');
    expect((await resolveDataset(entry.id, library)).id).toBe(entry.id);
    expect((await resolveDataset('grid POINTS', library)).train.count).toBe(70);
    const stored = await resolveDataset(join(root, entry.id));
    expect(stored).toMatchObject({ id: entry.id, name: 'Grid points' });
    const direct = await resolveDataset(points, library, { hints: { label: 'label' }, split: { validation: 0, test: 0.5 } });
    expect(direct.id).toBeUndefined();
    expect(direct).toMatchObject({ name: 'points.csv', kind: 'classification', classes: ['high', 'low'] });
    expect(direct.train.count).toBe(50);
    expect(direct.validation).toBeUndefined();
    expect(direct.fingerprint).toBe(entry.fingerprint);
    const before = snapshot(root);
    await expectDataError(
      resolveDataset('no such thing', library),
      'not-found',
      /no dataset in the library has this id or name, and there is no such file or folder/,
    );
    expect(snapshot(root)).toEqual(before);
  });
});
