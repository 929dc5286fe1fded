/**
 * Rolling a paused run back to one of its saved epochs (run-manager.ts resumeFromEpoch). After a
 * real blow-up the last finite weights are already huge (loss ~1e47), so "lower η and resume" from
 * them trips the NaN guard again; the weights of an epoch before the explosion do not.
 *
 * The history after the epoch is cut, not kept as a branch: the run's history, its checkpoints and
 * Inspect's epoch slider are all numbered by epoch, and two "epoch 5"s would make each ambiguous.
 * What was cut is recorded in the summary's `rollbacks`.
 */
import type { EpochReport } from '../../engine/reports';
import { BEST_MODEL, checkpointEpoch } from './checkpoints';
import type { RunRecord } from './run-store';

/** An epoch whose evaluated loss is more than this many times the lowest one before it counts as blown up. */
export const EXPLODED_FACTOR = 10;

/** The epoch the best model holds: the last epoch of the history marked best. */
export function bestEpoch(record: RunRecord): number | null {
  if (!record.bestModel) return null;
  const best = record.summary.history.findLast((r) => r.isBest);
  return best ? best.epoch : null;
}

/** Epochs a run can go back to, ascending: 0 (its seed's initial weights), its checkpoints and its best model. */
export function rollbackEpochs(record: RunRecord): number[] {
  const done = record.summary.history.length;
  const epochs = new Set<number>([0]);
  for (const name of record.checkpoints) {
    const epoch = checkpointEpoch(name);
    if (epoch !== null && epoch <= done) epochs.add(epoch);
  }
  const best = bestEpoch(record);
  if (best !== null && best <= done) epochs.add(best);
  return [...epochs].sort((a, b) => a - b);
}

/** The file holding an epoch's weights (null for an epoch 0 not saved: re-made from the seed). */
export function rollbackFile(record: RunRecord, epoch: number): string | null {
  const name = record.checkpoints.find((n) => checkpointEpoch(n) === epoch);
  if (epoch === 0) return name ?? null;
  return name ?? BEST_MODEL; // rollbackEpochs() only offers the best model's epoch otherwise
}

/** The loss of the weights an epoch ended with (evaluated after it), else its mean training loss. */
const endLoss = (r: EpochReport): number => r.validationLoss ?? r.testLoss ?? r.trainLoss;

/** Weights more than this many times their initial norm count as blown up (training grows them a few times at most). */
export const WEIGHT_GROWTH_LIMIT = 1000;

/**
 * Whether epoch e's weights look sane: a finite loss, not EXPLODED_FACTOR × above the lowest loss up
 * to it, and (given `initialNorms`, ‖w^l‖ of the seed's weights) no layer WEIGHT_GROWTH_LIMIT × its
 * initial size — the check that catches an epoch 1 that already blew up, with no earlier loss to compare.
 */
export function healthy(history: readonly EpochReport[], epoch: number, initialNorms: readonly number[] = []): boolean {
  const report = history[epoch - 1];
  if (!report || report.nonFinite) return false;
  const loss = endLoss(report);
  if (!Number.isFinite(loss) || report.layers.some((l) => !Number.isFinite(l.weightNorm))) return false;
  if (report.layers.some((l, i) => initialNorms[i] !== undefined && l.weightNorm > WEIGHT_GROWTH_LIMIT * Math.max(initialNorms[i], 1e-3)))
    return false;
  const lowest = Math.min(...history.slice(0, epoch).map(endLoss).filter(Number.isFinite));
  return loss <= EXPLODED_FACTOR * Math.abs(lowest);
}

/** The latest healthy epoch of `epochs` (0, the initial weights, when none is), and why, in plain words; `startedFrom` names a run's model file. */
export function suggestEpoch(
  history: readonly EpochReport[],
  epochs: readonly number[],
  initialNorms: readonly number[] = [],
  startedFrom?: string,
): { epoch: number; reason: string } {
  const epoch = [...epochs].reverse().find((e) => e > 0 && healthy(history, e, initialNorms));
  if (epoch === undefined)
    return {
      epoch: 0,
      reason: `No saved epoch has healthy weights, so training starts again from ${startedFrom ? `the weights of ${startedFrom} it started from` : 'the initial weights (the same seed)'}.`,
    };
  const after = history.length > epoch ? ` The epochs after it (${epoch + 1}–${history.length}) are discarded.` : '';
  return {
    epoch,
    reason: `Epoch ${epoch} is the latest saved epoch whose loss was still finite and not exploding.${after}`,
  };
}
