/**
 * A run's lifecycle as one discriminated union. The phase says what the run is doing and holds what
 * only that phase has (its worker, where a resuming worker starts, what it was doing when the lab
 * closed); the run's status (RunSummary.status) and the `interrupted` of its record are read from it.
 * The moves between phases are written once (NEXT_PHASES), and so are the phases each verb acts on
 * (VERB_PHASES); anything else is refused with a LabError that says why.
 *
 *   queued ─▶ launching ─ready─▶ training ⇄ paused ─go back to an epoch─▶ rolling-back ─▶ queued
 *     │          │                   │         │                               ▲
 *     │          └─ a resuming worker fails ─▶ interrupted ─go back────────────┘
 *     │                  training or paused fails ─▲ (its newest epoch saved: resumable)
 *     │                                            └─resume─▶ queued
 *     └─▶ ended (finished, stopped or failed) ◀─ stop, the stopping rule, a crash, the lab closing
 *   every phase but deleted ─delete─▶ deleted
 */
import type { RunStatus } from '../../lab/contract';
import { LabError } from '../errors';
import type { ResumePoint } from '../worker/protocol';
import type { Run } from './run';
import type { RunRecord } from './run-store';
import type { RunWorker } from './run-worker';

/** What a run was doing when the lab closed (its record's `interrupted`), and why it had paused itself. */
export type Interruption = NonNullable<RunRecord['interrupted']>;

export type EndStatus = 'finished' | 'stopped' | 'failed';

export type RunPhase =
  /**
   * Waiting for a worker slot. A run resuming (after the lab closed, or going back to an epoch) says
   * where its new worker starts, and what it falls back to if that worker fails before it is ready.
   */
  | { kind: 'queued'; resume?: ResumePoint; fallback?: Interruption }
  /** Its worker loads the data and builds the trainer (status 'running'). */
  | { kind: 'launching'; worker: RunWorker; fallback?: Interruption }
  | { kind: 'training'; worker: RunWorker }
  /** Paused by a command or by the NaN guard: the worker keeps the trainer, the run keeps its slot. */
  | { kind: 'paused'; worker: RunWorker }
  /** No worker since the lab closed (or since a resume failed, or training failed after saving an epoch); shown paused, resumed by a new worker from the saved weights. */
  | { kind: 'interrupted'; was: Interruption }
  /** Going back to a saved epoch: its old worker, if it had one, ends (its exit is no crash); shown paused. */
  | { kind: 'rolling-back'; worker?: RunWorker }
  /** For good. `interrupted`: it ended because the lab closed while it was alive, and the next lab offers to resume it. */
  | { kind: 'ended'; status: EndStatus; interrupted?: Interruption }
  /** Gone from the list; its files are being deleted and nothing more of it is saved or announced. */
  | { kind: 'deleted' };

export type PhaseKind = RunPhase['kind'];
export type Phase<K extends PhaseKind> = Extract<RunPhase, { kind: K }>;

/** The phases each phase may move to. A worker's status report may repeat its phase (a new message). */
export const NEXT_PHASES = {
  queued: ['launching', 'interrupted', 'ended', 'deleted'],
  launching: ['training', 'paused', 'interrupted', 'ended', 'deleted'],
  training: ['training', 'paused', 'interrupted', 'ended', 'deleted'],
  paused: ['paused', 'training', 'rolling-back', 'interrupted', 'ended', 'deleted'],
  interrupted: ['queued', 'rolling-back', 'ended', 'deleted'],
  'rolling-back': ['queued', 'deleted'],
  ended: ['deleted'],
  deleted: [],
} as const satisfies Record<PhaseKind, readonly PhaseKind[]>;

export function canMove(from: PhaseKind, to: PhaseKind): boolean {
  return (NEXT_PHASES[from] as readonly PhaseKind[]).includes(to);
}

/** Throws unless NEXT_PHASES allows the run to move to `to`. */
export function checkMove(run: Pick<Run, 'phase' | 'record'>, to: PhaseKind): void {
  const from = run.phase.kind;
  if (!canMove(from, to)) throw new LabError('bad-state', `Run "${run.record.summary.name}" cannot go from ${from} to ${to}.`);
}

