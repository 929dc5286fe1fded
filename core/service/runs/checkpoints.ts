/**
 * Where a run's files live and how many checkpoints it keeps.
 *
 *   dataDir/runs/<id>.json                          the run record (summary, settings; small)
 *   dataDir/runs/<id>.history.jsonl                 its per-epoch history, appended (history-log.ts)
 *   dataDir/runs/<id>/checkpoint-epoch-N.fathom.json weights at the end of epoch N
 *   dataDir/runs/<id>/best.fathom.json              the epoch with the best validation (else test) accuracy
 *   dataDir/runs/<id>/last-step.fathom.json         the weights a stopped run ended with
 *
 * Checkpoint policy: the run setting `checkpoints` (core/lab CheckpointSetting) says which epochs are
 * kept for good: 'every' epoch, 'every-n' (epochs 0, n, 2n…), or none besides the last and the best
 * ('best-and-last'). 'every' and 'every-n' keep epoch 0 too, the initial weights, written before
 * the first batch. Whatever the setting, the newest epoch is written (at most once a second when it
 * is not one kept for good, replacing the previous such one) and so is the best. 'auto', the
 * default, is decided when the run is queued (checkpointPolicy) by this rule: a checkpoint costs ≈ 16/3 bytes per parameter (float32 as base64) plus the
 * history it carries (every epoch so far). A run keeps every epoch's checkpoint when all of them
 * together stay under 8 MB (784-30-10 for 30 epochs: ≈ 3.8 MB), so the student can go back to any
 * epoch of a small model; that is exact, one file per epoch, and the 8 MB bound is what keeps a
 * fast run of it cheap. Otherwise a run keeps only its latest checkpoint plus best (784-100-10 for
 * 30 epochs would need ≈ 13 MB), and writes them at most once a second, whatever the epoch speed
 * (worker/checkpointer.ts, in the run's worker): on the wasm kernels a tiny network runs thousands
 * of epochs a second. The last epoch and the best one are always written: held ones are flushed
 * when the run pauses, stops or ends, and a run finishes only once they are on disk.
 */
import { join } from 'node:path';
import type { CheckpointPolicy } from '../../lab/run-types';
import { keepsEpoch } from './checkpoint-policy';
import type { RunRecord } from './run-store';

export {
  checkpointBytes,
  checkpointDiskBytes,
  checkpointDiskProblem,
  checkpointPolicy,
  describeCheckpointPolicy,
  historyEntryBytes,
  KEEP_ALL_CHECKPOINTS_BYTES,
  keepsEpoch,
  keepsEveryCheckpoint,
  keepsInitialWeights,
  parameterCount,
} from './checkpoint-policy';
/** Whether a run keeps an epoch's checkpoint for good: its policy's epochs, and epoch 0 of a run from a model file (its start weights). */
export function keepsCheckpoint(record: RunRecord, policy: CheckpointPolicy, epoch: number): boolean {
  return keepsEpoch(policy, epoch) || (epoch === 0 && record.summary.startedFrom !== undefined);
}

export const BEST_MODEL = 'best.fathom.json';
export const LAST_STEP_MODEL = 'last-step.fathom.json';

export const runsDir = (dataDir: string): string => join(dataDir, 'runs');
export const runRecordPath = (dataDir: string, id: string): string => join(runsDir(dataDir), `${id}.json`);
export const historyLogPath = (dataDir: string, id: string): string => join(runsDir(dataDir), `${id}.history.jsonl`);
export const runFilesDir = (dataDir: string, id: string): string => join(runsDir(dataDir), id);
export const checkpointName = (epoch: number): string => `checkpoint-epoch-${epoch}.fathom.json`;

/** The epoch of a checkpoint file name, or null for another name (best, last-step). */
export function checkpointEpoch(name: string): number | null {
  const match = /^checkpoint-epoch-(\d+)\.fathom\.json$/.exec(name);
  return match ? Number(match[1]) : null;
}
