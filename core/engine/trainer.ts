import type { Samples } from '../data/dataset';
import type { FloatArray } from './activations';
import { type BatchRows, chunkedGradients } from './batch-gradients';
import { shuffledRows } from './batch-rows';
import { SpecError } from './errors';
import { evaluate } from './evaluate';
import { lossTargetProblem } from './losses';
import type { Gradients, Network } from './network';
import { OverflowGuard, type NonFiniteValue } from './overflow-guard';
import type { BatchReport, EpochReport, LayerMetrics } from './reports';
import { Rng } from './rng';
import { DEFAULT_SCHEDULE, LearningRateSchedule } from './schedules';
import type { TrainSettings } from './spec';
import { StoppingRules } from './stopping';
import { dataProblems, throwIfProblems, trainingProblems } from './validate';
import { type BatchOutcome, DenseStep } from './wasm/dense-step';

export interface TrainData {
  train: Samples;
  validation?: Samples;
  test?: Samples;
}

/**
 * Fills `grads` with the batch's mean gradient ∂C/∂w, ∂C/∂b for the training samples `indices`
 * (one batch, in order), and returns Σ_x C_x and how many of them the network got right.
 */
export type GradientSource = (indices: Uint32Array, grads: Gradients) => { cost: number; correct: number };

export interface TrainerOptions {
  /** A clock in milliseconds; injectable so tests and workers agree on time. */
  now?: () => number;
  /** Replaces the in-thread feedforward + backprop (e.g. parallel/ParallelTrainer's workers). */
  gradients?: GradientSource;
  /** false: never the fused wasm step, always the step-by-step path (tests and the bench compare the two). */
  fusedStep?: boolean;
}

/**
 * Mini-batch gradient descent over a dataset, one batch per `step()`. The caller decides when to
 * step, so a worker can pause, single-step, or change η between any two batches. The update's
 * guard against non-finite values lives in overflow-guard.ts, the stopping rules in stopping.ts.
 */
export class Trainer {
  epoch = 1;
  /** Batches already done in the current epoch. */
  batchInEpoch = 0;
  /** η of the last batch (or of the first, before any): the schedule's value, or a person's mid-run choice (setLearningRate). */
  get learningRate(): number {
    return this.eta;
  }
  readonly batchesPerEpoch: number;
  readonly history: EpochReport[] = [];
  /** True when each batch is one call of the fused wasm step (wasm/dense-step.ts), false on the step-by-step path. */
  readonly fusedStep: boolean;

  private readonly rng: Rng;
  /** The training samples in this epoch's shuffled order, and the rows reading them in it. */
  private readonly order: Uint32Array;
  private readonly rows: BatchRows;
  private readonly grads: Gradients;
  /** One batch's gradients and guarded update: the fused wasm step or the step-by-step path. */
  private readonly descend: (first: number, rows: number) => BatchOutcome;
  private readonly stopping: StoppingRules;
  private readonly tally: EpochTally;
  private readonly now: () => number;
  private readonly gradientSource?: GradientSource;
  private readonly schedule: LearningRateSchedule;
  private eta: number;

  constructor(
    readonly net: Network,
    readonly data: TrainData,
    readonly settings: TrainSettings,
    options: TrainerOptions = {},
  ) {
    throwIfProblems([...trainingProblems(net.spec, settings), ...dataProblems(net.spec, data.train.inputSize, data.train.outputSize)]);
    const targetProblem = lossTargetProblem(net.spec.loss, data.train.targets);
    if (targetProblem) throw new SpecError(targetProblem, 'loss');
    this.stopping = new StoppingRules(settings, data.validation !== undefined);
    if (data.train.count === 0) throw new SpecError('The training set is empty.', 'dataset');
    this.now = options.now ?? (() => performance.now());
    if (options.gradients) this.gradientSource = options.gradients;
    this.rng = new Rng(settings.seed ^ 0x5eed);
    net.rng = this.rng; // dropout's masks come from the run's seed too
    ({ order: this.order, rows: this.rows } = shuffledRows(data.train, net.kernels));
    this.batchesPerEpoch = Math.ceil(data.train.count / settings.batchSize);
    this.schedule = new LearningRateSchedule(
      settings.learningRate,
      settings.schedule ?? DEFAULT_SCHEDULE,
      settings.epochs,
      this.batchesPerEpoch,
    );
    this.eta = this.schedule.rate({ epoch: 1, batch: 0 });
    this.grads = net.createGradients();
    // Speed hook (issue 17): an all-dense float32 network on the wasm kernels trains in one wasm call per batch.
    const fused =
      options.gradients || options.fusedStep === false
        ? undefined
        : DenseStep.create(net, this.rows, this.grads, settings, data.train.count);
    this.fusedStep = fused !== undefined;
    this.descend = fused
      ? (first, rows) => fused.step(first, rows, this.eta)
      : this.stepByStep(new OverflowGuard(net, this.grads, settings));
    this.tally = new EpochTally(net.L);
  }

