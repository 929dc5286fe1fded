/**
 * train.py on data that is not IDX, run by Debian's python3-torch (skipped, with the reason, where it
 * is not installed): a generated CSV file (label column in the middle, class names, a separate test
 * file) and a generated folder of PNGs (train/ and test/, every PNG colour type) read by data.py as
 * Fathom's importers read them — --evaluate gives Fathom's test accuracy and loss on the same files
 * with the same scaling — and a short training run on each.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toSamples } from '../../../../core/data/classification';
import type { ImportedData } from '../../../../core/data/import/imported';
import { importData } from '../../../../core/data/import/source';
import { fitScaling, type ScalingKind } from '../../../../core/data/scaling';
import { evaluate } from '../../../../core/engine/evaluate';
import { Network } from '../../../../core/engine/network';
import { Rng } from '../../../../core/engine/rng';
import { DEFAULT_TRAIN_SETTINGS, type NetworkSpec, type TrainSettings } from '../../../../core/engine/spec';
import { Trainer } from '../../../../core/engine/trainer';
import { pytorchProject } from '../../../../core/model/exports/pytorch/project';
import { writeFolder } from '../../../../core/model/exports/write-folder';
import { buildModelFile } from '../../../../core/model/model-file';
import { jsonLines, NO_TORCH_REASON, PYTHON, run } from './torch';

const python = PYTHON ?? 'python3';
let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'fathom-pytorch-data-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const settings: TrainSettings = { ...DEFAULT_TRAIN_SETTINGS, epochs: 3, seed: 2, batchSize: 8, learningRate: 0.1 };

/**
 * Trains `spec` in Fathom on the imported data (scaled by `kind`, fitted on the training part), writes
 * its project (no data files recorded: train.py needs --data) and returns the folder and Fathom's
 * evaluation of the test part.
 */
async function trainAndExport(name: string, data: ImportedData, spec: NetworkSpec, kind: ScalingKind) {
  const width = spec.inputSize;
  const { train, test } = data.parts;
  const scaling = fitScaling(kind, train.inputs, train.count, width, 'feature');
  const samples = (part: typeof train) => toSamples(part.inputs, part.labels!, part.count, width, data.classes.length, scaling);
  const net = Network.create(spec, new Rng(settings.seed));
  const history = new Trainer(net, { train: samples(train) }, settings).run();
  const file = buildModelFile(net, {
    scaling,
    settings,
    dataset: { name, inputShape: data.inputShape, classes: data.classes, sizes: { train: train.count, test: test!.count }, files: [] },
    history,
    appVersion: 'test',
  });
  const dir = join(root, name);
  await writeFolder(dir, pytorchProject({ file, net }, { name, appVersion: 'test' }));
  return { dir, fathom: evaluate(net, samples(test!)) };
}

/** A small seeded generator, so the files are the same on every run. */
function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}

