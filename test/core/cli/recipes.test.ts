import { describe, expect, it } from 'vitest';
import { CliError, parseCli } from '../../../core/cli/args';
import { DEFAULT_SCHEDULE } from '../../../core/engine/schedules';
import { cli, jsonLines, ofType } from './cli';

describe('--schedule and its options', () => {
  it('reads each schedule with its own options into the settings; a constant η without warm-up adds none', () => {
    expect(parseCli([]).settings.schedule).toBeUndefined();
    expect(parseCli(['--schedule', 'cosine', '--min-lr', '0.1', '--warmup', '2']).settings.schedule).toEqual({
      ...DEFAULT_SCHEDULE,
      kind: 'cosine',
      minLearningRate: 0.1,
      warmupEpochs: 2,
    });
    expect(parseCli(['--schedule', 'step', '--decay', '0.5', '--every', '5']).settings.schedule).toMatchObject({
      kind: 'step',
      decay: 0.5,
      every: 5,
    });
    expect(parseCli(['--schedule', 'plateau', '--patience', '2', '--validation']).settings.schedule).toMatchObject({
      kind: 'plateau',
      patience: 2,
    });
    expect(parseCli(['--warmup', '0.5']).settings.schedule).toMatchObject({ kind: 'constant', warmupEpochs: 0.5 });
  });

  it('refuses an unknown schedule, an option of another schedule and bad numbers, naming the flag', () => {
    expect(() => parseCli(['--schedule', 'linear'])).toThrow(CliError);
    expect(() => parseCli(['--schedule', 'linear'])).toThrow(
      /--schedule: "linear" is not one of constant, step, exponential, cosine, plateau/,
    );
    expect(() => parseCli(['--schedule', 'cosine', '--every', '3'])).toThrow(/--every belongs to --schedule step, not cosine/);
    expect(() => parseCli(['--decay', '0.5'])).toThrow(/--decay belongs to --schedule step or exponential or plateau, not constant/);
    expect(() => parseCli(['--schedule', 'step', '--decay', '1.5'])).toThrow(/--decay: expected a factor between 0 and 1, got "1.5"/);
    expect(() => parseCli(['--schedule', 'cosine', '--warmup', '30'])).toThrow(/warm-up must be .* shorter than the run \(30 epochs\)/);
    expect(() => parseCli(['--schedule', 'cosine', '--min-lr', '5', '--lr', '3'])).toThrow(/floor of η must be .* below η = 3/);
  });

  it('trains with the schedule: each epoch line shows η, and --json carries it', () => {
    const args = ['--train-limit', '500', '--test-limit', '100', '--epochs', '3', '--schedule', 'step', '--decay', '0.5', '--every', '1'];
    const text = cli(args);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/epoch {3}1 .* η 3\.00 /);
    expect(text.stdout).toMatch(/epoch {3}3 .* η 0\.750 /);
    const json = cli([...args, '--json']);
    expect(ofType(jsonLines(json.stdout), 'epoch').map((e) => e['learningRate'])).toEqual([3, 1.5, 0.75]);
  });
});

describe('--find-lr', () => {
  it('runs the range test on the design, prints the suggestion, and with --json one lr-finder line', () => {
    const args = ['--train-limit', '3000', '--find-lr'];
    const text = cli(args);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/^learning-rate finder: 300 batches, η from 0\.00100 to 1\.00e\+3\n/);
    expect(text.stdout).toMatch(/suggested: --lr \d/);
    expect(text.stdout).not.toMatch(/epoch/);
    const lines = jsonLines(cli([...args, '--json']).stdout);
    const finder = ofType(lines, 'lr-finder');
    expect(finder).toHaveLength(1);
    expect(finder[0]!['suggestedLearningRate']).toBeGreaterThan(0.1);
    expect(finder[0]!['suggestedLearningRate']).toBeLessThan(30);
    expect((finder[0]!['points'] as unknown[]).length).toBeGreaterThan(20);
    expect(ofType(lines, 'epoch')).toEqual([]);
  });

  it('cannot take --out, --onnx or --load: it trains a throw-away copy', () => {
    expect(() => parseCli(['--find-lr', '--out', 'x.fathom.json'])).toThrow(/--find-lr .* cannot take --load, --out or --onnx/);
    const run = cli(['--find-lr', '--onnx', 'x.onnx']);
    expect(run.status).toBe(2);
  });
});
