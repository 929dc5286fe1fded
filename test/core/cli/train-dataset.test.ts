/** `npm run train -- --dataset PATH_OR_NAME`: Fashion-MNIST's gz files read directly, and the app's library by name. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatasetLibrary } from '../../../core/data/library/library';
import { defaultDataDir } from '../../../core/cli/dataset';
import { loadModelFile, sha256File } from '../../../core/model/model-files';
import { tempFolder, writeIdxPair } from '../data/import/fixtures';
import { cli as run, expectNoTerminalCodes, jsonLines, ofType, oneLine } from './cli';

const FASHION = '/usr/share/datasets/fashion-mnist';
const folder = tempFolder('cli-dataset');
afterAll(() => folder.remove());

const cli = (args: string[]) => run(args, { FATHOM_DATA: join(folder.path, 'data') });
const epochsOf = (stdout: string) => ofType(jsonLines(stdout), 'epoch');

const NETWORK = [
  '--layers',
  '784,100,10',
  '--activation',
  'relu,softmax',
  '--loss',
  'cross-entropy',
  '--init',
  'he',
  '--optimizer',
  'adam',
  '--lr',
  '0.001',
  '--batch',
  '32',
];

describe('npm run train -- --dataset', () => {
  const model = join(folder.path, 'fashion.fathom.json');
  let epoch: Record<string, number>;

  beforeAll(() => {
    const run = cli(['--dataset', FASHION, ...NETWORK, '--epochs', '1', '--train-limit', '5000', '--json', '--out', model]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    epoch = epochsOf(run.stdout)[0] as Record<string, number>;
  }, 120_000);

  it("trains on Fashion-MNIST's gz files read straight from the Debian package", () => {
    expect(epoch.epoch).toBe(1);
    expect(epoch.testAccuracy).toBeGreaterThan(0.7);
  });

  it('names the data in the model file: the four files by SHA-256, and the sizes trained on', async () => {
    const { file } = await loadModelFile(model);
    expect(file.dataset).toMatchObject({ name: 'fashion-mnist', inputShape: [28, 28], sizes: { train: 5000, test: 10_000 } });
    expect(file.dataset.files.map((f) => f.name)).toEqual([
      'train-images-idx3-ubyte.gz',
      'train-labels-idx1-ubyte.gz',
      't10k-images-idx3-ubyte.gz',
      't10k-labels-idx1-ubyte.gz',
    ]);
    expect(file.dataset.files[0]!.sha256).toBe(await sha256File(join(FASHION, 'train-images-idx3-ubyte.gz')));
  });

  it('--load with the same --dataset evaluates the model with its saved scaling', () => {
    const run = cli(['--load', model, '--dataset', FASHION]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/trained 1 epoch on fashion-mnist/);
    expect(run.stdout).toContain(`acc ${(epoch.testAccuracy! * 100).toFixed(2)} %  (10,000 images)`);
  }, 60_000);

  it('finds a dataset of the library in $FATHOM_DATA by its name', async () => {
    const library = await DatasetLibrary.open(join(folder.path, 'data', 'datasets'));
    writeIdxPair(
      join(folder.path, 'tiny'),
      'train',
      Array.from({ length: 60 }, (_, i) => i % 3),
      2,
      2,
    );
    await library.import(join(folder.path, 'tiny'), { name: 'Tiny shapes' });
    const run = cli([
      '--dataset',
      'tiny shapes',
      '--layers',
      '4,3',
      '--activation',
      'softmax',
      '--loss',
      'cross-entropy',
      '--lr',
      '0.5',
      '--epochs',
      '2',
      '--json',
    ]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(epochsOf(run.stdout)).toHaveLength(2);
  }, 60_000);

  it('"mnist" and the built-in\'s name always mean the built-in MNIST; a library dataset named like it is reached by its id', async () => {
    const library = await DatasetLibrary.open(join(folder.path, 'data', 'datasets'));
    writeIdxPair(
      join(folder.path, 'impostor'),
      'train',
      Array.from({ length: 30 }, (_, i) => i % 10),
      28,
      28,
    );
    const impostor = await library.import(join(folder.path, 'impostor'), { name: 'MNIST handwritten digits' });
    const started = (dataset: string) => {
      const result = cli(['--dataset', dataset, '--epochs', '1', '--train-limit', '100', '--test-limit', '50', '--json']);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      return ofType(jsonLines(result.stdout), 'started')[0];
    };
    for (const name of ['MNIST handwritten digits', 'mnist', 'MNIST'])
      expect(started(name)).toMatchObject({ dataset: 'MNIST', train: 100, test: 50 });
    expect(started(impostor.id)).toMatchObject({ dataset: 'MNIST handwritten digits', train: impostor.sizes.train });
  }, 120_000);

  it('escapes control characters quoted from a file instead of writing them to the terminal', () => {
    const csv = join(folder.path, 'hostile.csv');
    writeFileSync(csv, 'label,a,b\n1,2,3\n2,\x1b[2J\x00x,5\n');
    const result = cli(['--dataset', csv, '--layers', '2,3', '--epochs', '1']);
    expect(result.status).toBe(1);
    const line = oneLine(result.stderr);
    expect(line).toContain("'\\x1b[2J\\x00x'");
  });

  it('says what is wrong: a network that does not fit, a dataset that is not there', () => {
    const misfit = cli(['--dataset', FASHION, '--layers', '784,30,5', '--epochs', '1', '--train-limit', '100']);
    expect(misfit.status).toBe(2);
    expectNoTerminalCodes(misfit.stderr);
    expect(misfit.stderr).toMatch(/--dataset .*fashion-mnist: The dataset has 10 target values per sample/);
    const missing = cli(['--dataset', 'no such set']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/no dataset in the library has this id or name, and there is no such file or folder/);
  }, 60_000);

  it('defaults to the app data folder, as Electron names it', () => {
    expect(defaultDataDir({ FATHOM_DATA: '/data/f' }, 'linux', '/home/a')).toBe('/data/f');
    expect(defaultDataDir({}, 'linux', '/home/a')).toBe('/home/a/.config/fathom');
    expect(defaultDataDir({ XDG_CONFIG_HOME: '/x' }, 'linux', '/home/a')).toBe('/x/fathom');
    expect(defaultDataDir({}, 'darwin', '/Users/a')).toBe('/Users/a/Library/Application Support/fathom');
  });
});
