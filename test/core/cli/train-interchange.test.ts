/**
 * The CLI's interchange flags: --export-pytorch DIR, --safetensors and --npz after training, an ONNX
 * model opened with --load (and --scale when the file does not carry its scaling), and --weights
 * starting a design from a weights file, with every mismatch listed. The exported project itself
 * runs under PyTorch in test/core/model/exports/pytorch-project.test.ts.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PytorchConfig } from '../../../core/model/exports/pytorch/config';
import { readNpz } from '../../../core/model/imports/npz';
import { readSafetensors } from '../../../core/model/imports/safetensors';
import { cli as run, jsonLines, ofType } from './cli';

const dir = mkdtempSync(join(tmpdir(), 'fathom-cli-interchange-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LIMITS = ['--train-limit', '1000', '--test-limit', '200'];
const NETWORK = ['--layers', '784,16,10', '--activation', 'relu,softmax', '--loss', 'cross-entropy', '--init', 'he', '--lr', '0.1'];
const cli = (...args: string[]) => run(args);
const ONNX = join(__dirname, '../../fixtures/onnx');

describe('npm run train with the interchange flags', () => {
  const project = join(dir, 'project');
  const safetensors = join(dir, 'w.safetensors');
  const npz = join(dir, 'w.npz');

  beforeAll(() => {
    const result = cli(
      ...NETWORK,
      '--epochs',
      '1',
      ...LIMITS,
      '--json',
      '--export-pytorch',
      project,
      '--safetensors',
      safetensors,
      '--npz',
      npz,
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(ofType(jsonLines(result.stdout), 'exported')).toEqual([
      { type: 'exported', format: 'safetensors', file: safetensors },
      { type: 'exported', format: 'npz', file: npz },
      { type: 'exported', format: 'pytorch', file: project },
    ]);
  });

  it('--export-pytorch writes the project folder, its config holding the run and the MNIST files', () => {
    expect(readdirSync(project).sort()).toEqual(['README.md', 'config.json', 'data.py', 'model.py', 'train.py', 'weights.safetensors']);
    const config = JSON.parse(readFileSync(join(project, 'config.json'), 'utf8')) as PytorchConfig;
    expect(config.network.layers).toEqual([
      { units: 16, activation: 'relu' },
      { units: 10, activation: 'softmax' },
    ]);
    expect(config.training).toMatchObject({ learningRate: 0.1, batchSize: 10, epochs: 1 });
    expect(config.data!.split).toEqual({ train: 1000, validation: 0, test: 200 });
    expect(config.data!.files.trainImages).toMatch(/train-images-idx3-ubyte$/);
    expect(config.epochsDone).toBe(1);
    expect(readFileSync(join(project, 'model.py'), 'utf8')).toContain('self.W2 = nn.Parameter(torch.empty(16, 784))');
  });

  it('--safetensors and --npz hold the same tensors W2, b2, W3, b3', () => {
    const a = readSafetensors(readFileSync(safetensors), 'w.safetensors');
    const b = readNpz(readFileSync(npz), 'w.npz');
    expect(a.map((t) => [t.name, t.shape])).toEqual([
      ['W2', [16, 784]],
      ['b2', [16]],
      ['W3', [10, 16]],
      ['b3', [10]],
    ]);
    expect(b).toEqual(a);
  });

  it('--export-pytorch refuses a folder that holds files, before training', () => {
    const full = join(dir, 'full');
    mkdirSync(full);
    writeFileSync(join(full, 'keep.txt'), 'mine');
    const result = cli(...NETWORK, '--epochs', '1', ...LIMITS, '--export-pytorch', full);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/--export-pytorch .*full: the folder already holds files; give a new or empty one/);
    expect(readdirSync(full)).toEqual(['keep.txt']);
  });

  it('--weights starts the design from the file; a design of other shapes lists every mismatch', () => {
    const same = cli(...NETWORK, '--weights', safetensors, '--epochs', '1', ...LIMITS);
    expect(same.status).toBe(0);
    expect(same.stdout).toMatch(/starting from the weights of .*w\.safetensors \(matched by name\)/);
    const other = cli('--layers', '784,30,10', '--weights', npz, '--epochs', '1', ...LIMITS);
    expect(other.status).toBe(1);
    expect(other.stderr).toMatch(
      /W2: expected \[30, 784\], found \[16, 784\]; b2: expected \[30\], found \[16\]; W3: expected \[10, 30\], found \[10, 16\]/,
    );
  });

  it('--load opens an ONNX model PyTorch exported, asking for --scale when it does not carry its scaling', () => {
    const onnx = join(ONNX, 'flatten-relu-softmax.onnx');
    const unscaled = cli('--load', onnx, ...LIMITS);
    expect(unscaled.status).toBe(2);
    expect(unscaled.stderr).toMatch(/does not say how its inputs are scaled: add --scale NAME/);
    expect(unscaled.stderr).toContain('--scale min-max for a model trained on pixels ÷ 255');
    const opened = cli('--load', onnx, '--scale', 'min-max', ...LIMITS, '--json');
    expect(opened.status).toBe(0);
    expect(ofType(jsonLines(opened.stdout), 'loaded')[0]).toMatchObject({ file: onnx, epochs: 0 });
    const dilated = cli('--load', join(ONNX, 'conv-dilated.onnx'), '--scale', 'min-max');
    expect(dilated.status).toBe(1);
    expect(dilated.stderr).toMatch(/node "\/0\/Conv" \(Conv\) has dilations \[2, 2\]; Fathom's convolution has dilation 1/);
  });
});
