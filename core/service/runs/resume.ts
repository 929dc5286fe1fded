/**
 * Resuming a run after the lab closed (or crashed) while it was alive. The worker that held its
 * trainer is gone, so a fresh worker starts from the run's newest saved weights: the last step's
 * (a clean close saves them; for a run paused by the NaN guard they are the last finite ones) or its
 * latest checkpoint (after a crash), and numbers its epochs on from the ones those weights had done.
 * What was only in the old worker's memory cannot come back, and the notice says so. This is the
 * main side; the new worker applies the weights in worker/resume-trainer.ts.
 */
import { join } from 'node:path';
import { loadModelFile } from '../../model/model-files';
import { LabError } from '../errors';
import { snapshotWeights, type WeightsSnapshot } from '../worker/protocol';
import { checkpointEpoch, LAST_STEP_MODEL, runFilesDir } from './checkpoints';
import { isEndStatus, type RunPhase } from './phases';
import type { RunRecord } from './run-store';

/**
 * The phase of a run read back at startup, its record brought in line (`changed`: to be written again).
 * A run that was alive when the lab closed (or crashed) comes back interrupted, shown paused, to be
 * resumed from its newest saved weights; one that had saved none comes back stopped.
 */
export function phaseAtStartup(record: RunRecord): { phase: RunPhase; changed: boolean } {
  const { summary } = record;
  const { status } = summary;
  // A clean close stopped it and said so in `interrupted`; after a crash its status still says what it was doing.
  const wasAlive = isEndStatus(status)
    ? record.interrupted
    : status === 'queued'
      ? undefined
      : { status, ...(summary.message ? { message: summary.message } : {}) };
  if (!wasAlive && isEndStatus(status)) return { phase: { kind: 'ended', status }, changed: false };
  if (wasAlive && canResume(record)) {
    record.interrupted = wasAlive;
    // After a crash the record may hold epochs past its last checkpoint: resuming trains them again.
    const done = epochsDone(record);
    summary.history = summary.history.slice(0, done);
    record.checkpoints = record.checkpoints.filter((name) => (checkpointEpoch(name) ?? 0) <= done);
    summary.status = 'paused';
    summary.message = interruptedNotice(record);
    return { phase: { kind: 'interrupted', was: wasAlive }, changed: true };
  }
  delete record.interrupted;
  summary.status = 'stopped';
  summary.message = 'The lab closed before this run finished its first epoch.';
  return { phase: { kind: 'ended', status: 'stopped' }, changed: true };
}

/** The weights an interrupted run resumes from: its newest saved model's. */
export async function resumeWeights(dataDir: string, record: RunRecord): Promise<WeightsSnapshot> {
  const { summary, latestModel } = record;
  // Only a run sent back to epoch 0 whose new worker then failed has no saved weights: it can go back again.
  if (!latestModel)
    throw new LabError(
      'bad-state',
      `Run "${summary.name}" has no saved weights to resume from: go back to epoch 0 (its initial weights) again, or stop it.`,
    );
  try {
    return snapshotWeights((await loadModelFile(join(runFilesDir(dataDir, summary.id), latestModel))).net);
  } catch (err) {
    throw new LabError(
      'bad-state',
      `Run "${summary.name}" cannot resume: its saved weights (${latestModel}) could not be read: ${(err as Error).message}`,
    );
  }
}

/** Epochs finished by the weights the run would resume from. */
export function epochsDone(record: RunRecord): number {
  const fromCheckpoint = record.latestModel === undefined ? null : checkpointEpoch(record.latestModel);
  return Math.min(fromCheckpoint ?? record.summary.history.length, record.summary.history.length);
}

/** Whether the run left weights to resume from. */
export function canResume(record: RunRecord): boolean {
  return record.latestModel !== undefined && record.fittedScaling !== undefined && record.sizes !== undefined;
}

/** What a run interrupted by the lab closing says: why it was paused, what resuming does, and what it cannot bring back. */
export function interruptedNotice(record: RunRecord): string {
  const { interrupted, summary } = record;
  const before =
    interrupted?.status === 'paused'
      ? (interrupted.message ? `${interrupted.message} ` : '') + 'The lab closed while this run was paused.'
      : 'The lab closed while this run was training.';
  const done = epochsDone(record);
  const from = record.latestModel === LAST_STEP_MODEL ? 'the weights it had when the lab closed' : `its checkpoint of epoch ${done}`;
  const optimiser =
    summary.settings.optimizer === 'adam'
      ? "Adam's moment estimates start from zero, "
      : summary.settings.optimizer === 'momentum'
        ? 'the momentum (velocity) starts from zero, '
        : '';
  return (
    `${before} Resume starts a new training worker from ${from} and continues at epoch ${done + 1}, with the learning rate set now. ` +
    `Not restored: ${optimiser}the data is shuffled afresh, and any batches of the interrupted epoch are trained again.`
  );
}
