import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModelFile } from '../../../core/model/model-files';

ort.env.wasm.numThreads = 1;

const dir = mkdtempSync(join(tmpdir(), 'fathom-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LIMITS = ['--train-limit', '1000', '--test-limit', '200'];
const NETWORK = ['--layers', '784,16,10', '--activation', 'relu,softmax', '--loss', 'cross-entropy', '--init', 'he', '--lr', '0.1'];

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('node_modules/.bin/tsx', ['core/cli/train.ts', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const jsonLines = (stdout: string): Record<string, unknown>[] =>
  stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('npm run train with model files', () => {
  const model = join(dir, 'model.fathom.json');
  const onnx = join(dir, 'model.onnx');
  let trained: Record<string, unknown>[];

  beforeAll(() => {
    const run = cli(...NETWORK, '--epochs', '2', ...LIMITS, '--json', '--out', model, '--onnx', onnx);
    expect(run.stderr.replace(/\r\x1b\[K/g, '')).toBe('');
    expect(run.status).toBe(0);
    trained = jsonLines(run.stdout);
  });

  it('--out saves the trained model and --onnx exports it', async () => {
    const { file, net } = await loadModelFile(model);
    expect(file.history.map((e) => e.epoch)).toEqual([1, 2]);
    expect(file.history[1]!.testAccuracy).toBe(trained[1]!.testAccuracy);
    expect(file.dataset).toMatchObject({ name: 'MNIST', inputShape: [28, 28], sizes: { train: 1000, test: 200 } });
    const session = await ort.InferenceSession.create(readFileSync(onnx));
    const x = new Float32Array(784).fill(0.5);
    const out = (await session.run({ input: new ort.Tensor('float32', x, [1, 784]) })).output!.data as Float32Array;
    await session.release();
    const expected = net.predict(x);
    for (let j = 0; j < 10; j++) expect(out[j]).toBeCloseTo(expected[j]!, 5);
  });

  it('--load evaluates the saved model on the test set, matching its last epoch', () => {
    const text = cli('--load', model, ...LIMITS);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/^Loaded .*model\.fathom\.json: 784-16-10 \(relu, softmax; cross-entropy\), trained 2 epochs on MNIST$/m);
    expect(text.stdout).toContain(`acc ${((trained[1]!.testAccuracy as number) * 100).toFixed(2)} %  (200 images)`);
    const json = jsonLines(cli('--load', model, ...LIMITS, '--json').stdout);
    expect(json).toEqual([{ loaded: model, epochs: 2, testLoss: trained[1]!.testLoss, testAccuracy: trained[1]!.testAccuracy }]);
  });

  it('--load with --epochs trains further and saves the longer history; --onnx exports the result', async () => {
    const more = join(dir, 'more.fathom.json');
    const moreOnnx = join(dir, 'more.onnx');
    const run = cli('--load', model, '--epochs', '1', '--lr', '0.1', ...LIMITS, '--out', more, '--onnx', moreOnnx);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/Training further \(after epoch 2\) 784-16-10/);
    expect(run.stdout).toMatch(/saved .*more\.fathom\.json\nexported .*more\.onnx/);
    const { file } = await loadModelFile(more);
    expect(file.history.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(readFileSync(moreOnnx).length).toBeGreaterThan(16 * 785 * 4);
  });

  it('--load then --onnx alone exports without training', () => {
    const only = join(dir, 'only.onnx');
    const run = cli('--load', model, ...LIMITS, '--onnx', only);
    expect(run.status).toBe(0);
    expect(run.stdout).not.toMatch(/Training/);
    expect(readFileSync(only)).toEqual(readFileSync(onnx));
  });

  it.each([
    ['a truncated file', (text: string) => text.slice(0, 400), /looks truncated/],
    [
      'a file of a newer version',
      (text: string) => text.replace('"version":1', '"version":2'),
      /written by a newer Fathom \(format version 2; this one reads up to 1\)/,
    ],
    [
      'a file with a NaN weight',
      (text: string) => text.replace(/"weights":"[A-Za-z0-9+/]{8}/, '"weights":"AADAfwAA'),
      /layer 2 weights .* the first NaN at row 0, column 0/,
    ],
  ])('refuses %s with a one-line reason and no stack trace', (_name, damage, reason) => {
    const bad = join(dir, 'bad.fathom.json');
    writeFileSync(bad, damage(readFileSync(model, 'utf8')));
    const run = cli('--load', bad, ...LIMITS);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    const lines = run.stderr
      .replace(/\r\x1b\[K/g, '')
      .trim()
      .split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^fathom train: .*bad\.fathom\.json: /);
    expect(lines[0]).toMatch(reason);
  });

  it('refuses a missing model file', () => {
    const run = cli('--load', join(dir, 'missing.fathom.json'));
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/fathom train: .*missing\.fathom\.json: cannot read the model file: there is no such file\n$/);
  });
});
