/**
 * `--sweep`: one training run per point of the sweep, one after another on this thread, each with
 * validation on and the same seed, then a table of the results sorted by best validation accuracy.
 * Ctrl-C ends the sweep after the current batch; the finished runs are still reported.
 */
import type { ScaledDataset } from '../data/idx-dataset';
import { Network } from '../engine/network';
import { Rng } from '../engine/rng';
import { halvingRounds, successiveHalving } from '../engine/halving';
import { applyPoint, axisName, gridPoints, randomPoints, type SweepAxis, type SweepPoint } from '../engine/sweep';
import { Trainer } from '../engine/trainer';
import { specProblems, trainingProblems, dataProblems } from '../engine/validate';
import type { Kernels } from '../engine/kernels';
import { thisMachine, type CliOptions } from './args';
import { trainingSizeProblems } from '../model/limits';
import { CliError } from './errors';
import type { CtrlC } from './interrupt';
import { trainLoop } from './loop';
import type { CliOutput } from './output';

export interface SweepResult {
  /** 1-based, in the order the runs were made. */
  run: number;
  settings: SweepPoint;
  bestValidationAccuracy: number | null;
  bestEpoch: number | null;
  trainLoss: number | null;
  validationLoss: number | null;
  testAccuracy: number | null;
  epochs: number;
  seconds: number;
  /** Why the run did not finish normally (a NaN, a design the data refuses, Ctrl-C). */
  failed?: string;
  /** --sweep-halving: the round after which the run was dropped (absent: it trained to the end). */
  droppedAfter?: number;
}

export interface SweepPlan {
  axes: SweepAxis[];
  /** A random search of this many points instead of the whole grid. */
  budget?: number;
  /** Successive halving (core/engine/halving.ts) instead of training every run to the end. */
  halving?: boolean;
}

export const MAX_SWEEP_RUNS = 1000;

export async function runSweep(
  plan: SweepPlan,
  options: CliOptions,
  dataset: ScaledDataset,
  kernels: Kernels,
  output: CliOutput,
  ctrlC: CtrlC,
): Promise<SweepResult[]> {
  const points = plan.budget ? randomPoints(plan.axes, plan.budget, options.settings.seed) : gridPoints(plan.axes);
  if (points.length > MAX_SWEEP_RUNS)
    throw new CliError(`--sweep: ${points.length} runs is more than ${MAX_SWEEP_RUNS}; use --sweep-random N`);
  if (!dataset.validation) throw new CliError('--sweep compares runs on a validation set, and this dataset has none');
  const data = { train: dataset.train, validation: dataset.validation, test: dataset.test };
  if (plan.halving) return halvingSweep(plan, points, options, data, kernels, output, ctrlC);
  output.say(`Sweep: ${points.length} runs of ${options.settings.epochs} epochs, each picked by its best validation accuracy`);
  const results: SweepResult[] = [];
  ctrlC.listen();
  for (const [i, point] of points.entries()) {
    if (ctrlC.requested) break;
    const started = performance.now();
    const result: SweepResult = {
      run: i + 1,
      settings: point,
      bestValidationAccuracy: null,
      bestEpoch: null,
      trainLoss: null,
      validationLoss: null,
      testAccuracy: null,
      epochs: 0,
      seconds: 0,
    };
    try {
      const trainer = pointTrainer(plan, point, options, data, kernels);
      const end = await trainLoop(trainer, output, ctrlC, () => undefined);
      output.clearBar();
      summarise(result, trainer);
      if (end.kind === 'diverged') result.failed = `its ${end.detail.what} became NaN or infinite in epoch ${end.detail.epoch}`;
      if (end.kind === 'interrupted') result.failed = 'stopped by Ctrl-C';
    } catch (error) {
      if (error instanceof CliError) throw error;
      result.failed = (error as Error).message;
    }
    result.seconds = (performance.now() - started) / 1000;
    results.push(result);
    output.say(resultLine(result, points.length));
    output.emit({ type: 'sweep-result', ...result });
  }
  ctrlC.trainingOver();
  output.say('');
  for (const line of sweepTable(plan.axes, results)) output.say(line);
  return results;
}

type SweepData = { train: ScaledDataset['train']; validation: NonNullable<ScaledDataset['validation']>; test: ScaledDataset['test'] };

/** A trainer of one point's design, or an Error saying why that design cannot train. */
function pointTrainer(plan: SweepPlan, point: SweepPoint, options: CliOptions, data: SweepData, kernels: Kernels): Trainer {
  const { spec, settings } = applyPoint(plan.axes, point, options.spec, options.settings);
  const problem = [
    ...specProblems(spec),
    ...trainingProblems(spec, settings),
    ...trainingSizeProblems(spec, settings, thisMachine(), 1),
    ...dataProblems(spec, data.train.inputSize, data.train.outputSize),
  ][0];
  if (problem) throw new Error(problem.message);
  return new Trainer(Network.create(spec, new Rng(settings.seed), 'float32', kernels), data, settings);
}

const emptyResult = (run: number, settings: SweepPoint): SweepResult => ({
  run,
  settings,
  bestValidationAccuracy: null,
  bestEpoch: null,
  trainLoss: null,
  validationLoss: null,
  testAccuracy: null,
  epochs: 0,
  seconds: 0,
});

/**
 * --sweep-halving: every point's trainer is made first (all held in memory: a sweep's networks are
 * small), then successive halving trains them round by round; a trainer goes on from where it
 * stopped, so a survivor's epochs are those of one ordinary run.
 */
