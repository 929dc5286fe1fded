/**
 * What a run's record says beyond its settings, in words and numbers the Train tab shows: η over
 * the run ("3 → 0.5 at epoch 4"), its results (best epoch, final losses, time), where its events
 * sit on an epoch axis, and a name shortened without losing what tells two runs apart.
 */
import type { RunRecordEvent, RunRecordEventKind, RunSummary } from '@core/lab/contract';
import type { EpochReport } from '@core/engine/reports';
import { count, duration, loss, NONE, percent, significant } from '../format';

/** η as a person reads it: at most 4 significant digits. */
export const eta = (rate: number): string => significant(rate, 4);

const setsRate = (e: RunRecordEvent): boolean => (e.kind === 'learning-rate' || e.kind === 'rollback') && e.to !== undefined;

/** The epoch an event sits in, as said to a person: a change at the very start of epoch e is "at epoch e". */
const where = (e: RunRecordEvent): string => (e.batch === 0 ? `epoch ${e.epoch}` : `epoch ${e.epoch}, batch ${e.batch}`);

/** η over the run: "3" when it never changed, else "3 → 0.5 at epoch 4 → 0.1 at epoch 9" (a roll-back says so). */
export function rateHistory(run: Pick<RunSummary, 'settings' | 'events'>): string {
  let text = eta(run.settings.learningRate);
  let last = run.settings.learningRate;
  for (const e of run.events ?? []) {
    if (!setsRate(e) || e.to === last) continue;
    last = e.to!;
    text += ` → ${eta(last)} at ${where(e)}${e.kind === 'rollback' ? ' (rolled back)' : ''}`;
  }
  return text;
}

/** η the run trains with now as its record says: the last one set by hand or on a roll-back, else its base η (a schedule moves it further). */
export function latestRate(run: Pick<RunSummary, 'settings' | 'events'>): number {
  return (run.events ?? []).findLast(setsRate)?.to ?? run.settings.learningRate;
}

/** Whether η was changed by hand (or on a roll-back) during the run. */
export const rateChanged = (run: Pick<RunSummary, 'settings' | 'events'>): boolean =>
  (run.events ?? []).some((e) => setsRate(e) && e.to !== run.settings.learningRate);

export interface RunResults {
  /** The best epoch as the run picks it: on validation when it holds one out, else on test. */
  best: { epoch: number; split: 'validation' | 'test'; accuracy: number; test: number | null } | null;
  final: { train: number; validation: number | null; test: number | null } | null;
  epochs: number;
  /** Training time summed over its epochs (evaluation excluded). */
  seconds: number;
}

export function runResults(history: readonly EpochReport[]): RunResults {
  let best: RunResults['best'] = null;
  for (const r of history) {
    const split = r.validationAccuracy != null ? 'validation' : 'test';
    const accuracy = r.validationAccuracy ?? r.testAccuracy ?? null;
    if (accuracy !== null && (best === null || accuracy > best.accuracy))
      best = { epoch: r.epoch, split, accuracy, test: r.testAccuracy ?? null };
  }
  const last = history.at(-1);
  return {
    best,
    final: last ? { train: last.trainLoss, validation: last.validationLoss ?? null, test: last.testLoss ?? null } : null,
    epochs: history.length,
    seconds: history.reduce((sum, r) => sum + (Number.isFinite(r.seconds) ? r.seconds : 0), 0),
  };
}

export interface ResultField {
  key: string;
  label: string;
  /** What the label means, for a newcomer (the row's tooltip). */
  hint: string;
  value: string;
}

/** The results as rows of the comparison panel. */
export function describeResults(run: Pick<RunSummary, 'history'>): ResultField[] {
  const { best, final, epochs, seconds } = runResults(run.history);
  const bestHint =
    best?.split === 'test'
      ? 'Highest test accuracy over the epochs (this run held out no validation set, so the best epoch was picked on the test set)'
      : 'Highest accuracy on the validation set (held out of training), over the epochs';
  return [
    {
      key: 'best',
      label: best?.split === 'test' ? 'Best test acc.' : 'Best val. acc.',
      hint: bestHint,
      value: best ? `${percent(best.accuracy)} (epoch ${count(best.epoch)})` : NONE,
    },
    {
      key: 'bestTest',
      label: 'Test acc. there',
      hint: 'Accuracy on the test set at that best epoch: the figure to report',
      value: best?.split === 'validation' && best.test !== null ? percent(best.test) : NONE,
    },
    { key: 'trainLoss', label: 'Final train loss', hint: 'Mean cost over the last epoch’s training batches', value: loss(final?.train) },
    {
      key: 'heldOutLoss',
      label: 'Final val./test loss',
      hint: 'Cost on the validation set (and the test set) after the last epoch',
      value: final ? `${loss(final.validation)} / ${loss(final.test)}` : NONE,
    },
    { key: 'epochs', label: 'Epochs done', hint: 'Epochs the run finished', value: count(epochs) },
    {
      key: 'time',
      label: 'Training time',
      hint: 'Time spent training (evaluation excluded), summed over its epochs',
      value: epochs ? duration(seconds) : NONE,
    },
  ];
}

/** Where an event sits on an epoch axis (x = epochs done, fractional), given the run's batches per epoch when the event lacks it. */
export function eventX(e: RunRecordEvent, batchesPerEpoch = 0): number {
  const perEpoch = e.batchesPerEpoch ?? batchesPerEpoch;
  return e.epoch - 1 + (perEpoch > 0 ? Math.min(1, e.batch / perEpoch) : 0);
}

/** What each kind of event is called in a chart's legend. */
export const EVENT_LABELS: Record<RunRecordEventKind, string> = {
  'learning-rate': 'η changed',
  pause: 'paused',
  resume: 'resumed',
  step: 'single step',
  rollback: 'rolled back',
};

/**
 * A run's name for a line that may be too short: kept whole when it fits, else cut in the middle
 * ("784-100-30-10 sgd … η=3→0.5"), so the end, where automatic names differ (η), stays visible.
 */
export function elideMiddle(name: string, max = 34): string {
  if (name.length <= max) return name;
  const tail = Math.ceil((max - 1) / 2);
  return `${name.slice(0, max - 1 - tail).trimEnd()}…${name.slice(name.length - tail).trimStart()}`;
}
