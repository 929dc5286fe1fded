/**
 * What the Design tab says while a run trains elsewhere: which run, how far it is, and that editing
 * the design does not touch it (a run trains the copy of the network it was started with).
 */
import type { RunSummary } from '@core/lab/contract';
import { count } from '../format';

export interface TrainingNote {
  runId: string;
  /** "#3 784-30-10 sgd η=3". */
  name: string;
  /** "training · epoch 3 / 30", "paused at epoch 3 / 30", "queued (2nd)". */
  state: string;
  /** Other active runs besides this one. */
  others: number;
}

type ActiveRun = Pick<RunSummary, 'id' | 'name' | 'number' | 'status' | 'queuePosition' | 'settings' | 'history'> & {
  progress?: { epoch: number } | null;
};

/** The epoch under way: the progress's, else the one after the last finished. */
const epochOf = (run: ActiveRun): number => run.progress?.epoch ?? (run.history.at(-1)?.epoch ?? 0) + 1;

function stateOf(run: ActiveRun): string {
  const epochs = `epoch ${count(Math.min(epochOf(run), run.settings.epochs))} / ${count(run.settings.epochs)}`;
  if (run.status === 'paused') return `paused at ${epochs}`;
  if (run.status === 'queued') return run.queuePosition ? `queued, ${count(run.queuePosition)} in line` : 'queued';
  return `training · ${epochs}`;
}

/** The note for the newest active run (runs newest first), or null when nothing trains. */
export function trainingNote(runs: readonly ActiveRun[]): TrainingNote | null {
  const active = runs.filter((r) => r.status === 'running' || r.status === 'paused' || r.status === 'queued');
  // A run that trains now says more than one waiting in the queue.
  const run = active.find((r) => r.status === 'running') ?? active[0];
  if (!run) return null;
  return {
    runId: run.id,
    name: run.number !== undefined ? `#${run.number} ${run.name}` : run.name,
    state: stateOf(run),
    others: active.length - 1,
  };
}

/** What editing the design while a run trains does. */
export const EDITING_WHILE_TRAINING =
  'Editing the design does not change it: a run trains the copy of the network it started with. Your edits are for the next run.';
