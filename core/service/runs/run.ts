/** One training run as the service holds it: its record (what is saved) and its live worker, if any. */
import type { Worker } from 'node:worker_threads';
import type { EpochReport } from '../../engine/trainer';
import type { RunStatus } from '../../lab/contract';
import type { RunRecord } from './run-store';
import type { ResumePoint, WeightsSnapshot, WorkerMessage } from '../worker/protocol';

export type Ack = Extract<WorkerMessage, { type: 'ack' }>;

/** Statuses a run never leaves. */
export const ENDED: ReadonlySet<RunStatus> = new Set(['finished', 'stopped', 'failed']);

/** An epoch's weights not yet written, with the history up to that epoch. */
export interface HeldEpoch {
  report: EpochReport;
  weights: WeightsSnapshot;
  history: EpochReport[];
}

export interface Run {
  record: RunRecord;
  worker?: Worker;
  exited?: Promise<void>;
  workerError?: string;
  seq: number;
  pending: Map<number, { resolve(ack: Ack): void; reject(error: Error): void }>;
  /** Every file write of this run, in order. */
  writes: Promise<void>;
  recordWriteQueued: boolean;
  deleted: boolean;
  /** Checkpoints held back by the rate limit (run-files.ts): the newest epoch and the newest best one. */
  unsaved: { latest?: HeldEpoch; best?: HeldEpoch };
  /** When the last checkpoint was queued (the service's clock, ms); undefined before the first. */
  lastCheckpointAt?: number;
  /** Set while a run resumed after a restart waits for its worker: where that worker starts (resume.ts). */
  resumeFrom?: ResumePoint;
  /** What the run was interrupted doing, kept until its new worker is ready: a failed resume goes back to it. */
  restarting?: NonNullable<RunRecord['interrupted']>;
  /** Set while resumeFromEpoch() ends the run's worker: its exit is expected, not a crash. */
  rollingBack?: boolean;
}

export function newRun(record: RunRecord): Run {
  return { record, seq: 0, pending: new Map(), writes: Promise.resolve(), recordWriteQueued: false, deleted: false, unsaved: {} };
}
