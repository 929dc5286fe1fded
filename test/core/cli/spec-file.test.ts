/**
 * --spec FILE: the network from a JSON file (a model file's spec, or a bare spec with inputShape and
 * layers), checked with the window's schema and the shape rules; bad files refused with the reason.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CliError, parseCli, USAGE } from '../../../core/cli/args';
import { Network } from '../../../core/engine/network';
import { Rng } from '../../../core/engine/rng';
import { DEFAULT_TRAIN_SETTINGS, type NetworkSpec } from '../../../core/engine/spec';
import { buildModelFile } from '../../../core/model/model-file';

const dir = mkdtempSync(join(tmpdir(), 'fathom-cli-spec-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `content` (JSON unless a string) to dir/name and returns the path. */
function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const IMAGE = { channels: 1, height: 28, width: 28 };
const CHAPTER6 = [
  { kind: 'conv', filters: 20, kernel: 5, stride: 1, padding: 'valid', activation: 'relu' },
  { kind: 'maxpool', size: 2, stride: 2 },
  { units: 100, activation: 'relu' },
  { units: 10, activation: 'softmax' },
];

/** The CliError message parseCli throws for `args`. */
function refusal(args: string[]): string {
  try {
    parseCli(args);
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    return (error as Error).message;
  }
  throw new Error(`parseCli accepted ${args.join(' ')}`);
}

describe('--spec FILE', () => {
  it('reads a bare spec of inputShape and layers, its input size from the shape and loss/init from the flags', () => {
    const path = file('chapter6.json', { inputShape: IMAGE, layers: CHAPTER6 });
    const { spec } = parseCli(['--spec', path, '--loss', 'cross-entropy', '--init', 'he']);
    expect(spec).toEqual({ inputSize: 784, inputShape: IMAGE, layers: CHAPTER6, loss: 'cross-entropy', init: 'he' });
  });

  it("takes a model file's spec (and not its weights)", () => {
    const spec: NetworkSpec = {
      inputSize: 784,
      inputShape: IMAGE,
      layers: CHAPTER6 as NetworkSpec['layers'],
      loss: 'cross-entropy',
      init: 'xavier',
    };
    const net = Network.create(spec, new Rng(1));
    const model = buildModelFile(net, {
      scaling: { kind: 'none' },
      settings: DEFAULT_TRAIN_SETTINGS,
      dataset: { name: 'MNIST', inputShape: [28, 28], classes: [], sizes: { train: 0, test: 0 }, files: [] },
      history: [],
      appVersion: 'test',
    });
    const path = file('model.fathom.json', model);
    expect(parseCli(['--spec', path]).spec).toEqual(spec);
    // The flag agreeing with the file is fine; disagreeing is refused rather than guessed.
    expect(parseCli(['--spec', path, '--init', 'xavier']).spec.init).toBe('xavier');
    expect(refusal(['--spec', path, '--init', 'he'])).toBe(
      `--spec ${path}: the file says "init": "xavier" and the command line --init he: give one`,
    );
  });

  it('reads a flat network with inputSize, with the defaults for loss and init', () => {
    const path = file('flat.json', {
      inputSize: 784,
      layers: [
        { units: 30, activation: 'sigmoid' },
        { units: 10, activation: 'sigmoid' },
      ],
    });
    expect(parseCli(['--spec', path]).spec).toMatchObject({ inputSize: 784, loss: 'quadratic', init: 'normal' });
  });

  it('refuses bad files with the reason, naming the file', () => {
    const cases: [string, unknown, string][] = [
      ['not-json.json', '{"layers": [', 'is not JSON'],
      ['array.json', [1, 2], 'expected a JSON object'],
      ['no-layers.json', { inputSize: 784 }, 'expected "layers"'],
      ['bad-kind.json', { inputShape: IMAGE, layers: [{ kind: 'lstm', units: 3 }] }, '"layers[0].kind"'],
      ['bad-units.json', { inputSize: 784, layers: [{ units: 0, activation: 'relu' }] }, '"layers[0].units"'],
      ['extra-key.json', { inputSize: 784, layers: [{ units: 10, activation: 'relu', colour: 'red' }] }, '"layers[0]"'],
      ['no-activation.json', { inputSize: 784, layers: [{ units: 10 }] }, '"layers[0].activation"'],
      [
        'big-kernel.json',
        {
          inputShape: { channels: 1, height: 4, width: 4 },
          layers: [
            { ...CHAPTER6[0], kernel: 5 },
            { units: 2, activation: 'softmax' },
          ],
        },
        'kernel',
      ],
      [
        'conv-after-dense.json',
        { inputShape: IMAGE, layers: [{ units: 10, activation: 'relu' }, CHAPTER6[0], { units: 2, activation: 'softmax' }] },
        'convolution',
      ],
    ];
    for (const [name, content, reason] of cases) {
      const path = file(name, content);
      const message = refusal(['--spec', path]);
      expect(message, name).toMatch(new RegExp(`^--spec ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
      expect(message, name).toContain(reason);
      expect(message, name).not.toContain('\n');
    }
    expect(refusal(['--spec', join(dir, 'missing.json')])).toContain('no such file');
    mkdirSync(join(dir, 'folder.json'));
    expect(refusal(['--spec', join(dir, 'folder.json')])).toContain('expected a JSON file');
  });

  it('is the whole network: refused beside --layers, --activation or --load', () => {
    const path = file('ok.json', { inputSize: 4, layers: [{ units: 2, activation: 'softmax' }] });
    expect(refusal(['--spec', path, '--layers', '784,10'])).toContain('leave out --layers and --activation');
    expect(refusal(['--spec', path, '--activation', 'relu'])).toContain('leave out --layers and --activation');
    expect(refusal(['--spec', path, '--load', 'm.fathom.json'])).toContain('give one');
  });

  it('is documented in --help', () => {
    expect(USAGE).toContain('--spec FILE');
  });
});
