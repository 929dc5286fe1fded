/**
 * Start-up repair of a run whose record and folder disagree. The writes are ordered so that this
 * lab never leaves a record naming a missing file (new file, then the record, then the old file's
 * deletion: run-files.ts), but a crash between two of them leaves an extra file, and a record
 * written by an older Fathom (or a folder touched by hand) may name a file that is gone. Then:
 *
 * - a named checkpoint or best model that is missing is dropped from the record;
 * - a missing newest model is replaced by the newest complete checkpoint in the folder (one that
 *   loads and holds the epochs its name says), whose history the record takes if it has fewer;
 * - a history shorter than the newest checkpoint's epochs (its log lost or torn) is taken from that
 *   checkpoint, which carries every epoch up to it;
 * - checkpoint files the record does not name are crash leftovers (one being replaced, or one a
 *   roll-back discarded) and are deleted.
 *
 * What was changed is said in one sentence for the run's notice (file names, never full paths).
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { EpochReport } from '../../engine/reports';
import { loadModelFile } from '../../model/model-files';
import { checkpointEpoch, LAST_STEP_MODEL, runFilesDir } from './checkpoints';
import type { RunRecord } from './run-store';

/** Brings the record in line with its folder; returns what it changed (for the run's notice), or undefined if they agreed. */
export async function repairRunFiles(dataDir: string, record: RunRecord): Promise<string | undefined> {
  const dir = runFilesDir(dataDir, record.summary.id);
  const present = new Set(await modelFilesIn(dir));
  const notes: string[] = [];
  const missing = (name: string | undefined): name is string => name !== undefined && !present.has(name);

  const gone = record.checkpoints.filter((name) => !present.has(name));
  record.checkpoints = record.checkpoints.filter((name) => present.has(name));
  if (missing(record.bestModel)) {
    gone.push(record.bestModel);
    delete record.bestModel;
  }
  if (missing(record.latestModel)) {
    const lost = record.latestModel;
    if (!gone.includes(lost)) gone.push(lost);
    const found = await newestCompleteCheckpoint(dir, [...present]);
    if (found) {
      record.latestModel = found.name;
      if (!record.checkpoints.includes(found.name)) record.checkpoints.push(found.name);
      if (record.summary.history.length < found.history.length) record.summary.history = found.history;
      notes.push(`its newest saved weights (${lost}) were missing, so it now uses its checkpoint of epoch ${found.epoch}`);
    } else if (present.has(LAST_STEP_MODEL) && lost !== LAST_STEP_MODEL) {
      record.latestModel = LAST_STEP_MODEL;
      notes.push(`its newest saved weights (${lost}) were missing, so it now uses the weights it last stopped with`);
    } else {
      delete record.latestModel;
      notes.push(`its saved weights (${lost}) were missing and no complete checkpoint was found`);
    }
  }
  const latestEpoch = record.latestModel === undefined ? null : checkpointEpoch(record.latestModel);
  if (latestEpoch !== null && latestEpoch > record.summary.history.length) {
    const had = record.summary.history.length;
    const history = await checkpointHistory(join(dir, record.latestModel!), latestEpoch);
    if (history) {
      record.summary.history = history;
      notes.push(
        `its history log held ${had} of its ${latestEpoch} saved epochs, so the history was taken from its checkpoint of epoch ${latestEpoch}`,
      );
    }
  }
  if (gone.length > 0 && notes.length === 0)
    notes.push(`${gone.join(', ')} ${gone.length === 1 ? 'was' : 'were'} missing and no longer offered`);

  // Unnamed checkpoints are what a crash left between a write and the record (or a roll-back's deletions).
  for (const name of present) {
    if (checkpointEpoch(name) === null || record.checkpoints.includes(name) || record.latestModel === name) continue;
    await rm(join(dir, name), { force: true });
  }
  return notes.length > 0 ? `Repaired at start-up: ${notes.join('; ')}.` : undefined;
}

/** The model files of a run's folder (none if it has no folder). */
async function modelFilesIn(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((e) => e.isFile() && !e.name.startsWith('.') && e.name.endsWith('.fathom.json')).map((e) => e.name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** The history a checkpoint carries, if it loads and holds as many epochs as its name says. */
async function checkpointHistory(path: string, epoch: number): Promise<EpochReport[] | undefined> {
  try {
    const { file } = await loadModelFile(path);
    return file.history.length === epoch ? (file.history as unknown as EpochReport[]) : undefined;
  } catch {
    return undefined;
  }
}

/** The newest checkpoint that loads and holds as many epochs as its name says. */
async function newestCompleteCheckpoint(
  dir: string,
  names: string[],
): Promise<{ name: string; epoch: number; history: EpochReport[] } | undefined> {
  const checkpoints = names
    .map((name) => ({ name, epoch: checkpointEpoch(name) }))
    .filter((c): c is { name: string; epoch: number } => c.epoch !== null)
    .sort((a, b) => b.epoch - a.epoch);
  for (const { name, epoch } of checkpoints) {
    try {
      const { file } = await loadModelFile(join(dir, name));
      if (file.history.length === epoch) return { name, epoch, history: file.history as unknown as EpochReport[] };
    } catch {
      // torn or foreign: try the one before
    }
  }
  return undefined;
}
