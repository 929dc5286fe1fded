/**
 * The learning-rate range test (Leslie Smith, 2015): a short run from the design's initial weights
 * in which η grows exponentially every batch, from far too small to far too large. The loss first
 * barely moves, then falls fastest, then blows up; a good η sits where it falls fastest, below the
 * point where it starts to climb. The run works on its own network: nothing saved is touched.
 */
import type { TrainData } from './trainer';
import { Trainer } from './trainer';
import type { Network } from './network';
import type { TrainSettings } from './spec';

export interface LrFinderOptions {
  /** The first and last η tried (defaults depend on the optimiser: Adam's useful η are ~1000× smaller). */
  minLearningRate?: number;
  maxLearningRate?: number;
  /** Batches in the test (each at a larger η). */
  batches?: number;
  /** The test stops once the smoothed loss exceeds this multiple of its best (it has diverged). */
  divergeFactor?: number;
  /** Told after every batch: how many of the planned batches are done (the test may end early, at divergence). */
  onBatch?: (done: number, total: number) => void;
}

export interface LrFinderPoint {
  learningRate: number;
  loss: number;
  /** The loss smoothed over neighbouring batches (a centred mean: no lag along η). */
  smoothedLoss: number;
}

export interface LrFinderResult {
  points: LrFinderPoint[];
  /** Where the smoothed loss falls fastest per decade of η. */
  steepestLearningRate: number;
  /** Where the smoothed loss is lowest. */
  minimumLearningRate: number;
  /** The first η whose smoothed loss passed divergeFactor × the best, if the test got there. */
  divergedAt?: number;
  /**
   * What to put in the design: two thirds of the η where the loss was lowest. The usual rule of the
   * range test (a tenth of it) is safe but slow: with a cosine schedule on MNIST it lost 0.7 % of
   * test accuracy on Nielsen's network and 0.9 % on an Adam network to their usual constant η, while
   * two thirds beat them (Nielsen's on three seeds, Adam on one; the figures are in the README).
   * The steepest point is shown too, but it is a poor suggestion on its own: it falls where the
   * network first starts to learn at all, ~50× below the lowest-loss η on Nielsen's network.
   */
  suggestedLearningRate: number;
}

const DEFAULT_RANGE: Record<TrainSettings['optimizer'], [number, number]> = {
  sgd: [1e-3, 1e3],
  momentum: [1e-4, 1e2],
  adam: [1e-6, 1],
};

/** The suggestion's share of the lowest-loss η (see LrFinderResult.suggestedLearningRate). */
export const SUGGESTED_SHARE = 2 / 3;

/** Half-width of the centred window the losses are smoothed over, in batches. */
const SMOOTHING = 10;

/** Runs the range test on `net` (a fresh copy: its weights are trained) with the optimiser and batch size of `settings`. */
export function findLearningRate(net: Network, data: TrainData, settings: TrainSettings, options: LrFinderOptions = {}): LrFinderResult {
  const [lo, hi] = DEFAULT_RANGE[settings.optimizer];
  const min = options.minLearningRate ?? lo;
  const max = options.maxLearningRate ?? hi;
  const batches = options.batches ?? 300;
  const divergeFactor = options.divergeFactor ?? 4;
  if (!(min > 0 && max > min && Number.isInteger(batches) && batches >= 2 * SMOOTHING + 2))
    throw new RangeError(`The finder needs 0 < min η < max η and at least ${2 * SMOOTHING + 2} batches.`);
  const { schedule: _ignored, ...plain } = settings;
  const trainer = new Trainer(net, { train: data.train }, { ...plain, learningRate: min, epochs: 100_000, stop: { kind: 'epochs' } });

  const rates: number[] = [];
  const losses: number[] = [];
  let best = Infinity;
  let divergedAt: number | undefined;
  for (let i = 0; i < batches; i++) {
    const eta = min * (max / min) ** (i / (batches - 1));
    trainer.setLearningRate(eta);
    const report = trainer.step();
    if (report.epochComplete) trainer.endEpoch();
    if (report.nonFinite || !Number.isFinite(report.loss)) {
      divergedAt = eta;
      break;
    }
    rates.push(eta);
    losses.push(report.loss);
    options.onBatch?.(i + 1, batches);
    // Diverged once the recent mean is far above the best recent mean.
    const recent = mean(losses, Math.max(0, losses.length - SMOOTHING), losses.length);
    if (losses.length >= SMOOTHING) best = Math.min(best, recent);
    if (recent > divergeFactor * best) {
      divergedAt = eta;
      break;
    }
  }
  if (losses.length < 2 * SMOOTHING + 2)
    throw new RangeError(`The loss diverged within the first ${losses.length} batches: lower the smallest η.`);

  const smoothed = losses.map((_, i) => mean(losses, Math.max(0, i - SMOOTHING), Math.min(losses.length, i + SMOOTHING + 1)));
  const points = rates.map((learningRate, i) => ({ learningRate, loss: losses[i]!, smoothedLoss: smoothed[i]! }));
  // Slopes per decade over the window, only where the window is whole (the ends are one-sided and noisy).
  let steepest = SMOOTHING;
  let steepestSlope = Infinity;
  let lowest = SMOOTHING;
  for (let i = SMOOTHING; i < smoothed.length - SMOOTHING; i++) {
    const slope = (smoothed[i + SMOOTHING]! - smoothed[i - SMOOTHING]!) / Math.log10(rates[i + SMOOTHING]! / rates[i - SMOOTHING]!);
    if (slope < steepestSlope) [steepest, steepestSlope] = [i, slope];
    if (smoothed[i]! < smoothed[lowest]!) lowest = i;
  }
  const steepestLearningRate = rates[steepest]!;
  const minimumLearningRate = rates[lowest]!;
  return {
    points,
    steepestLearningRate,
    minimumLearningRate,
    ...(divergedAt !== undefined ? { divergedAt } : {}),
    suggestedLearningRate: minimumLearningRate * SUGGESTED_SHARE,
  };
}

function mean(values: readonly number[], from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += values[i]!;
  return sum / (to - from);
}
