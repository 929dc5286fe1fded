/**
 * A run's history as CSV: one line per epoch with its losses and accuracies (train, validation,
 * test), the learning rate η it ended at, and its time. Pure. Columns that a run never filled
 * (no validation split, say) are still written, empty, so every export has the same columns.
 */
import type { EpochReport } from '../../engine/reports';
import { csvText, type CsvCell } from './csv';

export const HISTORY_COLUMNS = [
  'epoch',
  'train_loss',
  'train_accuracy',
  'validation_loss',
  'validation_accuracy',
  'test_loss',
  'test_accuracy',
  'learning_rate',
  'seconds',
  'samples_per_second',
] as const;

/** The fields of an epoch report this reads; a saved model's history (nulls for non-finite values) fits too. */
export type HistoryRow = Pick<EpochReport, 'epoch' | 'samplesPerSecond' | 'seconds'> & {
  trainLoss: number | null;
  trainAccuracy: number | null;
  validationLoss?: number | null;
  validationAccuracy?: number | null;
  testLoss?: number | null;
  testAccuracy?: number | null;
  learningRate?: number;
};

const cell = (value: number | null | undefined): CsvCell => value ?? null;

export function historyCsv(history: readonly HistoryRow[]): string {
  const rows = history.map((r): CsvCell[] => [
    r.epoch,
    cell(r.trainLoss),
    cell(r.trainAccuracy),
    cell(r.validationLoss),
    cell(r.validationAccuracy),
    cell(r.testLoss),
    cell(r.testAccuracy),
    cell(r.learningRate),
    r.seconds,
    r.samplesPerSecond,
  ]);
  return csvText(HISTORY_COLUMNS, rows);
}
