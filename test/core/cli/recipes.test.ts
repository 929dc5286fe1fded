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

describe('--sweep', () => {
  it('makes one run per point with validation on, prints each and a table best first, and one sweep-result line each with --json', () => {
    const args = ['--train-limit', '1500', '--test-limit', '300', '--epochs', '2', '--sweep', 'lr=0.3,3 units2=10,20'];
    const text = cli(args);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/^Sweep: 4 runs of 2 epochs/);
    expect(text.stdout).toMatch(/run 1\/4 {2}lr=0\.3 units2=10 {2}best validation \d+\.\d\d % \(epoch \d\)/);
    const table = text.stdout
      .slice(text.stdout.indexOf('\n\n') + 2)
      .trim()
      .split('\n');
    expect(table[0]).toMatch(/run +lr +units2 +best val acc +epoch +train loss +val loss +test acc +epochs +time/);
    expect(table).toHaveLength(5);
    expect(table[1]).toMatch(/^★/);
    const accuracies = table.slice(1).map((row) => Number(/(\d+\.\d\d) %/.exec(row)![1]));
    expect(accuracies).toEqual([...accuracies].sort((a, b) => b - a));

    const results = ofType(jsonLines(cli([...args, '--json']).stdout), 'sweep-result');
    expect(results.map((r) => r['settings'])).toEqual([
      { lr: 0.3, units2: 10 },
      { lr: 0.3, units2: 20 },
      { lr: 3, units2: 10 },
      { lr: 3, units2: 20 },
    ]);
    for (const r of results) {
      expect(r['bestValidationAccuracy']).toBeGreaterThan(0);
      expect(r['epochs']).toBe(2);
    }
  });

  it('refuses a bad sweep, --sweep-random without --sweep, and outputs it cannot write', () => {
    expect(() => parseCli(['--sweep', 'momentum=0.5'])).toThrow(/--sweep: "momentum" cannot be swept/);
    expect(() => parseCli(['--sweep-random', '3'])).toThrow(/--sweep-random needs --sweep/);
    expect(() => parseCli(['--sweep', 'lr=1,2', '--out', 'm.fathom.json'])).toThrow(/saves none/);
    expect(parseCli(['--sweep', 'lr=log:0.1:3:2', '--sweep-random', '5']).sweep).toMatchObject({ budget: 5 });
    expect(parseCli(['--sweep', 'lr=1,2']).validation).toBe(true);
  });
});

describe('--sweep-halving', () => {
  it('trains every point a few epochs, keeps the better half each round, and trains one to the end', () => {
    const args = ['--train-limit', '1500', '--test-limit', '300', '--epochs', '4', '--sweep', 'lr=0.001,0.003,1,3', '--sweep-halving'];
    const text = cli(args);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/^Sweep with successive halving: 4 runs; rounds of 4 × 1, 2 × 2, 1 × 4 epochs/);
    const results = ofType(jsonLines(cli([...args, '--json']).stdout), 'sweep-result');
    expect(results.map((r) => r['settings'])).toEqual([{ lr: 0.001 }, { lr: 0.003 }, { lr: 1 }, { lr: 3 }]);
    // The two η too small to learn in an epoch are dropped after the first round; one of the others trains all 4 epochs.
    expect(results.map((r) => [r['epochs'], r['droppedAfter']])).toEqual([
      [1, 1],
      [1, 1],
      expect.arrayContaining([expect.any(Number)]),
      expect.arrayContaining([expect.any(Number)]),
    ]);
    const finalists = results.filter((r) => r['droppedAfter'] === undefined);
    expect(finalists).toHaveLength(1);
    expect(finalists[0]!['epochs']).toBe(4);
    expect(results.filter((r) => r['droppedAfter'] === 2).map((r) => r['epochs'])).toEqual([2]);
  });

  it('needs --sweep', () => {
    expect(() => parseCli(['--sweep-halving'])).toThrow(/--sweep-halving needs --sweep/);
    expect(parseCli(['--sweep', 'lr=1,2', '--sweep-halving']).sweep).toMatchObject({ halving: true });
  });
});
