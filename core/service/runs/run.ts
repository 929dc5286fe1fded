/** One training run as the service holds it: its record (what is saved), its phase (phases.ts) and its file writes (run-files.ts). */
import type { ResumePoint } from '../worker/protocol';
import type { RunPhase } from './phases';
import type { RunPosition } from './record-events';
import type { RunRecord } from './run-store';

export interface Run {
  record: RunRecord;
  /** Changed only by the run manager's enter(), which keeps the record's status in step. */
  phase: RunPhase;
  /** Every file write of this run, in order. */
  writes: Promise<void>;
  recordWriteQueued: boolean;
  /** Whether the history log on disk can be appended to (false: rewrite it whole first: a version-1 record, a torn or failed append). */
  historyLogSound: boolean;
  /** Where its current worker's training stands (its latest progress); absent until that worker reports a batch. */
  position?: RunPosition;
  /**
   * A run started from a model file (models/start-models.ts): its first worker starts from these
   * weights, and writes them as its epoch 0 (the record's `startedFrom` keeps the rest).
   */
  start?: { resume: ResumePoint };
}

export function newRun(record: RunRecord, phase: RunPhase, historyLogSound = true): Run {
  return { record, phase, writes: Promise.resolve(), recordWriteQueued: false, historyLogSound };
}