async function halvingSweep(
  plan: SweepPlan,
  points: SweepPoint[],
  options: CliOptions,
  data: SweepData,
  kernels: Kernels,
  output: CliOutput,
  ctrlC: CtrlC,
): Promise<SweepResult[]> {
  const maxEpochs = options.settings.epochs;
  const results = points.map((point, i) => emptyResult(i + 1, point));
  const candidates: { result: SweepResult; trainer: Trainer; ended?: string }[] = [];
  for (const result of results) {
    try {
      candidates.push({ result, trainer: pointTrainer(plan, result.settings, options, data, kernels) });
    } catch (error) {
      result.failed = (error as Error).message;
    }
  }
  const rounds = halvingRounds(Math.max(1, candidates.length), maxEpochs);
  output.say(
    `Sweep with successive halving: ${points.length} runs; rounds of ${rounds.map((r) => `${r.candidates} × ${r.epochs}`).join(', ')} epochs`,
  );
  ctrlC.listen();
  const outcomes = await successiveHalving(candidates, maxEpochs, async (c, epochs) => {
    const started = performance.now();
    if (!c.ended && !ctrlC.requested) {
      // Stops at the round's epoch (an interruption to trainLoop), or at Ctrl-C.
      const stop = {
        get requested() {
          return ctrlC.requested || c.trainer.history.length >= epochs;
        },
      };
      const end = await trainLoop(c.trainer, output, stop, () => undefined);
      output.clearBar();
      if (end.kind === 'diverged') c.ended = `its ${end.detail.what} became NaN or infinite in epoch ${end.detail.epoch}`;
      if (end.kind === 'finished' && c.trainer.history.length < epochs) c.ended = end.reason;
    }
    c.result.seconds += (performance.now() - started) / 1000;
    summarise(c.result, c.trainer);
    return c.result.bestValidationAccuracy;
  });
  ctrlC.trainingOver();
  for (const { candidate, droppedAfter } of outcomes) {
    if (droppedAfter !== undefined) candidate.result.droppedAfter = droppedAfter;
    if (candidate.ended) candidate.result.failed = candidate.ended;
    if (ctrlC.requested && candidate.result.epochs < maxEpochs && droppedAfter === undefined) candidate.result.failed = 'stopped by Ctrl-C';
  }
  for (const result of results) {
    output.say(resultLine(result, points.length));
    output.emit({ type: 'sweep-result', ...result });
  }
  output.say('');
  for (const line of sweepTable(plan.axes, results)) output.say(line);
  return results;
}

function summarise(result: SweepResult, trainer: Trainer): void {
  const history = trainer.history;
  result.epochs = history.length;
  const last = history.at(-1);
  if (!last) return;
  result.trainLoss = last.trainLoss;
  result.validationLoss = last.validationLoss ?? null;
  result.testAccuracy = last.testAccuracy ?? null;
  for (const r of history)
    if (r.validationAccuracy != null && (result.bestValidationAccuracy === null || r.validationAccuracy > result.bestValidationAccuracy)) {
      result.bestValidationAccuracy = r.validationAccuracy;
      result.bestEpoch = r.epoch;
    }
}

const describePoint = (point: SweepPoint): string =>
  Object.entries(point)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
const pct = (x: number | null): string => (x === null ? '—' : `${(100 * x).toFixed(2)} %`);
const loss = (x: number | null): string => (x === null || !Number.isFinite(x) ? '—' : x.toFixed(4));

function resultLine(r: SweepResult, total: number): string {
  const head = `run ${r.run}/${total}  ${describePoint(r.settings)}`;
  if (r.failed && r.bestValidationAccuracy === null) return `${head}  failed: ${r.failed}`;
  const dropped = r.droppedAfter !== undefined ? `  (dropped after round ${r.droppedAfter}, ${r.epochs} epochs)` : '';
  return `${head}  best validation ${pct(r.bestValidationAccuracy)} (epoch ${r.bestEpoch})  ${r.seconds.toFixed(1)} s${dropped}${r.failed ? `  (${r.failed})` : ''}`;
}

/** The results as a text table, best first; the best run is marked with ★. */
export function sweepTable(axes: readonly SweepAxis[], results: readonly SweepResult[]): string[] {
  const names = axes.map(axisName);
  const sorted = [...results].sort((a, b) => (b.bestValidationAccuracy ?? -1) - (a.bestValidationAccuracy ?? -1));
  const header = [' ', 'run', ...names, 'best val acc', 'epoch', 'train loss', 'val loss', 'test acc', 'epochs', 'time'];
  const rows = sorted.map((r, i) => [
    i === 0 && r.bestValidationAccuracy !== null ? '★' : ' ',
    String(r.run),
    ...names.map((n) => String(r.settings[n])),
    r.failed && r.bestValidationAccuracy === null ? 'failed' : pct(r.bestValidationAccuracy),
    r.bestEpoch === null ? '—' : String(r.bestEpoch),
    loss(r.trainLoss),
    loss(r.validationLoss),
    pct(r.testAccuracy),
    String(r.epochs),
    `${r.seconds.toFixed(1)} s`,
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c]!.length)));
  return [header, ...rows].map((row) =>
    row
      .map((cell, c) => (c < 2 + names.length ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
      .join('  ')
      .trimEnd(),
  );
}