/** The status the window sees; undefined once deleted. */
export function statusOf(phase: RunPhase): RunStatus | undefined {
  switch (phase.kind) {
    case 'queued':
      return 'queued';
    case 'launching':
    case 'training':
      return 'running';
    case 'paused':
    case 'interrupted':
    case 'rolling-back':
      return 'paused';
    case 'ended':
      return phase.status;
    case 'deleted':
      return undefined;
  }
}

/** What the run's record keeps as `interrupted`, so a later lab knows the run was alive when this one closed. */
export function interruptionOf(phase: RunPhase): Interruption | undefined {
  if (phase.kind === 'interrupted') return phase.was;
  if (phase.kind === 'ended') return phase.interrupted;
  return undefined;
}

export const END_STATUSES: readonly RunStatus[] = ['finished', 'stopped', 'failed'];

export function isEndStatus(status: RunStatus): status is EndStatus {
  return END_STATUSES.includes(status);
}

// ── the verbs ─────────────────────────────────────────────────────────────────────────────────

export type RunVerb = 'pause' | 'resume' | 'step' | 'stop' | 'set-learning-rate' | 'go-back';

/** The phases each verb acts on (some by doing nothing: pausing a paused run, stopping an ended one). */
export const VERB_PHASES = {
  pause: ['launching', 'training', 'paused', 'interrupted', 'rolling-back'],
  resume: ['launching', 'training', 'paused', 'interrupted'],
  step: ['paused'],
  stop: ['queued', 'launching', 'training', 'paused', 'interrupted', 'ended'],
  'set-learning-rate': ['queued', 'launching', 'training', 'paused', 'interrupted'],
  'go-back': ['paused', 'interrupted'],
} as const satisfies Record<RunVerb, readonly PhaseKind[]>;

export type AcceptedBy<V extends RunVerb> = Phase<(typeof VERB_PHASES)[V][number]>;

export function accepts<V extends RunVerb>(phase: RunPhase, verb: V): phase is AcceptedBy<V> {
  return (VERB_PHASES[verb] as readonly PhaseKind[]).includes(phase.kind);
}

/** The run's phase, if `verb` acts on it; otherwise a LabError that says why not. */
export function phaseFor<V extends RunVerb>(run: Pick<Run, 'phase' | 'record'>, verb: V): AcceptedBy<V> {
  if (accepts(run.phase, verb)) return run.phase;
  throw refusal(run, verb);
}

const DONE: Record<RunVerb, string> = {
  pause: 'paused',
  resume: 'resumed',
  step: 'stepped',
  stop: 'stopped',
  'set-learning-rate': 'given a new learning rate',
  'go-back': 'sent back to an epoch',
};

function refusal({ phase, record }: Pick<Run, 'phase' | 'record'>, verb: RunVerb): LabError {
  const { name, status } = record.summary;
  const run = `Run "${name}"`;
  const bad = (message: string) => new LabError('bad-state', message);
  if (phase.kind === 'deleted') return new LabError('not-found', `${run} has been deleted.`);
  if (phase.kind === 'rolling-back') return bad(`${run} is going back to a saved epoch; it can be ${DONE[verb]} once it has restarted.`);
  if (verb === 'go-back') return bad(`${run} is ${status}: only a paused run can go back to a saved epoch (pause it first).`);
  if (verb === 'step' && phase.kind === 'interrupted')
    return bad(`${run} has no training worker since the lab closed: resume it, then pause it to step.`);
  if (verb === 'step' && status === 'running') return bad(`${run} is running: pause it before stepping.`);
  if (phase.kind === 'queued') return bad(`${run} is still queued; it can be ${DONE[verb]} once it has started.`);
  if (verb === 'set-learning-rate') return bad(`${run} has ${status}; its learning rate can no longer change.`);
  return bad(`${run} has ${status}; it can no longer be ${DONE[verb]}.`);
}
