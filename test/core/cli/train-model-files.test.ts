import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCli } from '../../../core/cli/args';
import { CliOutput } from '../../../core/cli/output';
import { runCli } from '../../../core/cli/run';
import { scaleSample } from '../../../core/data/scaling';
import { loadModelFile } from '../../../core/model/model-files';
import { cli as run, jsonLines, LiveCli, ofType, oneLine } from './cli';

ort.env.wasm.numThreads = 1;

const dir = mkdtempSync(join(tmpdir(), 'fathom-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LIMITS = ['--train-limit', '1000', '--test-limit', '200'];
const NETWORK = ['--layers', '784,16,10', '--activation', 'relu,softmax', '--loss', 'cross-entropy', '--init', 'he', '--lr', '0.1'];

const cli = (...args: string[]) => run(args);

describe('npm run train with model files', () => {
  const model = join(dir, 'model.fathom.json');
  const onnx = join(dir, 'model.onnx');
  let trained: Record<string, unknown>[];

  beforeAll(() => {
    const result = cli(...NETWORK, '--epochs', '2', ...LIMITS, '--json', '--out', model, '--onnx', onnx);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const lines = jsonLines(result.stdout);
    expect(lines.slice(-2)).toEqual([
      { type: 'saved', file: model },
      { type: 'onnx', file: onnx },
    ]);
    trained = ofType(lines, 'epoch');
  });

  it('--out saves the trained model and --onnx exports it', async () => {
    const { file, net } = await loadModelFile(model);
    expect(file.history.map((e) => e.epoch)).toEqual([1, 2]);
    expect(file.history[1]!.testAccuracy).toBe(trained[1]!.testAccuracy);
    expect(file.dataset).toMatchObject({ name: 'MNIST', inputShape: [28, 28], sizes: { train: 1000, test: 200 } });
    const session = await ort.InferenceSession.create(readFileSync(onnx));
    // The file takes raw pixels and scales them itself, as the model file's scaling says.
    const raw = new Float32Array(784).fill(127.5);
    const out = (await session.run({ input: new ort.Tensor('float32', raw, [1, 784]) })).output!.data as Float32Array;
    await session.release();
    const expected = net.predict(scaleSample(file.scaling, raw));
    for (let j = 0; j < 10; j++) expect(out[j]).toBeCloseTo(expected[j]!, 5);
  });

  it('--load evaluates the saved model on the test set, matching its last epoch', () => {
    const text = cli('--load', model, ...LIMITS);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/^Loaded .*model\.fathom\.json: 784-16-10 \(relu, softmax; cross-entropy\), trained 2 epochs on MNIST$/m);
    expect(text.stdout).toContain(`acc ${((trained[1]!.testAccuracy as number) * 100).toFixed(2)} %  (200 images)`);
    const json = jsonLines(cli('--load', model, ...LIMITS, '--json').stdout);
    expect(json).toEqual([
      { type: 'loaded', file: model, epochs: 2, testLoss: trained[1]!.testLoss, testAccuracy: trained[1]!.testAccuracy },
    ]);
  });

  it('--load with --epochs trains further and saves the longer history; --onnx exports the result', async () => {
    const more = join(dir, 'more.fathom.json');
    const moreOnnx = join(dir, 'more.onnx');
    const result = cli('--load', model, '--epochs', '1', '--lr', '0.1', ...LIMITS, '--out', more, '--onnx', moreOnnx);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/Training further \(after epoch 2\) 784-16-10/);
    // Epochs number on from the loaded model's, on screen as in the saved history.
    expect(result.stdout).toMatch(/^epoch {3}3 {2}train loss/m);
    expect(result.stdout).toMatch(/saved .*more\.fathom\.json\nexported .*more\.onnx/);
    const { file } = await loadModelFile(more);
    expect(file.history.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(readFileSync(moreOnnx).length).toBeGreaterThan(16 * 785 * 4);
  });

  it('--load then --onnx alone exports without training', () => {
    const only = join(dir, 'only.onnx');
    const result = cli('--load', model, ...LIMITS, '--onnx', only);
    expect(result.status).toBe(0);
    expect(result.stdout).not.toMatch(/Training/);
    expect(readFileSync(only)).toEqual(readFileSync(onnx));
  });

  it.each([
    ['a truncated file', (text: string) => text.slice(0, 400), /looks truncated/],
    [
      'a file of a newer version',
      (text: string) => text.replace('"version":1', '"version":3'),
      /written by a newer Fathom \(format version 3; this one reads up to 2\)/,
    ],
    [
      'a file with a NaN weight',
      (text: string) => text.replace(/"weights":"[A-Za-z0-9+/]{8}/, '"weights":"AADAfwAA'),
      /layer 2 weights .* the first NaN at row 0, column 0/,
    ],
  ])('refuses %s with a one-line reason and no stack trace', (_name, damage, reason) => {
    const bad = join(dir, 'bad.fathom.json');
    writeFileSync(bad, damage(readFileSync(model, 'utf8')));
    const result = cli('--load', bad, ...LIMITS);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    const line = oneLine(result.stderr);
    expect(line).toMatch(/^fathom train: .*bad\.fathom\.json: /);
    expect(line).toMatch(reason);
  });

  it('refuses a missing model file', () => {
    const result = cli('--load', join(dir, 'missing.fathom.json'));
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/fathom train: .*missing\.fathom\.json: cannot read the model file: there is no such file\n$/);
  });
});

describe('--out and --onnx are checked before anything is trained', () => {
  const nowhere = join(dir, 'no-such-folder');
  const aFile = join(dir, 'a-file');
  writeFileSync(aFile, 'x');
  mkdirSync(join(dir, 'a-folder.fathom.json'), { recursive: true });

  it.each([
    [
      '--out',
      'in a missing folder',
      join(nowhere, 'm.fathom.json'),
      /^fathom train: --out .*m\.fathom\.json: the folder .*no-such-folder does not exist$/,
    ],
    [
      '--onnx',
      'in a missing folder',
      join(nowhere, 'm.onnx'),
      /^fathom train: --onnx .*m\.onnx: the folder .*no-such-folder does not exist$/,
    ],
    ['--out', 'under a file', join(aFile, 'm.fathom.json'), /^fathom train: --out .*: .*a-file is not a folder$/],
    [
      '--out',
      'naming a folder',
      join(dir, 'a-folder.fathom.json'),
      /^fathom train: --out .*a-folder\.fathom\.json: is a folder; give a file name$/,
    ],
  ])('%s %s fails at once with exit 1, before the data is read', (flag, _what, path, reason) => {
    // 30 full MNIST epochs would take minutes: the refusal comes before any of it (nothing printed, no "started").
    const result = cli('--json', '--epochs', '30', flag, path);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(oneLine(result.stderr)).toMatch(reason);
  });

  it("--out '' is a usage error (exit 2), not a run that saves nothing", () => {
    const result = cli('--out', '', '--epochs', '1');
    expect(result.status).toBe(2);
    expect(oneLine(result.stderr)).toBe('fathom train: --out: expected a file name, got an empty one');
  });
});

// The second Ctrl-C (quit at once) is tested in interrupt.test.ts: two signals sent back to back may merge into one.
describe('Ctrl-C', () => {
  // Full MNIST for 50 epochs: minutes of work, so the interrupt always lands mid-run.
  const LONG = [...NETWORK, '--epochs', '50', '--json'];

  it('stops after the current batch, says so, still writes --out and --onnx, and exits 130', async () => {
    const out = join(dir, 'interrupted.fathom.json');
    const outOnnx = join(dir, 'interrupted.onnx');
    const live = new LiveCli([...LONG, '--out', out, '--onnx', outOnnx]);
    await live.waitFor(/"type":"progress"/);
    live.child.kill('SIGINT');
    const result = await live.exited;
    expect(result.status).toBe(130);
    expect(result.stderr).toMatch(/^Ctrl-C: stopping after this batch, then writing the files asked for \(Ctrl-C again quits at once\)\n/);
    expect(result.stderr).toMatch(
      /\ninterrupted in epoch \d+ after batch \d+ of 6000 \(\d+ complete epochs? this run\); saving the weights as they are now and exporting them\n$/,
    );
    const lines = jsonLines(result.stdout);
    const [stopped] = ofType(lines, 'interrupted');
    expect(stopped).toMatchObject({ batchesPerEpoch: 6000 });
    expect(lines.slice(-2)).toEqual([
      { type: 'saved', file: out },
      { type: 'onnx', file: outOnnx },
    ]);
    const { file } = await loadModelFile(out);
    expect(file.history).toHaveLength(stopped!['completedEpochs'] as number);
    expect(readFileSync(outOnnx).length).toBeGreaterThan(16 * 785 * 4);
  });
});

describe('npm run train --load on a machine too small to train the model', () => {
  it('refuses before reading any data, saying how much memory training it would need', async () => {
    const model = join(dir, 'small-machine.fathom.json');
    const made = cli(...NETWORK, '--epochs', '1', ...LIMITS, '--out', model);
    expect(made.status).toBe(0);
    // A 784-16-10 model needs about a megabyte to train: a machine allowing 64 KB refuses it.
    const options = parseCli(['--load', model, '--epochs', '1'], { memoryBytes: 64 * 1024, cores: 1 });
    const output = new CliOutput(false, { stdout: { write: () => true }, stderr: { write: () => true } });
    await expect(runCli(options, output)).rejects.toThrow(
      /small-machine\.fathom\.json: Training 784-16-10 \(12,730 parameters, batches of 10, 1 thread\) would need about \d+ MB of memory .* this machine allows training 1 MB/,
    );
    // Without --epochs nothing trains, so the model is only described.
    expect(parseCli(['--load', model], { memoryBytes: 64 * 1024, cores: 1 }).load).toBe(model);
  });
});
