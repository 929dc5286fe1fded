/** The run lifecycle's tables (phases.ts): every move and every verb outside them is refused with a LabError. */
import { describe, expect, it } from 'vitest';
import { LabError } from '@core/service/errors';
import {
  checkMove,
  interruptionOf,
  NEXT_PHASES,
  phaseFor,
  statusOf,
  VERB_PHASES,
  type PhaseKind,
  type RunPhase,
  type RunVerb,
} from '@core/service/runs/phases';
import type { RunWorker } from '@core/service/runs/run-worker';
import { RUN_FORMAT, RUN_VERSION, type RunRecord } from '@core/service/runs/run-store';
import { quickRun } from '../helpers';

const worker = {} as RunWorker;
const PHASES: Record<PhaseKind, RunPhase> = {
  queued: { kind: 'queued' },
  launching: { kind: 'launching', worker },
  training: { kind: 'training', worker },
  paused: { kind: 'paused', worker },
  interrupted: { kind: 'interrupted', was: { status: 'paused', message: 'Paused: the loss became NaN.' } },
  'rolling-back': { kind: 'rolling-back' },
  ended: { kind: 'ended', status: 'finished' },
  deleted: { kind: 'deleted' },
};
const KINDS = Object.keys(PHASES) as PhaseKind[];

/** A run in `phase`, its record's status as that phase shows it. */
function runIn(phase: RunPhase): { phase: RunPhase; record: RunRecord } {
  const { spec, settings, datasetId, scaling } = quickRun();
  const summary = {
    id: 'r1',
    name: 'quick',
    createdAt: '',
    spec,
    settings,
    datasetId,
    scaling,
    status: statusOf(phase) ?? 'stopped',
    history: [],
  };
  return { phase, record: { format: RUN_FORMAT, version: RUN_VERSION, summary, validation: false, checkpoints: [] } };
}

const refusal = (fn: () => unknown): LabError => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(LabError);
    return error as LabError;
  }
  throw new Error('was not refused');
};

describe('run phases', () => {
  it('allows exactly the moves of NEXT_PHASES, and refuses the others naming both phases', () => {
    for (const from of KINDS)
      for (const to of KINDS) {
        const allowed = (NEXT_PHASES[from] as readonly PhaseKind[]).includes(to);
        if (allowed) expect(() => checkMove(runIn(PHASES[from]), to), `${from} → ${to}`).not.toThrow();
        else expect(refusal(() => checkMove(runIn(PHASES[from]), to)).message).toBe(`Run "quick" cannot go from ${from} to ${to}.`);
      }
    // The ones that matter most: nothing leaves deleted, an ended run only goes, and a roll-back only requeues.
    expect(NEXT_PHASES.deleted).toEqual([]);
    expect(NEXT_PHASES.ended).toEqual(['deleted']);
    expect(NEXT_PHASES['rolling-back']).toEqual(['queued', 'deleted']);
  });

  it('shows every phase as one status, and keeps `interrupted` only for a run the lab closed on', () => {
    expect(KINDS.map((kind) => statusOf(PHASES[kind]))).toEqual([
      'queued',
      'running',
      'running',
      'paused',
      'paused',
      'paused',
      'finished',
      undefined,
    ]);
    expect(interruptionOf(PHASES.interrupted)).toEqual({ status: 'paused', message: 'Paused: the loss became NaN.' });
    expect(interruptionOf({ kind: 'ended', status: 'stopped', interrupted: { status: 'running' } })).toEqual({ status: 'running' });
    expect(KINDS.filter((kind) => kind !== 'interrupted').map((kind) => interruptionOf(PHASES[kind]))).toEqual(Array(7).fill(undefined));
  });

  it('gives each verb the phases it acts on, and a LabError saying why for the others', () => {
    const verbs = Object.keys(VERB_PHASES) as RunVerb[];
    for (const verb of verbs)
      for (const kind of KINDS) {
        const run = runIn(PHASES[kind]);
        if ((VERB_PHASES[verb] as readonly PhaseKind[]).includes(kind)) expect(phaseFor(run, verb)).toBe(run.phase);
        else expect(refusal(() => phaseFor(run, verb)).code, `${verb} in ${kind}`).toBe(kind === 'deleted' ? 'not-found' : 'bad-state');
      }
    const message = (verb: RunVerb, kind: PhaseKind) => refusal(() => phaseFor(runIn(PHASES[kind]), verb)).message;
    expect(message('step', 'training')).toBe('Run "quick" is running: pause it before stepping.');
    expect(message('step', 'launching')).toBe('Run "quick" is running: pause it before stepping.');
    expect(message('step', 'interrupted')).toBe(
      'Run "quick" has no training worker since the lab closed: resume it, then pause it to step.',
    );
    expect(message('resume', 'ended')).toBe('Run "quick" has finished; it can no longer be resumed.');
    expect(message('pause', 'queued')).toBe('Run "quick" is still queued; it can be paused once it has started.');
    expect(message('go-back', 'training')).toBe('Run "quick" is running: only a paused run can go back to a saved epoch (pause it first).');
    expect(message('set-learning-rate', 'ended')).toBe('Run "quick" has finished; its learning rate can no longer change.');
    expect(message('stop', 'rolling-back')).toBe('Run "quick" is going back to a saved epoch; it can be stopped once it has restarted.');
    expect(message('pause', 'deleted')).toBe('Run "quick" has been deleted.');
  });
});
