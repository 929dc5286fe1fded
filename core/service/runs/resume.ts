/**
 * Resuming a run after the lab closed (or crashed) while it was alive. The worker that held its
 * trainer is gone, so a fresh worker starts from the run's newest saved weights: the last step's
 * (a clean close saves them; for a run paused by the NaN guard they are the last finite ones) or its
 * latest checkpoint (after a crash), and numbers its epochs on from the ones those weights had done.
 * What was only in the old worker's memory cannot come back, and the notice says so. This is the
 * main side; the new worker applies the weights in worker/resume-trainer.ts.
 */
import { checkpointEpoch, LAST_STEP_MODEL } from './checkpoints';
import type { RunRecord } from './run-store';

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
