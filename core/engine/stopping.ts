import { SpecError } from './errors';
import { layerNumber } from './notation';
import type { Evaluation } from './evaluate';
import type { EpochReport } from './reports';
import type { TrainSettings } from './spec';

/** The score an epoch is judged by: accuracy where there are labels, else the negated loss. */
type Score = Pick<Evaluation, 'accuracy' | 'loss'>;

/**
 * When to stop training: after `epochs` epochs, when the training loss stops improving
 * (loss-plateau), when the validation score has not improved for `patience` epochs
 * (early-stopping), or once the weights went non-finite. Also keeps the best score so far,
 * which marks the epoch to keep (EpochReport.isBest).
 */
export class StoppingRules {
  private bestScore = -Infinity;
  private epochsWithoutImprovement = 0;

  constructor(
    private readonly settings: Pick<TrainSettings, 'epochs' | 'stop'>,
    hasValidation: boolean,
  ) {
    if (settings.stop.kind === 'early-stopping' && !hasValidation)
      throw new SpecError('Early stopping watches the validation set, so the dataset needs a validation split.', 'stop');
  }

  /** Counts an evaluated epoch (its validation, else test, score); true when it is the best so far. */
  judge(on: Score | undefined): boolean {
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

  /** Why training should stop after `report` (already judged), given the epochs before it; undefined to go on. */
  stopReason(report: EpochReport, before: readonly EpochReport[]): string | undefined {
    const { epochs, stop } = this.settings;
    if (report.nonFinite) {
      const { what, layer } = report.nonFinite;
      return layer === undefined ? `the ${what} became non-finite` : `weights of layer ${layerNumber(layer)} became non-finite`;
    }
    if (report.epoch >= epochs) return `reached ${epochs} epochs`;
    if (stop.kind === 'loss-plateau' && before.length > 0) {
      const previous = before.at(-1)!.trainLoss;
      const improvement = (previous - report.trainLoss) / Math.abs(previous);
      if (improvement < stop.minImprovement)
        return `training loss improved by ${(improvement * 100).toFixed(3)} %, less than the ${(stop.minImprovement * 100).toFixed(3)} % threshold`;
    }
    if (stop.kind === 'early-stopping' && this.epochsWithoutImprovement >= stop.patience)
      return `no validation improvement for ${stop.patience} epoch${stop.patience === 1 ? '' : 's'}`;
    return undefined;
  }
}
