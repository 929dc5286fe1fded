/**
 * The events a run's record keeps (RunRecordEvent): η changed by hand, pauses, resumes, single
 * steps and roll-backs, each where it happened (epoch, batch) and when. A change of η by hand never
 * touches the run's settings: the base η and its schedule stay as designed, and the change is an
 * event. A new worker (after the lab closed, or a roll-back) gets the schedule scaled as the last
 * change left it (`workerSettings`), as the old worker's trainer had it (engine/schedules.ts setManual).
 */
import { DEFAULT_SCHEDULE, LearningRateSchedule, type SchedulePoint } from '../../engine/schedules';
import type { TrainSettings } from '../../engine/spec';
import { networkSizes } from '../../engine/spec';
import type { RunRecordEvent, RunRecordEventKind } from '../../lab/contract';
import type { Run } from './run';
import type { RunRecord } from './run-store';

/** Where a run's training stands: the epoch under way (1-based) and the batches done in it. */
export interface RunPosition {
  epoch: number;
  batch: number;
  batchesPerEpoch?: number;
  /** η of its latest batch, as its worker reported it. */
  learningRate?: number;
}

/** Batches in one epoch, once the worker has loaded the data (the split sizes are known). */
export function batchesPerEpoch(record: RunRecord): number | undefined {
  return record.sizes ? Math.max(1, Math.ceil(record.sizes.train / record.summary.settings.batchSize)) : undefined;
}

/** The run's latest reported position, or the start of the epoch after its history (nothing reported since its worker started). */
export function positionOf(run: Run): RunPosition {
  const reported = run.position;
  // After an epoch's last batch, the next batch is the first of the next epoch.
  if (reported?.batchesPerEpoch && reported.batch >= reported.batchesPerEpoch) return { ...reported, epoch: reported.epoch + 1, batch: 0 };
  if (reported) return reported;
  const perEpoch = batchesPerEpoch(run.record);
  return { epoch: run.record.summary.history.length + 1, batch: 0, ...(perEpoch ? { batchesPerEpoch: perEpoch } : {}) };
}

/**
 * η the base η and schedule alone give at `point` (no change by hand): plateau's cuts replayed from
 * the history's losses up to it, as the trainer makes them. Before the split sizes are known, an
 * epoch counts as one batch (only a warm-up or cosine schedule reads batches within an epoch).
 */
export function scheduledRate(record: RunRecord, point: SchedulePoint): number {
  const { settings, history } = record.summary;
  const schedule = new LearningRateSchedule(
    settings.learningRate,
    settings.schedule ?? DEFAULT_SCHEDULE,
    settings.epochs,
    batchesPerEpoch(record) ?? 1,
  );
  schedule.replay(history.slice(0, Math.max(0, point.epoch - 1)).map((r) => (record.validation ? r.validationLoss : r.trainLoss)));
  return schedule.rate(point);
}

/** The latest event that set η (a change by hand or a roll-back), if any: it decides η from there on. */
export function lastRateChange(record: RunRecord): RunRecordEvent | undefined {
  return record.summary.events?.findLast((e) => (e.kind === 'learning-rate' || e.kind === 'rollback') && e.to !== undefined);
}

/** η in force now: the latest change's scale of the schedule at the run's position, or the schedule's own η. */
export function currentRate(run: Run): number {
  const position = positionOf(run);
  if (position.learningRate !== undefined) return position.learningRate;
  const scheduled = scheduledRate(run.record, position);
  const change = lastRateChange(run.record);
  return change?.scheduled ? (change.to! / change.scheduled) * scheduled : scheduled;
}

/**
 * The settings a new worker of the run trains with: as designed, but with the last change of η by
 * hand applied. The trainer scales the rest of a schedule by to / scheduled from a change (setManual);
 * scaling the base η and the floor by that ratio gives every schedule exactly those values.
 */
export function workerSettings(record: RunRecord): TrainSettings {
  const { settings } = record.summary;
  const change = lastRateChange(record);
  if (!change?.scheduled || change.to === undefined) return settings;
  if (!settings.schedule || settings.schedule.kind === 'constant') return { ...settings, learningRate: change.to };
  const scale = change.to / change.scheduled;
  return {
    ...settings,
    learningRate: settings.learningRate * scale,
    schedule: { ...settings.schedule, minLearningRate: settings.schedule.minLearningRate * scale },
  };
}

/** A new event at the run's position (or at `at`), now. */
export function recordEvent(
  run: Run,
  kind: RunRecordEventKind,
  detail: string,
  time: Date,
  extra: Pick<RunRecordEvent, 'from' | 'to' | 'scheduled'> & { at?: RunPosition } = {},
): RunRecordEvent {
  const { at, ...rates } = extra;
  const { epoch, batch, batchesPerEpoch: perEpoch } = at ?? positionOf(run);
  const event: RunRecordEvent = {
    kind,
    epoch,
    batch,
    ...(perEpoch ? { batchesPerEpoch: perEpoch } : {}),
    time: time.toISOString(),
    detail,
    ...rates,
  };
  (run.record.summary.events ??= []).push(event);
  return event;
}

/** η over the run: the base η, then every η set by hand or on a roll-back (a repeat of the η before is left out). */
export function rateHistory(record: RunRecord): number[] {
  const rates = [record.summary.settings.learningRate];
  for (const e of record.summary.events ?? [])
    if ((e.kind === 'learning-rate' || e.kind === 'rollback') && e.to !== undefined && e.to !== rates.at(-1)) rates.push(e.to);
  return rates;
}

/** The name a run gets when none is given: its sizes, optimiser and η ("784-30-10 sgd η=3", after a change "… η=3→0.5"). */
export function automaticName(record: Pick<RunRecord, 'summary'> & Partial<RunRecord>): string {
  const { spec, settings } = record.summary;
  const sizes = networkSizes(spec);
  const rates = record.summary.events ? rateHistory(record as RunRecord) : [settings.learningRate];
  return `${sizes} ${settings.optimizer} η=${rates.join('→')}`;
}

/**
 * Adds an event that sets η: a run still under its automatic name is renamed so the name no longer
 * claims the one η it started with. Returns the event.
 */
export function recordRateChange(
  run: Run,
  kind: 'learning-rate' | 'rollback',
  detail: string,
  time: Date,
  rates: { from: number; to: number; scheduled: number; at?: RunPosition },
): RunRecordEvent {
  const { summary } = run.record;
  const automatic = summary.name === automaticName(run.record);
  const event = recordEvent(run, kind, detail, time, rates);
  if (automatic) summary.name = automaticName(run.record);
  return event;
}