  /**
   * A person sets η mid-run: it applies from the next batch, and a schedule carries on from this
   * level (its remaining values are scaled by the ratio of this η to the one it would have given).
   */
  setLearningRate(learningRate: number): void {
    this.schedule.setManual(learningRate, { epoch: this.epoch, batch: this.batchInEpoch });
    this.eta = learningRate;
  }

  get finished(): boolean {
    return this.history.length > 0 && (this.history.length >= this.settings.epochs || this.history.at(-1)!.stopReason !== undefined);
  }

  /**
   * One mini-batch, as Nielsen's update_mini_batch: the gradient of the batch's mean cost by
   * backprop, then one optimiser step — not taken (or undone) when anything went non-finite.
   */
  step(): BatchReport {
    const started = this.now();
    if (this.batchInEpoch === 0) this.beginEpoch();
    const first = this.batchInEpoch * this.settings.batchSize;
    const rows = Math.min(this.settings.batchSize, this.data.train.count - first);
    this.eta = this.schedule.rate({ epoch: this.epoch, batch: this.batchInEpoch });
    const { cost, correct, gradientNorms, nonFinite } = this.descend(first, rows);
    this.batchInEpoch++;
    if (!nonFinite) this.tally.add(cost, correct, rows, gradientNorms);
    this.tally.millis += this.now() - started;
    return this.batchReport(rows, cost / rows, gradientNorms, nonFinite);
  }

  /** Evaluates the finished epoch, records it in the history and decides whether to stop. */
  endEpoch(): EpochReport {
    const { net, tally } = this;
    const { validation, test } = this.data;
    const batches = this.batchesPerEpoch;
    const val = validation ? evaluate(net, validation, { health: true }) : undefined;
    const tst = test ? evaluate(net, test, { health: !val }) : undefined;
    const health = (val ?? tst)?.health ?? [];
    const layers: LayerMetrics[] = [];
    for (let l = 1; l <= net.L; l++) {
      layers.push({
        layer: l,
        gradientNorm: tally.gradientNorms[l - 1]! / batches,
        weightNorm: norm(net.w[l]!),
        saturated: health[l - 1]?.saturated ?? null,
        dead: health[l - 1]?.dead ?? null,
      });
    }
    const seconds = tally.millis / 1000;
    const report: EpochReport = {
      epoch: this.epoch,
      trainLoss: tally.rows ? tally.cost / tally.rows : NaN,
      trainAccuracy: this.data.train.labels && tally.rows ? tally.correct / tally.rows : null,
      samplesPerSecond: seconds > 0 ? this.data.train.count / seconds : 0,
      seconds,
      learningRate: this.learningRate,
      layers,
      isBest: false,
    };
    if (val) Object.assign(report, { validationLoss: val.loss, validationAccuracy: val.accuracy });
    if (tst) Object.assign(report, { testLoss: tst.loss, testAccuracy: tst.accuracy });
    const badWeights = layers.find((m) => !Number.isFinite(m.weightNorm));
    if (badWeights) report.nonFinite = { what: 'weight', layer: badWeights.layer, epoch: this.epoch, batch: batches };
    report.isBest = this.stopping.judge(val ?? tst);
    // Reduce-on-plateau watches the validation loss, or the training loss without one (never the test set).
    this.schedule.endEpoch(val ? val.loss : report.trainLoss);
    report.stopReason = this.stopping.stopReason(report, this.history);
    this.history.push(report);
    this.epoch++;
    this.batchInEpoch = 0;
    return report;
  }

