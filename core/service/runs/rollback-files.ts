/** The files side of a roll-back (rollback.ts): reading the epoch's weights, and what to cut after it. */
import { join } from 'node:path';
import { Network } from '../../engine/network';
import { Rng } from '../../engine/rng';
import { norm } from '../../engine/trainer';
import { loadModelFile } from '../../model/model-files';
import { checkpointEpoch, LAST_STEP_MODEL, runFilesDir } from './checkpoints';
import { LabError } from '../errors';
import { bestEpoch, rollbackFile } from './rollback';
import type { RunRecord } from './run-store';
import { snapshotWeights, type WeightsSnapshot } from '../worker/protocol';

/**
 * ‖w^l‖ of the run's epoch-0 weights, l = 1…L: what a healthy epoch's weights are compared with.
 * A run from a model file starts from the file's weights (its epoch-0 checkpoint), not its seed's:
 * a trained model's weights can be many times the seed's, and would all look blown up against them.
 * Weights that cannot be read give no sizes (the loss checks still apply).
 */
export async function initialWeightNorms(dataDir: string, record: RunRecord): Promise<number[]> {
  try {
    return (await loadRollbackWeights(dataDir, record, 0)).w.map((w) => norm(w));
  } catch {
    return [];
  }
}

/**
 * The weights of a saved epoch, checked to be that epoch's. Epoch 0 is its checkpoint when the run
 * saved one (a run from a model file always does: its start weights), else the seed's initial
 * weights as the worker makes them.
 */
export async function loadRollbackWeights(dataDir: string, record: RunRecord, epoch: number): Promise<WeightsSnapshot> {
  const { summary } = record;
  const name = rollbackFile(record, epoch);
  if (name === null && summary.startedFrom)
    throw new LabError(
      'bad-state',
      `Run "${summary.name}" cannot go back to epoch 0: the weights of ${summary.startedFrom.name} it started from were not saved. Nothing was changed.`,
    );
  if (name === null) return snapshotWeights(Network.create(summary.spec, new Rng(summary.settings.seed)));
  let loaded;
  try {
    loaded = await loadModelFile(join(runFilesDir(dataDir, summary.id), name));
  } catch (err) {
    throw new LabError(
      'bad-state',
      `Run "${summary.name}" cannot go back to epoch ${epoch}: its saved weights (${name}) could not be read: ${(err as Error).message}. Nothing was changed.`,
    );
  }
  const held = loaded.file.history.length;
  if (held !== epoch)
    throw new LabError(
      'bad-state',
      `Run "${summary.name}" cannot go back to epoch ${epoch}: ${name} holds the weights of epoch ${held}. Nothing was changed.`,
    );
  return snapshotWeights(loaded.net);
}

/**
 * Cuts the record back to `epoch`: its history, its checkpoints, its best model if that came later,
 * and its newest model. Returns the files to delete (after the record no longer names them).
 */
export function rollbackCut(record: RunRecord, epoch: number): string[] {
  const best = bestEpoch(record);
  const doomed = record.checkpoints.filter((n) => (checkpointEpoch(n) ?? 0) > epoch);
  record.checkpoints = record.checkpoints.filter((n) => !doomed.includes(n));
  doomed.push(LAST_STEP_MODEL);
  if (record.bestModel && best !== null && best > epoch) {
    doomed.push(record.bestModel);
    delete record.bestModel;
  }
  record.summary.history = record.summary.history.slice(0, epoch);
  const latest = epoch === 0 ? undefined : (record.checkpoints.find((n) => checkpointEpoch(n) === epoch) ?? record.bestModel);
  if (latest) record.latestModel = latest;
  else delete record.latestModel;
  return doomed;
}
