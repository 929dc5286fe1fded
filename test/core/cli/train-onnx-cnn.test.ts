/**
 * `--load model.onnx` for a CNN: a CNN trained by the CLI and exported with --onnx opens again with
 * no --scale (the file scales its raw inputs itself, and says how), evaluates as its model file does,
 * and trains further; a CNN that PyTorch exported opens with --scale.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli as run, jsonLines, ofType } from './cli';

const dir = mkdtempSync(join(tmpdir(), 'fathom-cli-onnx-cnn-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LIMITS = ['--train-limit', '600', '--test-limit', '200'];
const LAYERS = '28x28x1,conv3x3x4,maxpool2,batchnorm,dropout0.2,24,10';
const cli = (...args: string[]) => run(args);
const onnx = join(dir, 'cnn.onnx');
const model = join(dir, 'cnn.fathom.json');

/** The `loaded` event of `--load FILE --json`. */
function loaded(...args: string[]): Record<string, unknown> {
  const result = cli('--load', ...args, ...LIMITS, '--json');
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return ofType(jsonLines(result.stdout), 'loaded')[0]!;
}

describe('npm run train --load model.onnx for a CNN', () => {
  beforeAll(() => {
    const result = cli(
      '--layers',
      LAYERS,
      '--activation',
      'relu,relu,softmax',
      '--loss',
      'cross-entropy',
      '--init',
      'he',
      '--optimizer',
      'adam',
      '--lr',
      '0.002',
      '--batch',
      '20',
      '--epochs',
      '1',
      ...LIMITS,
      '--onnx',
      onnx,
      '--out',
      model,
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('evaluates as the model file does, with no --scale: the scaling comes from the file’s scaling nodes', () => {
    const fromOnnx = loaded(onnx);
    const fromModel = loaded(model);
    expect(fromOnnx['testAccuracy']).toBe(fromModel['testAccuracy']);
    expect(fromOnnx['testLoss'] as number).toBeCloseTo(fromModel['testLoss'] as number, 6);
    expect(fromOnnx['testAccuracy'] as number).toBeGreaterThan(0.5);
  });

  it('says --scale is not used when the file carries its scaling', () => {
    const result = cli('--load', onnx, '--scale', 'z-score', ...LIMITS);
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/--scale is not used: .*cnn\.onnx carries its own input scaling/);
  });

  it('trains further from the file and saves the same network', () => {
    const more = join(dir, 'more.fathom.json');
    const result = cli(
      '--load',
      onnx,
      '--epochs',
      '1',
      '--optimizer',
      'adam',
      '--lr',
      '0.001',
      '--batch',
      '20',
      ...LIMITS,
      '--json',
      '--out',
      more,
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const [epoch] = ofType(jsonLines(result.stdout), 'epoch');
    expect(epoch).toMatchObject({ epoch: 1 });
    expect(Number.isFinite(epoch!['testLoss'])).toBe(true);
    const saved = JSON.parse(readFileSync(more, 'utf8')) as { spec: unknown };
    const original = JSON.parse(readFileSync(model, 'utf8')) as { spec: unknown };
    expect(saved.spec).toEqual(original.spec);
  });

  it('opens a CNN that PyTorch exported, with --scale', () => {
    const fixture = join(__dirname, '../../fixtures/onnx/cnn.onnx');
    expect(loaded(fixture, '--scale', 'min-max')).toMatchObject({ file: fixture, epochs: 0 });
  });
});
