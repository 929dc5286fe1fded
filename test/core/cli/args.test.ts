import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliError, parseCli, USAGE } from '../../../core/cli/args';
import { JSON_EVENTS } from '../../../core/cli/events';
import pkg from '../../../package.json' with { type: 'json' };
import { cli, expectNoTerminalCodes, jsonLines, ofType, oneLine } from './cli';
import { mnistSpec } from '../../fixtures/specs';
import type { DenseLayerSpec } from '../../../core/engine/spec';

const NIELSEN = '--layers 784,30,10 --activation sigmoid --loss quadratic --init normal --batch 10 --lr 3 --epochs 30 --seed 1'.split(' ');
const MODERN =
  '--layers 784,100,10 --activation relu,softmax --loss cross-entropy --init he --optimizer adam --lr 0.001 --batch 64 --epochs 5'.split(
    ' ',
  );

describe('parseCli', () => {
  it("reads Nielsen's reference run into a spec and settings", () => {
    const { spec, settings } = parseCli(NIELSEN);
    expect(spec).toEqual(mnistSpec());
    expect(settings).toMatchObject({ batchSize: 10, learningRate: 3, epochs: 30, seed: 1, optimizer: 'sgd', stop: { kind: 'epochs' } });
  });

  it('takes one activation per non-input layer', () => {
    const { spec, settings } = parseCli(MODERN);
    expect(spec.layers.map((l) => (l as DenseLayerSpec).activation)).toEqual(['relu', 'softmax']);
    expect(settings.optimizer).toBe('adam');
  });

  it('reads the stopping rules', () => {
    expect(parseCli(['--stop', 'plateau:0.01']).settings.stop).toEqual({ kind: 'loss-plateau', minImprovement: 0.01 });
    expect(parseCli(['--stop', 'patience:4', '--validation']).settings.stop).toEqual({ kind: 'early-stopping', patience: 4 });
  });

  it.each([
    [['--loss', 'hinge'], /--loss: "hinge" is not one of/],
    [['--layers', '784'], /--layers: expected the input and at least one layer like 784,30,10/],
    [['--layers', '784,x,10'], /--layers/],
    [['--activation', 'relu,relu,relu'], /--activation: give one name, or 2/],
    [['--batch', '0'], /--batch: expected a whole number ≥ 1, got "0"/],
    [['--lr=-1'], /--lr: expected a positive number/],
    [['--lr', '-1'], /^Option '--lr' argument is ambiguous\. Did you forget/],
    [['--momentum', '1'], /--momentum/],
    [['--stop', 'sometimes'], /--stop: expected epochs, plateau/],
    [['--stop', 'patience:3'], /add --validation/],
    [['--frobnicate'], /frobnicate/],
    [['--activation', 'relu,step'], /step function/],
    [['--activation', 'softmax,sigmoid'], /Softmax .* output layer only/],
    [['--activation', 'sigmoid,softmax', '--loss', 'binary-cross-entropy'], /softmax makes the outputs compete/],
  ])('refuses %j with a specific message', (argv, message) => {
    expect(() => parseCli(argv)).toThrow(CliError);
    expect(() => parseCli(argv)).toThrow(message);
  });
});

describe('the size of the network', () => {
  const machine = { memoryBytes: 200 * 2 ** 20, cores: 4 };
  it.each([
    [
      '784,15000,15000,10',
      /784-15000-15000-10 has 236,940,010 weights and biases; Fathom trains at most 50,000,000 .*about 3\.8 GB of memory/,
    ],
    ['784,100000,30000,10', /784-100000-30000-10 has 3,078,830,010 weights and biases; .*about 49\.7 GB of memory/],
  ])('refuses %s before allocating anything, saying how much memory it would need', (layers, message) => {
    expect(() => parseCli(['--layers', layers], machine)).toThrow(CliError);
    expect(() => parseCli(['--layers', layers], machine)).toThrow(message);
  });

  it("bounds a network's training memory by the machine's, with the threads asked for", () => {
    const argv = ['--layers', '784,3000,3000,10', '--optimizer', 'adam', '--batch', '100', '--lr', '0.001'];
    expect(() => parseCli([...argv, '--workers', '4'], machine)).toThrow(
      /Training 784-3000-3000-10 \(11,388,010 parameters, batches of 100, 4 threads\) would need about 567 MB of memory .* this machine allows training 200 MB/,
    );
    expect(() => parseCli([...argv, '--workers', 'auto'], machine)).toThrow(/4 threads/);
    expect(parseCli([...argv, '--workers', '1'], { ...machine, memoryBytes: 300 * 2 ** 20 }).spec.layers).toHaveLength(3);
  });
});

describe('--workers', () => {
  it('takes a thread count or auto, and refuses anything else', () => {
    expect(parseCli([]).workers).toBe(1);
    expect(parseCli(['--workers', '3']).workers).toBe(3);
    expect(parseCli(['--workers', 'auto']).workers).toBe('auto');
    expect(() => parseCli(['--workers', '0'])).toThrow(CliError);
    expect(() => parseCli(['--workers', 'many'])).toThrow(/auto/);
  });
});

