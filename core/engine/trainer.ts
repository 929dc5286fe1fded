import type { Samples } from '../data/dataset';
import type { FloatArray } from './activations';
import { type BatchRows, chunkedGradients } from './batch-gradients';
import { SpecError } from './errors';
import { evaluate, type Evaluation } from './evaluate';
import { lossTargetProblem } from './losses';
import type { Gradients, Network } from './network';
import { createOptimizer, type Optimizer } from './optimizers';
import type { BatchReport, EpochReport, LayerMetrics } from './reports';
import { Rng } from './rng';
import type { TrainSettings } from './spec';
import { dataProblems, throwIfProblems, trainingProblems } from './validate';

/** Below this bound on |p| + |Δp| an update cannot overflow float32 (≈ 3.4e38), even after rounding. */
const SAFE_MAGNITUDE = 1e37;

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
}

/**
 * Mini-batch gradient descent over a dataset, one batch per `step()`. The caller decides when to
 * step, so a worker can pause, single-step, or change η between any two batches.
 */
export class Trainer {
  epoch = 1;
  /** Batches already done in the current epoch. */
  batchInEpoch = 0;
  learningRate: number;
  readonly batchesPerEpoch: number;
  readonly history: EpochReport[] = [];

  private readonly rng: Rng;
  private readonly order: Uint32Array;
  private readonly grads: Gradients;
  private readonly optimizer: Optimizer;
  private readonly params: FloatArray[];
  private readonly gradList: FloatArray[];
  private readonly decay: number[];
  /** The parameters before the last update, to undo an update that overflows. */
  private readonly previous: FloatArray[];
  private readonly now: () => number;
  private readonly gradientSource?: GradientSource;
  /** The training set's rows in the shuffled order of this epoch. */
  private readonly rows: BatchRows;
  private epochCost = 0;
  private epochCorrect = 0;
  private epochRows = 0;
  private epochGradNorms: number[];
  private epochMillis = 0;
  private bestScore = -Infinity;
  private epochsWithoutImprovement = 0;

  constructor(
    readonly net: Network,
    readonly data: TrainData,
    readonly settings: TrainSettings,
    options: TrainerOptions = {},
  ) {
    throwIfProblems([...trainingProblems(net.spec, settings), ...dataProblems(net.spec, data.train.inputSize, data.train.outputSize)]);
    const targetProblem = lossTargetProblem(net.spec.loss, data.train.targets);
    if (targetProblem) throw new SpecError(targetProblem, 'loss');
    if (settings.stop.kind === 'early-stopping' && !data.validation)
      throw new SpecError('Early stopping watches the validation set, so the dataset needs a validation split.', 'stop');
    if (data.train.count === 0) throw new SpecError('The training set is empty.', 'dataset');
    this.now = options.now ?? (() => performance.now());
    if (options.gradients) this.gradientSource = options.gradients;
    this.learningRate = settings.learningRate;
    this.rng = new Rng(settings.seed ^ 0x5eed);
    this.order = new Uint32Array(data.train.count);
    for (let i = 0; i < this.order.length; i++) this.order[i] = i;
    this.batchesPerEpoch = Math.ceil(data.train.count / settings.batchSize);
    this.grads = net.createGradients();
    const layers = Array.from({ length: net.L }, (_, i) => i + 1);
    this.params = [...layers.map((l) => net.w[l]!), ...layers.map((l) => net.b[l]!)];
    this.gradList = [...layers.map((l) => this.grads.nablaW[l]!), ...layers.map((l) => this.grads.nablaB[l]!)];
    this.decay = [...layers.map(() => settings.l2), ...layers.map(() => 0)];
    this.previous = this.params.map((p) => net.alloc(p.length));
    this.optimizer = createOptimizer(
      settings.optimizer,
      settings.momentum,
      this.params.map((p) => p.length),
      (n) => net.alloc(n),
      net.kernels,
    );
    this.epochGradNorms = new Array<number>(net.L).fill(0);
    this.rows = shuffledRows(data.train, this.order);
  }

  get finished(): boolean {
    return this.history.length > 0 && (this.history.length >= this.settings.epochs || this.history.at(-1)!.stopReason !== undefined);
  }

