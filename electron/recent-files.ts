/**
 * Recent files: models opened and datasets imported, newest first, kept in userData as JSON written
 * atomically. What is read back is validated (a damaged list is an empty one, never a crash), and
 * files that no longer exist are dropped before the menu shows them.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { z } from 'zod';
import { IMPORT_KINDS, type ImportKind } from '../core/lab/contract';
import { writeFileAtomic } from '../core/files/atomic-write';

export interface RecentFile {
  kind: 'model' | 'dataset';
  /** A model: one file. A dataset: the files or the folder it was imported from. */
  paths: string[];
  /** How a dataset was imported (absent for a model). */
  importKind?: ImportKind;
  /** What the menu shows. */
  label: string;
}

export const MAX_RECENT = 10;
const MAX_PATH = 4096;

const recentSchema = z.strictObject({
  kind: z.enum(['model', 'dataset']),
  paths: z.array(z.string().min(1).max(MAX_PATH)).min(1).max(4),
  importKind: z.enum(IMPORT_KINDS).optional(),
  label: z.string().min(1).max(300),
});
const fileSchema = z.strictObject({ version: z.literal(1), recent: z.array(recentSchema).max(100) });

export function modelRecent(path: string): RecentFile {
  return { kind: 'model', paths: [path], label: basename(path) };
}

export function datasetRecent(paths: readonly string[], importKind: ImportKind): RecentFile {
  const names = paths.map((path) => basename(path));
  const label = names.length > 1 ? `${names[0]} + ${names.length - 1} more (dataset)` : `${names[0]} (dataset)`;
  return { kind: 'dataset', paths: [...paths], importKind, label };
}

const sameFile = (a: RecentFile, b: RecentFile) => a.kind === b.kind && a.paths.join('\n') === b.paths.join('\n');

/** The list with `file` first (moved there if it was already in it), at most MAX_RECENT long. */
export function addRecent(list: readonly RecentFile[], file: RecentFile): RecentFile[] {
  return [file, ...list.filter((other) => !sameFile(other, file))].slice(0, MAX_RECENT);
}

/** Only the entries whose every file still exists. */
export function existingRecent(list: readonly RecentFile[], exists: (path: string) => boolean = existsSync): RecentFile[] {
  return list.filter((file) => file.paths.every((path) => exists(path)));
}

/** The stored list from its JSON text; an empty list (and the reason) for anything that is not one. */
export function parseRecent(text: string): { recent: RecentFile[]; problem?: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { recent: [], problem: 'not JSON' };
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) return { recent: [], problem: parsed.error.issues[0]?.message ?? 'not a recent-files list' };
  const recent = parsed.data.recent.map((r): RecentFile =>
    r.importKind ? { ...r, importKind: r.importKind } : { kind: r.kind, paths: r.paths, label: r.label },
  );
  return { recent: recent.slice(0, MAX_RECENT) };
}

/** The list stored at `path`; empty when there is none or it is damaged (a warning says why). */
export async function loadRecent(path: string): Promise<RecentFile[]> {
  const text = await readFile(path, 'utf8').catch(() => null);
  if (text === null) return [];
  const { recent, problem } = parseRecent(text);
  if (problem) console.warn(`fathom: ignored the recent-files list ${path}: ${problem}`);
  return recent;
}

export async function saveRecent(path: string, recent: readonly RecentFile[]): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, `${JSON.stringify({ version: 1, recent }, null, 2)}\n`);
}

/** The OS's own recent-documents list (Windows jump list, macOS Dock menu), where it has one. */
export interface OsRecentDocuments {
  add(path: string): void;
  clear(): void;
}

/** The recent-files list of the running app: kept in memory, saved after every change (one write at a time). */
export class RecentStore {
  private list: RecentFile[] = [];
  private writes: Promise<void> = Promise.resolve();

  constructor(
    private readonly path: string,
    private readonly os: OsRecentDocuments,
    private readonly onChange: () => void,
  ) {}

  async load(): Promise<void> {
    this.list = await loadRecent(this.path);
  }

  /** The entries whose files still exist; the ones that are gone are dropped from the stored list too. */
  existing(exists?: (path: string) => boolean): RecentFile[] {
    const kept = existingRecent(this.list, exists);
    if (kept.length !== this.list.length) {
      this.list = kept;
      this.save();
    }
    return kept;
  }

  add(file: RecentFile): void {
    this.list = addRecent(this.list, file);
    for (const path of file.paths.slice(0, 1)) this.os.add(path);
    this.save();
    this.onChange();
  }

  remove(file: RecentFile): void {
    this.list = this.list.filter((other) => !sameFile(other, file));
    this.save();
    this.onChange();
  }

  clear(): void {
    this.list = [];
    this.os.clear();
    this.save();
    this.onChange();
  }

  /** Resolves once every save asked for so far is written. */
  settled(): Promise<void> {
    return this.writes;
  }

  private save(): void {
    const snapshot = [...this.list];
    this.writes = this.writes
      .then(() => saveRecent(this.path, snapshot))
      .catch((err: unknown) => console.warn(`fathom: could not save the recent-files list: ${(err as Error).message}`));
  }
}