describe('file names', () => {
  it.each([
    [['--out', ''], /^--out: expected a file name, got an empty one$/],
    [['--out', '   '], /^--out: expected a file name, got an empty one$/],
    [['--onnx', ''], /^--onnx: expected a file name, got an empty one$/],
    [['--load', ''], /^--load: expected a file name, got an empty one$/],
    [['--dataset', ''], /^--dataset: expected a path or a name, got an empty one$/],
    [['--out', 'models/'], /^--out models\/: names a folder; give a file name$/],
    [['--out', 'models/..'], /names a folder/],
    [['--out', 'a\0b.fathom.json'], /cannot contain a NUL character/],
    [['--out', `${'x'.repeat(240)}.fathom.json`], /the file name is too long \(at most 229 bytes here\)/],
    [['--out', 'm.json', '--onnx', './m.json'], /--out and --onnx name the same file/],
  ])('refuses %j as a usage error', (argv, message) => {
    expect(() => parseCli(argv)).toThrow(CliError);
    expect(() => parseCli(argv)).toThrow(message);
  });

  it('accepts ordinary names', () => {
    const options = parseCli(['--out', 'a/m.fathom.json', '--onnx', 'm.onnx', '--load', 'x.fathom.json']);
    expect(options).toMatchObject({ out: 'a/m.fathom.json', onnx: 'm.onnx', load: 'x.fathom.json' });
  });
});

describe('--help', () => {
  it('documents every --json line type, the exit status and Ctrl-C', () => {
    for (const type of Object.keys(JSON_EVENTS)) expect(USAGE).toMatch(new RegExp(`^  ${type} +\\S`, 'm'));
    expect(USAGE).toMatch(/Exit status: 0 done; 1 failed .*\n2 the command line is wrong; 130 interrupted by Ctrl-C/);
    expect(USAGE).toMatch(/Ctrl-C stops after the current batch and still writes --out and --onnx/);
  });
});

describe('npm run train, end to end', () => {
  it('--version prints the app version and exits 0', () => {
    const run = cli(['--version']);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`fathom-train ${pkg.version}\n`);
    expect(run.stderr).toBe('');
  });

  it('exits 2 with one line, no terminal codes and no stack trace for a bad flag', () => {
    const run = cli(['--loss', 'hinge']);
    expect(run.status).toBe(2);
    expect(oneLine(run.stderr)).toMatch(/^fathom train: --loss: "hinge"/);
    expect(run.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it('refuses a network whose input does not fit the data, in one line (a usage error)', () => {
    const run = cli(['--layers', '100,10', '--train-limit', '100', '--test-limit', '50']);
    expect(run.status).toBe(2);
    expect(oneLine(run.stderr)).toMatch(/^fathom train: --layers: .*784 inputs per sample, but the input layer has 100 units/);
  });

  it('--workers auto says how many threads it chose: one for a batch of 10 (a single shard)', () => {
    const run = cli([...NIELSEN.slice(0, -4), '--epochs', '1', '--train-limit', '500', '--test-limit', '100', '--workers', 'auto']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/kernels, 1 thread \(auto\)/);
    // stderr is a pipe here: no progress bar, no escape codes (a plain line only every 10 s).
    expectNoTerminalCodes(run.stderr);
  });

  it('--workers 2 trains over two threads and learns', () => {
    const run = cli([...MODERN.slice(0, -1), '2', '--train-limit', '1000', '--test-limit', '200', '--json', '--workers', '2']);
    expect(run.status).toBe(0);
    const lines = jsonLines(run.stdout);
    expect(ofType(lines, 'started')[0]).toMatchObject({ threads: 2 });
    expect(ofType(lines, 'epoch')[1]!['testAccuracy']).toBeGreaterThan(0.6);
  });

  it('--json prints typed lines: started, progress, one per epoch with the documented fields, finished', () => {
    const run = cli([...MODERN.slice(0, -1), '2', '--train-limit', '1000', '--test-limit', '200', '--json']);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    const lines = jsonLines(run.stdout);
    expect(lines[0]).toEqual({
      type: 'started',
      network: '784-100-10',
      parameters: 79_510,
      dataset: 'MNIST',
      train: 1000,
      test: 200,
      batchSize: 64,
      batchesPerEpoch: 16,
      epochs: 2,
      kernels: 'wasm',
      threads: 1,
    });
    // The first batch is reported at once (a start-up marker), later ones about once a second.
    expect(lines[1]).toMatchObject({ type: 'progress', epoch: 1, batch: 1, batchesPerEpoch: 16 });
    const epochs = ofType(lines, 'epoch');
    expect(epochs.map((e) => e['epoch'])).toEqual([1, 2]);
    for (const e of epochs) {
      for (const key of ['trainLoss', 'testLoss', 'testAccuracy', 'samplesPerSecond', 'seconds'])
        expect(Number.isFinite(e[key])).toBe(true);
    }
    expect(epochs[1]!['testAccuracy']).toBeGreaterThan(0.6);
    expect(lines.at(-1)).toEqual({ type: 'finished', epochs: 2, reason: 'reached 2 epochs' });
    const types = new Set(lines.map((l) => l['type']));
    for (const type of types) expect(Object.keys(JSON_EVENTS)).toContain(type);
  });

  it('a run whose loss becomes NaN fails with exit 1 and one line, and writes nothing', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'fathom-nan-')), 'never.fathom.json');
    const args = ['--layers', '784,30,10', '--activation', 'relu,linear', '--loss', 'mse', '--init', 'he', '--lr', '1e30'];
    const run = cli([...args, '--epochs', '1', '--train-limit', '200', '--test-limit', '50', '--out', out]);
    expect(run.status).toBe(1);
    expect(oneLine(run.stderr)).toMatch(
      /^fathom train: the loss became NaN or infinite at epoch 1, batch \d+: try a lower learning rate \(--lr\); nothing was saved$/,
    );
    expect(existsSync(out)).toBe(false);
    const json = cli([...args, '--epochs', '1', '--train-limit', '200', '--test-limit', '50', '--json']);
    expect(json.status).toBe(1);
    expect(jsonLines(json.stdout).at(-1)).toMatchObject({ type: 'diverged', what: 'loss', epoch: 1 });
  });
});
