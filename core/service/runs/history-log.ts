/**
 * A run's per-epoch history, kept beside its record as an append-only log (issue 18 §1): one JSON
 * epoch report per line in dataDir/runs/<id>.history.jsonl. The record itself stays small and says
 * how many epochs of the log count (`historyEpochs`), so a checkpoint's record write costs the same
 * at epoch 100,000 as at epoch 1, and the epochs cost one short append each.
 *
 * Reading: a line of epoch e stands for epoch e and drops any later epochs read before it (the
 * epochs a roll-back discarded are simply written again). Lines that skip an epoch, and a torn last
 * line (a crash mid-append), end the read; the log is then rewritten whole before anything is
 * appended to it again, as it is after an append that failed. Every instant on disk is consistent:
 * the log is appended before the record names a checkpoint of its epochs (both go through the run's
 * one write queue), and the record's count cuts off whatever the log holds past it.
 */
import { appendFile } from 'node:fs/promises';
import type { EpochReport } from '../../engine/reports';
import { FileRefusal, readRegularFile } from '../../files/safe-read';
import { writeFileAtomic } from '../../model/model-files';

/** A long run's history: 100,000 epochs of a 64-layer network's metrics stay far below this. */
export const HISTORY_LOG_MAX_BYTES = 512 * 1024 * 1024;

// JSON turns a NaN loss into null, which reads back as "no value".
const lines = (reports: readonly EpochReport[]): string => reports.map((r) => `${JSON.stringify(r)}\n`).join('');

/** Appends these epochs' reports. */
export async function appendHistory(path: string, reports: readonly EpochReport[]): Promise<void> {
  await appendFile(path, lines(reports));
}

/** Writes the whole history anew (atomically): a record from before the log existed, or a log whose last append failed or was torn. */
export async function writeHistoryLog(path: string, history: readonly EpochReport[]): Promise<void> {
  await writeFileAtomic(path, lines(history));
}

export interface ReadHistory {
  history: EpochReport[];
  /** Whether every line of the log was whole (else it must be rewritten before the next append). */
  sound: boolean;
}

/** The history the log holds, at most `epochs` of it; a missing log holds none. */
export async function readHistoryLog(path: string, epochs: number): Promise<ReadHistory> {
  let text: string;
  try {
    text = (await readRegularFile(path, HISTORY_LOG_MAX_BYTES)).toString('utf8');
  } catch (err) {
    // A run that has not finished an epoch has no log yet.
    if (err instanceof FileRefusal && err.reason === 'missing') return { history: [], sound: true };
    throw err;
  }
  return parseHistoryLog(text, epochs);
}

/** The history of a log's text (see the top of this file for the rules). */
export function parseHistoryLog(text: string, epochs: number): ReadHistory {
  const history: EpochReport[] = [];
  let sound = true;
  let start = 0;
  while (start < text.length) {
    const end = text.indexOf('\n', start);
    const report = end < 0 ? undefined : parseReport(text.slice(start, end));
    if (!report || report.epoch > history.length + 1) {
      sound = false;
      break;
    }
    history.length = report.epoch - 1;
    history.push(report);
    start = end + 1;
  }
  if (history.length > epochs) history.length = epochs;
  return { history, sound };
}

function parseReport(line: string): EpochReport | undefined {
  try {
    const value = JSON.parse(line) as unknown;
    const epoch = (value as { epoch?: unknown } | null)?.epoch;
    return typeof epoch === 'number' && Number.isInteger(epoch) && epoch >= 1 ? (value as EpochReport) : undefined;
  } catch {
    return undefined;
  }
}