  /** One mini-batch: feedforward, backprop, and (when everything is finite) one optimiser update. */
  step(): BatchReport {
    const started = this.now();
    const { train } = this.data;
    const net = this.net;
    if (this.batchInEpoch === 0) this.beginEpoch();
    const first = this.batchInEpoch * this.settings.batchSize;
    const rows = Math.min(this.settings.batchSize, train.count - first);
    const { cost, correct } = this.gradientSource
      ? this.gradientSource(this.order.subarray(first, first + rows), this.grads)
      : chunkedGradients(net, this.rows, first, first + rows, 1 / rows, this.grads);
    this.batchInEpoch++;
    const report: BatchReport = {
      epoch: this.epoch,
      batch: this.batchInEpoch,
      batchesPerEpoch: this.batchesPerEpoch,
      rows,
      loss: cost / rows,
      gradientNorms: [],
      epochComplete: this.batchInEpoch === this.batchesPerEpoch,
    };
    for (let l = 1; l <= net.L; l++) report.gradientNorms.push(this.gradientNorm(l));
    const badLayer = report.gradientNorms.findIndex((g) => !Number.isFinite(g));
    if (!Number.isFinite(report.loss)) report.nonFinite = { what: 'loss', epoch: this.epoch, batch: report.batch };
    else if (badLayer >= 0) report.nonFinite = { what: 'gradient', layer: badLayer + 1, epoch: this.epoch, batch: report.batch };
    else {
      // A finite gradient times a huge η can still overflow; then the update is undone from a copy.
      // The copy costs a pass over every weight per batch, so it is taken only when the optimiser's
      // bound on the step cannot rule the overflow out (in ordinary training it always can).
      const paramMax = this.paramMax();
      const gBound = maxOf(report.gradientNorms) + this.settings.l2 * paramMax;
      const mayOverflow = !(paramMax + this.optimizer.maxChange(gBound, this.learningRate) < SAFE_MAGNITUDE);
      if (mayOverflow) for (let i = 0; i < this.params.length; i++) this.previous[i]!.set(this.params[i]!);
      this.optimizer.step(this.params, this.gradList, this.decay, this.learningRate);
      const badParam = this.firstNonFinite();
      if (badParam >= 0) {
        if (!mayOverflow) throw new Error("An update bounded as finite overflowed: the optimiser's maxChange is wrong.");
        for (let i = 0; i < this.params.length; i++) this.params[i]!.set(this.previous[i]!);
        report.nonFinite = { what: 'weight', layer: (badParam % net.L) + 1, epoch: this.epoch, batch: report.batch };
      }
    }
    if (!report.nonFinite) {
      this.epochCorrect += correct;
      this.epochCost += cost;
      this.epochRows += rows;
      for (let l = 0; l < net.L; l++) this.epochGradNorms[l]! += report.gradientNorms[l]!;
    }
    this.epochMillis += this.now() - started;
    return report;
  }

