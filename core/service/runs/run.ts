/** One training run as the service holds it: its record (what is saved), its phase (phases.ts) and its file writes (run-files.ts). */
import type { EpochReport } from '../../engine/reports';
import type { WeightsSnapshot } from '../worker/protocol';
import type { RunPhase } from './phases';
import type { RunRecord } from './run-store';

/** An epoch's weights not yet written, with the history up to that epoch. */
export interface HeldEpoch {
  report: EpochReport;
  weights: WeightsSnapshot;
  history: EpochReport[];
}

export interface Run {
  record: RunRecord;
  /** Changed only by the run manager's enter(), which keeps the record's status in step. */
  phase: RunPhase;
  /** Every file write of this run, in order. */
  writes: Promise<void>;
  recordWriteQueued: boolean;
  /** Checkpoints held back by the rate limit (run-files.ts): the newest epoch and the newest best one. */
  unsaved: { latest?: HeldEpoch; best?: HeldEpoch };
  /** When the last checkpoint was queued (the service's clock, ms); undefined before the first. */
  lastCheckpointAt?: number;
}

export function newRun(record: RunRecord, phase: RunPhase): Run {
  return { record, phase, writes: Promise.resolve(), recordWriteQueued: false, unsaved: {} };
}