  /**
   * Picks a run up after the epochs of `history` (a run resumed in a new worker, its saved weights
   * already set): epochs number on from there, and the best score and the early-stopping count are
   * replayed from it. What no report holds starts afresh: the optimiser's state and the shuffle order.
   */
  continueAfter(history: readonly EpochReport[]): void {
    if (this.history.length > 0 || this.batchInEpoch > 0) throw new Error('continueAfter() must come before the first step.');
    for (const report of history) {
      const [accuracy, loss] = this.data.validation
        ? [report.validationAccuracy, report.validationLoss]
        : [report.testAccuracy, report.testLoss];
      if (loss !== undefined) this.stopping.judge({ accuracy: accuracy ?? null, loss });
      this.schedule.endEpoch(this.data.validation ? report.validationLoss : report.trainLoss);
      this.history.push(report);
    }
    this.epoch = history.length + 1;
  }

  /** Trains until a stopping rule fires, calling back after every batch and epoch (for the CLI and tests). */
  run(callbacks: { onBatch?(r: BatchReport): void; onEpoch?(r: EpochReport): void } = {}): EpochReport[] {
    while (!this.finished) {
      const batch = this.step();
      callbacks.onBatch?.(batch);
      // endEpoch() must run even without an onEpoch callback (`f?.(g())` skips g() when f is absent).
      if (batch.epochComplete) {
        const epoch = this.endEpoch();
        callbacks.onEpoch?.(epoch);
      }
    }
    return this.history;
  }

  /** The step-by-step path: the batch's gradients (here or from the gradient source), their norms, then the guarded update. */
  private stepByStep(guard: OverflowGuard): (first: number, rows: number) => BatchOutcome {
    return (first, rows) => {
      const { cost, correct } = this.backprop(first, rows);
      const gradientNorms = this.gradientNorms();
      return { cost, correct, gradientNorms, nonFinite: guard.update(cost / rows, gradientNorms, this.learningRate) };
    };
  }

  /** ∂C/∂w and ∂C/∂b of the batch's mean cost into this.grads, for the shuffled rows [first, first + rows). */
  private backprop(first: number, rows: number): { cost: number; correct: number } {
    if (this.gradientSource) return this.gradientSource(this.order.subarray(first, first + rows), this.grads);
    return chunkedGradients(this.net, this.rows, first, first + rows, 1 / rows, this.grads);
  }

  /** ‖∂C/∂w^l, ∂C/∂b^l‖ for l = 1…L. */
  private gradientNorms(): number[] {
    const k = this.net.kernels;
    const norms: number[] = [];
    for (let l = 1; l <= this.net.L; l++) norms.push(Math.sqrt(k.sumSquares(this.grads.nablaB[l]!, k.sumSquares(this.grads.nablaW[l]!))));
    return norms;
  }

  private batchReport(rows: number, loss: number, gradientNorms: number[], nonFinite: NonFiniteValue | undefined): BatchReport {
    const { epoch, batchInEpoch: batch, batchesPerEpoch } = this;
    const report: BatchReport = { epoch, batch, batchesPerEpoch, rows, loss, gradientNorms, epochComplete: batch === batchesPerEpoch };
    if (nonFinite) report.nonFinite = { ...nonFinite, epoch, batch };
    return report;
  }

  private beginEpoch(): void {
    this.rng.shuffle(this.order);
    this.tally.reset();
  }
}

/** What an epoch's batches add up to: cost, correct answers, rows and gradient norms of the finite ones, and time. */
class EpochTally {
  cost = 0;
  correct = 0;
  rows = 0;
  millis = 0;
  readonly gradientNorms: number[];

  constructor(layers: number) {
    this.gradientNorms = new Array<number>(layers).fill(0);
  }

  add(cost: number, correct: number, rows: number, gradientNorms: readonly number[]): void {
    this.cost += cost;
    this.correct += correct;
    this.rows += rows;
    for (let l = 0; l < gradientNorms.length; l++) this.gradientNorms[l]! += gradientNorms[l]!;
  }

  reset(): void {
    this.cost = this.correct = this.rows = this.millis = 0;
    this.gradientNorms.fill(0);
  }
}

/** Euclidean norm of one or more buffers taken together. */
export function norm(...arrays: FloatArray[]): number {
  let s = 0;
  for (const a of arrays) for (let i = 0; i < a.length; i++) s += a[i]! * a[i]!;
  return Math.sqrt(s);
}