  /** Evaluates the finished epoch, records it in the history and decides whether to stop. */
  endEpoch(): EpochReport {
    const net = this.net;
    const { validation, test } = this.data;
    const batches = this.batchesPerEpoch;
    const val = validation ? evaluate(net, validation, { health: true }) : undefined;
    const tst = test ? evaluate(net, test, { health: !val }) : undefined;
    const health = (val ?? tst)?.health ?? [];
    const layers: LayerMetrics[] = [];
    for (let l = 1; l <= net.L; l++) {
      layers.push({
        layer: l,
        gradientNorm: this.epochGradNorms[l - 1]! / batches,
        weightNorm: norm(net.w[l]!),
        saturated: health[l - 1]?.saturated ?? null,
        dead: health[l - 1]?.dead ?? null,
      });
    }
    const seconds = this.epochMillis / 1000;
    const report: EpochReport = {
      epoch: this.epoch,
      trainLoss: this.epochRows ? this.epochCost / this.epochRows : NaN,
      trainAccuracy: this.data.train.labels && this.epochRows ? this.epochCorrect / this.epochRows : null,
      samplesPerSecond: seconds > 0 ? this.data.train.count / seconds : 0,
      seconds,
      layers,
      isBest: false,
    };
    if (val) Object.assign(report, { validationLoss: val.loss, validationAccuracy: val.accuracy });
    if (tst) Object.assign(report, { testLoss: tst.loss, testAccuracy: tst.accuracy });
    const badWeights = layers.find((m) => !Number.isFinite(m.weightNorm));
    if (badWeights) report.nonFinite = { what: 'weight', layer: badWeights.layer, epoch: this.epoch, batch: batches };
    report.isBest = this.trackBest(val ?? tst);
    report.stopReason = this.stopReason(report);
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
      if (loss !== undefined) this.trackBest({ accuracy: accuracy ?? null, loss });
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

  /** max |p| over every weight and bias (NaN or ∞ when one is not finite). */
  private paramMax(): number {
    const k = this.net.kernels;
    let max = 0;
    for (const p of this.params) {
      const m = k.maxAbs(p);
      if (!(m <= max)) max = m;
      if (Number.isNaN(m)) return NaN;
    }
    return max;
  }

  /** Index in this.params of the first buffer holding a non-finite value, or −1. */
  private firstNonFinite(): number {
    const k = this.net.kernels;
    for (let i = 0; i < this.params.length; i++) {
      const p = this.params[i]!;
      if (!Number.isFinite(k.maxAbs(p))) return i;
    }
    return -1;
  }

  /** ‖∂C/∂w^l, ∂C/∂b^l‖ */
  private gradientNorm(l: number): number {
    const k = this.net.kernels;
    return Math.sqrt(k.sumSquares(this.grads.nablaB[l]!, k.sumSquares(this.grads.nablaW[l]!)));
  }

  private beginEpoch(): void {
    this.rng.shuffle(this.order);
    this.epochCost = 0;
    this.epochCorrect = 0;
    this.epochRows = 0;
    this.epochMillis = 0;
    this.epochGradNorms.fill(0);
  }

  private trackBest(on: Pick<Evaluation, 'accuracy' | 'loss'> | undefined): boolean {
    if (!on) return false;
    const score = on.accuracy ?? -on.loss;
    if (score > this.bestScore) {
      this.bestScore = score;
      this.epochsWithoutImprovement = 0;
      return true;
    }
    this.epochsWithoutImprovement++;
    return false;
  }

  private stopReason(report: EpochReport): string | undefined {
    const stop = this.settings.stop;
    if (report.nonFinite) return `weights of layer ${report.nonFinite.layer} became non-finite`;
    if (report.epoch >= this.settings.epochs) return `reached ${this.settings.epochs} epochs`;
    if (stop.kind === 'loss-plateau' && this.history.length > 0) {
      const previous = this.history.at(-1)!.trainLoss;
      const improvement = (previous - report.trainLoss) / Math.abs(previous);
      if (improvement < stop.minImprovement)
        return `training loss improved by ${(improvement * 100).toFixed(3)} %, less than the ${(stop.minImprovement * 100).toFixed(3)} % threshold`;
    }
    if (stop.kind === 'early-stopping' && this.epochsWithoutImprovement >= stop.patience)
      return `no validation improvement for ${stop.patience} epoch${stop.patience === 1 ? '' : 's'}`;
    return undefined;
  }
}

function maxOf(values: number[]): number {
  let max = 0;
  for (const v of values) if (v > max) max = v;
  return max;
}

/** The samples in `order` (row r is sample order[r]), read when the batch is fed. */
function shuffledRows(samples: Samples, order: Uint32Array): BatchRows {
  const { targets, inputSize, outputSize, labels } = samples;
  // One view per input row, made on first use: set() from it is a memcpy, with no view allocated per row.
  let views: Float32Array[] | undefined;
  return {
    load(ws, from, count) {
      views ??= rowViews(samples);
      for (let r = 0; r < count; r++) {
        const s = order[from + r]!;
        ws.a[0]!.set(views[s]!, r * inputSize);
        copyRow(targets, s * outputSize, ws.y, r * outputSize, outputSize);
      }
    },
    ...(labels ? { label: (r: number) => labels[order[r]!]! } : {}),
  };
}

/** Every input row of `samples` as a view (no copy). */
function rowViews(samples: Samples): Float32Array[] {
  const { inputs, inputSize, count } = samples;
  return Array.from({ length: count }, (_, s) => inputs.subarray(s * inputSize, (s + 1) * inputSize));
}

/** to[at…at+n) = from[start…start+n): a plain loop for the few floats of a target row (no view allocated). */
function copyRow(from: FloatArray, start: number, to: FloatArray, at: number, n: number): void {
  for (let i = 0; i < n; i++) to[at + i] = from[start + i]!;
}

/** Euclidean norm of one or more buffers taken together. */
export function norm(...arrays: FloatArray[]): number {
  let s = 0;
  for (const a of arrays) for (let i = 0; i < a.length; i++) s += a[i]! * a[i]!;
  return Math.sqrt(s);
}