describe.skipIf(!PYTHON)(`train.py on CSV and image folders under python3-torch${PYTHON ? '' : ` (skipped: ${NO_TORCH_REASON})`}`, () => {
  it('reads a CSV file (class names, the label column in the middle) and its test file as Fathom imports them', async () => {
    const random = lcg(7);
    const classes = ['setosa', 'versicolor', 'virginica'];
    const rows = (n: number) =>
      Array.from({ length: n }, (_, i) => {
        const c = i % 3;
        const f = [c * 2 + random(), 10 - c * 3 + random() * 2, random() * 50, c + random() * 0.5].map((x) => x.toFixed(3));
        return [f[0], f[1], classes[c], f[2], f[3]].join(',');
      });
    const header = 'sepal,petal,class,noise,width';
    await writeFile(join(root, 'train.csv'), [header, ...rows(90)].join('\n') + '\n');
    await writeFile(join(root, 'test.csv'), [header, ...rows(30)].join('\r\n'));
    const data = await importData({ format: 'csv', file: join(root, 'train.csv'), testFile: join(root, 'test.csv') });
    expect(data.classes).toEqual(classes);
    const spec: NetworkSpec = {
      inputSize: 4,
      layers: [
        { units: 6, activation: 'tanh' },
        { units: 3, activation: 'softmax' },
      ],
      loss: 'cross-entropy',
      init: 'xavier',
    };
    const { dir, fathom } = await trainAndExport('csv', data, spec, 'z-score');
    const args = ['train.py', '--data', join(root, 'train.csv'), '--test-data', join(root, 'test.csv'), '--device', 'cpu'];
    const evaluated = jsonLines(await run(python, [...args, '--evaluate'], dir), 'evaluated')[0]!;
    expect(evaluated['testAccuracy']).toBe(fathom.accuracy);
    expect(evaluated['testLoss'] as number).toBeCloseTo(fathom.loss, 5);
    const stdout = await run(python, [...args, '--epochs', '1'], dir);
    expect(jsonLines(stdout, 'started')[0]).toMatchObject({ train: 90, test: 30 });
    expect(jsonLines(stdout, 'epoch')[0]!['testAccuracy']).toBeGreaterThan(0.5);
  });

  it('reads a folder of class folders of PNGs (grey, grey+alpha, RGB, RGBA, palette-free) with its train/test split, as N×1×H×W', async () => {
    const random = lcg(11);
    const folder = join(root, 'bars');
    const colourTypes = [0, 2, 4, 6] as const;
    let made = 0;
    for (const split of ['train', 'test'])
      for (const label of ['horizontal', 'vertical'])
        for (let n = 0; n < (split === 'train' ? 24 : 8); n++) {
          const png = new PNG({ width: 8, height: 8 });
          const line = Math.floor(random() * 8);
          for (let y = 0; y < 8; y++)
            for (let x = 0; x < 8; x++) {
              const on = (label === 'horizontal' ? y : x) === line;
              const base = on ? 200 + Math.floor(random() * 55) : Math.floor(random() * 60);
              const i = (y * 8 + x) * 4;
              // Colour in the RGB ones, so the grey weights matter; opaque everywhere.
              png.data[i] = base;
              png.data[i + 1] = Math.min(255, base + Math.floor(random() * 30));
              png.data[i + 2] = Math.max(0, base - Math.floor(random() * 30));
              png.data[i + 3] = 255;
            }
          const colorType = colourTypes[made++ % colourTypes.length]!;
          if (colorType === 0 || colorType === 4) for (let i = 0; i < 64 * 4; i += 4) png.data[i + 1] = png.data[i + 2] = png.data[i]!; // grey images are grey
          await mkdir(join(folder, split, label), { recursive: true });
          await writeFile(join(folder, split, label, `${n}.png`), PNG.sync.write(png, { colorType }));
        }
    const data = await importData({ format: 'image-folder', folder });
    expect(data.inputShape).toEqual([8, 8]);
    const spec: NetworkSpec = {
      inputSize: 64,
      inputShape: { channels: 1, height: 8, width: 8 },
      layers: [
        { kind: 'conv', filters: 3, kernel: 3, stride: 1, padding: 'same', activation: 'relu' },
        { kind: 'maxpool', size: 2, stride: 2 },
        { units: 2, activation: 'softmax' },
      ],
      loss: 'cross-entropy',
      init: 'he',
    };
    const { dir, fathom } = await trainAndExport('images', data, spec, 'min-max');
    const args = ['train.py', '--data', folder, '--device', 'cpu'];
    const evaluated = jsonLines(await run(python, [...args, '--evaluate'], dir), 'evaluated')[0]!;
    expect(evaluated['testAccuracy']).toBe(fathom.accuracy);
    expect(evaluated['testLoss'] as number).toBeCloseTo(fathom.loss, 5);
    const stdout = await run(python, [...args, '--epochs', '1'], dir);
    expect(jsonLines(stdout, 'started')[0]).toMatchObject({ train: 48, test: 16 });
  });

  it('refuses data that does not fit the network, with the file and the reason', async () => {
    const dir = join(root, 'csv');
    await writeFile(join(root, 'wide.csv'), 'label,a,b,c,d,e\n0,1,2,3,4,5\n1,1,2,3,4,5\n2,1,2,3,4,5\n');
    await expect(run(python, ['train.py', '--data', join(root, 'wide.csv'), '--evaluate'], dir)).rejects.toThrow(
      /the samples have 5 values each; the network takes 4/,
    );
    await writeFile(join(root, 'labels.csv'), 'a,b,label,c,d\n1,2,tulip,3,4\n');
    await expect(run(python, ['train.py', '--data', join(root, 'labels.csv'), '--evaluate'], dir)).rejects.toThrow(
      /row 2: the label "tulip"/,
    );
  });
});
