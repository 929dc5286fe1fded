/**
 * Learning-rate schedules: η as a function of how far training has gone, from the base η of the
 * settings. Time is counted in batches (epoch e, batch b of B: step s = (e − 1)·B + b, 0-based), so
 * warm-up and cosine move every batch, while step and exponential decay change η once per epoch
 * (as PyTorch's StepLR and ExponentialLR do). Reduce-on-plateau is the one schedule with state: it
 * watches a loss at each epoch's end.
 */

export const SCHEDULES = ['constant', 'step', 'exponential', 'cosine', 'plateau'] as const;
export type ScheduleName = (typeof SCHEDULES)[number];

export interface ScheduleSettings {
  kind: ScheduleName;
  /** Epochs of linear warm-up from η/(warm-up batches) to η before the schedule proper starts (0 = none). */
  warmupEpochs: number;
  /** The factor γ: step (every `every` epochs), exponential (every epoch) and plateau (each time it fires). */
  decay: number;
  /** step: epochs between two decays. */
  every: number;
  /** cosine: the floor it anneals to; step, exponential and plateau never go below it either. */
  minLearningRate: number;
  /** plateau: epochs without improvement of the watched loss before η is cut. */
  patience: number;
}

export const DEFAULT_SCHEDULE: ScheduleSettings = {
  kind: 'constant',
  warmupEpochs: 0,
  decay: 0.1,
  every: 10,
  minLearningRate: 0,
  patience: 3,
};

/** A relative improvement smaller than this does not count as one for reduce-on-plateau (PyTorch's default threshold). */
const PLATEAU_THRESHOLD = 1e-4;

/** Where training is: epoch ≥ 1, batch 0…batchesPerEpoch − 1 within it. */
export interface SchedulePoint {
  epoch: number;
  batch: number;
}

/**
 * η over a planned run. `rate(point)` is pure for every schedule but plateau, whose cuts come from
 * `endEpoch(loss)`. A manual change (`setManual`) rescales the rest of the schedule by the ratio of
 * the η chosen to the η the schedule gave at that moment: the schedule keeps its shape from the
 * person's new level (for constant, η simply becomes the new value).
 */
export class LearningRateSchedule {
  private scale = 1;
  private plateauCuts = 0;
  private bestLoss = Infinity;
  private badEpochs = 0;

  constructor(
    readonly base: number,
    readonly settings: ScheduleSettings,
    readonly epochs: number,
    readonly batchesPerEpoch: number,
  ) {}

  /** η for the batch at `point`. */
  rate(point: SchedulePoint): number {
    return this.scale * this.unscaled(point);
  }

  /** Tells plateau the epoch's watched loss (validation when there is one); other schedules ignore it. */
  endEpoch(loss: number | undefined): void {
    if (this.settings.kind !== 'plateau' || loss === undefined || !Number.isFinite(loss)) return;
    if (loss < this.bestLoss * (1 - PLATEAU_THRESHOLD)) {
      this.bestLoss = loss;
      this.badEpochs = 0;
    } else if (++this.badEpochs > this.settings.patience) {
      this.plateauCuts++;
      this.badEpochs = 0;
    }
  }

  /** A person set η = `learningRate` at `point`: the rest of the schedule follows from that level. */
  setManual(learningRate: number, point: SchedulePoint): void {
    const unscaled = this.unscaled(point);
    this.scale = unscaled > 0 ? learningRate / unscaled : 1;
  }

  /** Replays plateau's state from a finished run's losses (a resumed run). */
  replay(losses: readonly (number | undefined)[]): void {
    for (const loss of losses) this.endEpoch(loss);
  }

  /** η as planned, before any manual change. */
  private unscaled({ epoch, batch }: SchedulePoint): number {
    const B = this.batchesPerEpoch;
    const step = (epoch - 1) * B + batch;
    const warmupSteps = Math.round(this.settings.warmupEpochs * B);
    if (step < warmupSteps) return this.base * ((step + 1) / warmupSteps);
    return this.scheduled(step - warmupSteps, warmupSteps);
  }

  /** η after `s` batches past the warm-up (`warmupSteps` batches long). */
  private scheduled(s: number, warmupSteps: number): number {
    const { kind, decay, every, minLearningRate } = this.settings;
    const floor = (eta: number) => Math.max(minLearningRate, eta);
    const epochsDone = Math.floor(s / this.batchesPerEpoch);
    switch (kind) {
      case 'constant':
        return this.base;
      case 'step':
        return floor(this.base * decay ** Math.floor(epochsDone / every));
      case 'exponential':
        return floor(this.base * decay ** epochsDone);
      case 'cosine': {
        const total = Math.max(1, this.epochs * this.batchesPerEpoch - warmupSteps);
        const t = Math.min(1, s / total);
        return minLearningRate + ((this.base - minLearningRate) * (1 + Math.cos(Math.PI * t))) / 2;
      }
      case 'plateau':
        return floor(this.base * decay ** this.plateauCuts);
    }
  }
}

/** η at the start of every epoch 1…epochs, for the plot beside the setting (plateau drawn as constant: its cuts depend on the run). */
export function plannedRates(base: number, settings: ScheduleSettings, epochs: number, batchesPerEpoch: number): number[] {
  const schedule = new LearningRateSchedule(base, settings, epochs, batchesPerEpoch);
  const rates: number[] = [];
  for (let epoch = 1; epoch <= epochs; epoch++) rates.push(schedule.rate({ epoch, batch: 0 }));
  return rates;
}

/** Problems with a schedule's numbers, for the designer, the CLI and the service. */
export function scheduleProblems(s: ScheduleSettings, base: number, epochs: number): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  const bad = (field: string, message: string) => problems.push({ field: `schedule.${field}`, message });
  if (!(Number.isFinite(s.warmupEpochs) && s.warmupEpochs >= 0 && s.warmupEpochs < epochs))
    bad('warmupEpochs', `The warm-up must be at least 0 epochs and shorter than the run (${epochs} epochs); got ${s.warmupEpochs}.`);
  if (!(Number.isFinite(s.decay) && s.decay > 0 && s.decay < 1))
    bad('decay', `The decay factor γ must be between 0 and 1; got ${s.decay}.`);
  if (!(Number.isInteger(s.every) && s.every >= 1)) bad('every', `Decay every N epochs needs a whole N ≥ 1; got ${s.every}.`);
  if (!(Number.isFinite(s.minLearningRate) && s.minLearningRate >= 0 && s.minLearningRate < base))
    bad('minLearningRate', `The floor of η must be at least 0 and below η = ${base}; got ${s.minLearningRate}.`);
  if (!(Number.isInteger(s.patience) && s.patience >= 0))
    bad('patience', `Patience must be a whole number of epochs ≥ 0; got ${s.patience}.`);
  return problems;
}
