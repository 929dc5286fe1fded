import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CliError, parseCli } from '../../../core/cli/args';

const NIELSEN = '--layers 784,30,10 --activation sigmoid --loss quadratic --init normal --batch 10 --lr 3 --epochs 30 --seed 1'.split(' ');
const MODERN =
  '--layers 784,100,10 --activation relu,softmax --loss cross-entropy --init he --optimizer adam --lr 0.001 --batch 64 --epochs 5'.split(
    ' ',
  );

describe('parseCli', () => {
  it("reads Nielsen's reference run into a spec and settings", () => {
    const { spec, settings } = parseCli(NIELSEN);
    expect(spec).toEqual({
      inputSize: 784,
      layers: [
        { units: 30, activation: 'sigmoid' },
        { units: 10, activation: 'sigmoid' },
      ],
      loss: 'quadratic',
      init: 'normal',
    });
    expect(settings).toMatchObject({ batchSize: 10, learningRate: 3, epochs: 30, seed: 1, optimizer: 'sgd', stop: { kind: 'epochs' } });
  });

  it('takes one activation per non-input layer', () => {
    const { spec, settings } = parseCli(MODERN);
    expect(spec.layers.map((l) => l.activation)).toEqual(['relu', 'softmax']);
    expect(settings.optimizer).toBe('adam');
  });

  it('reads the stopping rules', () => {
    expect(parseCli(['--stop', 'plateau:0.01']).settings.stop).toEqual({ kind: 'loss-plateau', minImprovement: 0.01 });
    expect(parseCli(['--stop', 'patience:4', '--validation']).settings.stop).toEqual({ kind: 'early-stopping', patience: 4 });
  });

  it.each([
    [['--loss', 'hinge'], /--loss: "hinge" is not one of/],
    [['--layers', '784'], /--layers: expected at least two whole numbers/],
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

describe('--workers', () => {
  it('takes a thread count or auto, and refuses anything else', () => {
    expect(parseCli([]).workers).toBe(1);
    expect(parseCli(['--workers', '3']).workers).toBe(3);
    expect(parseCli(['--workers', 'auto']).workers).toBe('auto');
    expect(() => parseCli(['--workers', '0'])).toThrow(CliError);
    expect(() => parseCli(['--workers', 'many'])).toThrow(/auto/);
  });
});

describe('npm run train, end to end', () => {
  const cli = (...args: string[]) =>
    spawnSync('node_modules/.bin/tsx', ['core/cli/train.ts', ...args], { encoding: 'utf8', timeout: 120_000 });

  it('exits 2 with one line and no stack trace for a bad flag', () => {
    const run = cli('--loss', 'hinge');
    expect(run.status).toBe(2);
    const lines = run.stderr
      .replace(/\r\x1b\[K/g, '')
      .trim()
      .split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^fathom train: --loss: "hinge"/);
    expect(run.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it('refuses a network whose input does not fit the data, in one line', () => {
    const run = cli('--layers', '100,10', '--train-limit', '100', '--test-limit', '50');
    expect(run.status).not.toBe(0);
    const lines = run.stderr
      .replace(/\r\x1b\[K/g, '')
      .trim()
      .split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/784 inputs per sample, but the input layer has 100 units/);
  });

  it('--workers auto says how many threads it chose: one for a batch of 10 (a single shard)', () => {
    const run = cli(...NIELSEN.slice(0, -4), '--epochs', '1', '--train-limit', '500', '--test-limit', '100', '--workers', 'auto');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/kernels, 1 thread \(auto\)/);
  });

  it('--workers 2 trains over two threads and learns', () => {
    const run = cli(...MODERN.slice(0, -1), '2', '--train-limit', '1000', '--test-limit', '200', '--json', '--workers', '2');
    expect(run.status).toBe(0);
    const epochs = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, number>);
    expect(epochs[1]!['testAccuracy']).toBeGreaterThan(0.6);
  });

  it('--json prints one object per epoch with the documented fields', () => {
    const run = cli(...MODERN.slice(0, -1), '2', '--train-limit', '1000', '--test-limit', '200', '--json');
    expect(run.status).toBe(0);
    const epochs = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, number>);
    expect(epochs.map((e) => e['epoch'])).toEqual([1, 2]);
    for (const e of epochs) {
      for (const key of ['trainLoss', 'testLoss', 'testAccuracy', 'samplesPerSecond']) expect(Number.isFinite(e[key])).toBe(true);
    }
    expect(epochs[1]!['testAccuracy']).toBeGreaterThan(0.6);
  });
});
