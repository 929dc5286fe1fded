/**
 * The checkpoint policy's arithmetic (checkpoints.ts describes the policy): which epochs a run keeps
 * and the disk that takes. Pure, so the renderer shows the same estimate the service checks
 * (eslint.config.js SHARED_CORE).
 */
import { parameterCounts } from '../../engine/shapes';
import type { NetworkSpec } from '../../engine/spec';
import type { CheckpointPolicy, CheckpointSetting } from '../../lab/run-types';

export const KEEP_ALL_CHECKPOINTS_BYTES = 8 * 1024 * 1024;

/** Weights and biases of every layer. */
export function parameterCount(spec: NetworkSpec): number {
  return parameterCounts(spec).reduce((a, b) => a + b, 0);
}

/** Approximate size of one checkpoint file in bytes. */
export function checkpointBytes(spec: NetworkSpec): number {
  return Math.ceil((parameterCount(spec) * 16) / 3) + 4096;
}

/** Generous size of one epoch's entry in a checkpoint's history (its metrics, and per layer its norms and health). */
export function historyEntryBytes(spec: NetworkSpec): number {
  return 300 + 150 * spec.layers.length;
}

/**
 * Whether a run of this size keeps a checkpoint for every epoch (else only the latest). Checkpoint e
 * carries e history entries, so the history of all of them grows with epochs²: a tiny network run
 * for thousands of epochs would otherwise pass on the weights alone and fill the disk.
 */
export function keepsEveryCheckpoint(spec: NetworkSpec, epochs: number): boolean {
  const histories = ((epochs * (epochs + 1)) / 2) * historyEntryBytes(spec);
  return checkpointBytes(spec) * epochs + histories <= KEEP_ALL_CHECKPOINTS_BYTES;
}

/** What a run keeps: its setting, with 'auto' decided by the size rule above (keepsEveryCheckpoint). */
export function checkpointPolicy(setting: CheckpointSetting | undefined, spec: NetworkSpec, epochs: number): CheckpointPolicy {
  if (!setting || setting.kind === 'auto') return { kind: keepsEveryCheckpoint(spec, epochs) ? 'every' : 'best-and-last' };
  return setting.kind === 'every-n' ? { kind: 'every-n', n: setting.n } : { kind: setting.kind };
}

/** Whether epoch e's checkpoint is kept for good (else it is only the newest, replaced by the next). */
export function keepsEpoch(policy: CheckpointPolicy, epoch: number): boolean {
  if (policy.kind === 'every') return true;
  if (policy.kind === 'every-n') return epoch % policy.n === 0;
  return false;
}

/** Whether the run writes its initial weights as epoch 0 (a run that keeps every epoch, or every n). */
export function keepsInitialWeights(policy: CheckpointPolicy): boolean {
  return keepsEpoch(policy, 0);
}

/** Disk the checkpoints of a run of `epochs` epochs take at most under this policy, in bytes (checkpoint e carries e history entries). */
export function checkpointDiskBytes(policy: CheckpointPolicy, spec: NetworkSpec, epochs: number): number {
  const file = (epoch: number): number => checkpointBytes(spec) + epoch * historyEntryBytes(spec);
  let kept = 0;
  const step = policy.kind === 'every' ? 1 : policy.kind === 'every-n' ? policy.n : 0;
  if (step > 0) {
    const count = Math.floor(epochs / step) + 1; // epochs 0, step, 2·step…
    kept = count * checkpointBytes(spec) + ((step * ((count - 1) * count)) / 2) * historyEntryBytes(spec);
  }
  // The newest epoch (two for a moment while one replaces the other) and the best one.
  return kept + 3 * file(epochs);
}

/** Above this, a run is refused 'every' (or 'every-n'): its checkpoints alone would fill a laptop's disk. */
export const KEPT_CHECKPOINTS_LIMIT_BYTES = 4 * 1024 ** 3;

/** Why this run's checkpoints cannot be kept (too large, or more than the free disk), with a setting that fits; undefined if they can. */
export function checkpointDiskProblem(
  setting: CheckpointSetting | undefined,
  spec: NetworkSpec,
  epochs: number,
  freeBytes: number | undefined,
): string | undefined {
  const policy = checkpointPolicy(setting, spec, epochs);
  const need = checkpointDiskBytes(policy, spec, epochs);
  const limit = Math.min(policy.kind === 'best-and-last' ? Infinity : KEPT_CHECKPOINTS_LIMIT_BYTES, freeBytes ?? Infinity);
  if (need <= limit) return undefined;
  const why =
    freeBytes !== undefined && need > freeBytes
      ? `the disk has ${formatBytes(freeBytes)} free`
      : `the lab keeps at most ${formatBytes(KEPT_CHECKPOINTS_LIMIT_BYTES)} of checkpoints per run`;
  const what = describeCheckpointPolicy(policy);
  return `Keeping ${what} of ${epochs.toLocaleString('en')} epochs would need about ${formatBytes(need)} of disk, and ${why}. ${fittingSetting(spec, epochs, limit)}`;
}

/** The setting closest to keeping every epoch that fits in `limit` bytes, in words. */
function fittingSetting(spec: NetworkSpec, epochs: number, limit: number): string {
  for (const n of [2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000]) {
    if (n >= epochs) break;
    const bytes = checkpointDiskBytes({ kind: 'every-n', n }, spec, epochs);
    if (bytes <= limit) return `Keep every ${n} epochs instead (about ${formatBytes(bytes)}), or the best and the last only.`;
  }
  const bytes = checkpointDiskBytes({ kind: 'best-and-last' }, spec, epochs);
  if (bytes <= limit) return `Keep the best and the last epoch only (about ${formatBytes(bytes)}).`;
  return 'Even its best and last epochs would not fit: free some disk space, or train a smaller network or fewer epochs.';
}

/** What a policy keeps, in a few words (the run card, and refusals). */
export function describeCheckpointPolicy(policy: CheckpointPolicy): string {
  if (policy.kind === 'every') return 'every epoch';
  if (policy.kind === 'every-n') return `every ${policy.n} epochs`;
  return 'the best and the last epoch';
}

/** Bytes in MB or GB, 2 significant digits. */
export function formatBytes(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${Number((bytes / 1024 ** 3).toPrecision(2))} GB` : `${Number((bytes / 1024 ** 2).toPrecision(2))} MB`;
}
