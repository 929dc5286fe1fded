/**
 * Atomic file writes (Node only), and the sweep that removes what a crash left of them. A write
 * goes to a hidden temporary file beside the target, named so that it can be recognised later
 * (`.<target>.<pid>.<12 hex>.fathom-tmp`), is fsynced, then renamed over the target. A process
 * killed mid-write leaves that temporary file; `sweepStaleTempFiles` removes the ones whose writer
 * is no longer running.
 */
import { randomBytes } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The file-system calls an atomic write makes; tests pass a stand-in that fails one of them (a full disk). */
export interface AtomicWriteFs {
  open: typeof fsp.open;
  rename: typeof fsp.rename;
  unlink: typeof fsp.unlink;
}

export const nodeAtomicWriteFs: AtomicWriteFs = { open: fsp.open, rename: fsp.rename, unlink: fsp.unlink };

export const TEMP_SUFFIX = '.fathom-tmp';

/** The temporary name a write of `path` uses: hidden, beside it, with this process's id. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);
}

/** Temporary-file names, as written now and as written by earlier versions (model files; library manifests). */
const TEMP_NAMES = [
  /^\.(?<target>.+)\.(?<pid>\d+)\.[0-9a-f]{12}\.fathom-tmp$/,
  /^\.(?<target>.+)\.(?<pid>\d+)\.[0-9a-f]{12}\.tmp$/,
  /^(?<target>manifest\.json)\.tmp-(?<pid>\d+)-[0-9a-z]{6,}$/,
];

/** The target and writer of a temporary file's name, or undefined for any other name. */
export function parseTempName(name: string): { target: string; pid: number } | undefined {
  for (const pattern of TEMP_NAMES) {
    const match = pattern.exec(name);
    if (match?.groups) return { target: match.groups.target!, pid: Number(match.groups.pid) };
  }
  return undefined;
}

/**
 * Writes `data` to `path` so that readers see either the old file or the whole new one: the
 * temporary file is written and fsynced, renamed over the target, and the folder fsynced where
 * the platform allows. On failure the temporary file is removed, the old file is untouched, and
 * the file system's own error is thrown (callers word it: ModelFileError, DataError).
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, fs: AtomicWriteFs = nodeAtomicWriteFs): Promise<void> {
  const temp = tempPathFor(path);
  let created = false;
  try {
    const handle = await fs.open(temp, 'wx'); // 'x': never reuse or clobber an existing file
    created = true;
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, path);
    created = false;
  } catch (err) {
    if (created) await fs.unlink(temp).catch(() => undefined);
    throw err;
  }
  await syncDirectory(dirname(path));
}

/** Makes a rename durable. Windows cannot open folders, and some file systems refuse: that is fine. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fsp.open(dir, 'r');
    await handle.sync();
  } catch {
    // best effort: the data itself is already fsynced and renamed into place
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** Whether a process with this id runs (one of another user counts: it cannot be signalled, but it is there). */
export function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface SweepOptions {
  /** How many levels of sub-folders to sweep too; default 0 (the folder only). Links are not followed. */
  depth?: number;
  /** Only temporary files of this target name (a save sweeping its own leftovers). */
  target?: string;
  /** Temporary files older than this are stale even if their writer's id is in use (ids are reused); default one hour. */
  maxAgeMs?: number;
  /** Default: processRuns. */
  isRunning?: (pid: number) => boolean;
}

/**
 * Removes temporary files of atomic writes that can no longer finish: their writer has exited
 * (or the file is older than `maxAgeMs`). Those of this process and of other running ones are
 * kept. Returns the paths removed; folders that cannot be read are skipped.
 */
export async function sweepStaleTempFiles(folder: string, options: SweepOptions = {}): Promise<string[]> {
  const { depth = 0, target, maxAgeMs = 60 * 60 * 1000, isRunning = processRuns } = options;
  const removed: string[] = [];
  const now = Date.now();
  const visit = async (dir: string, level: number): Promise<void> => {
    let entries;
    try {
      entries = await fsp.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (level < depth) await visit(path, level + 1);
        continue;
      }
      const temp = entry.isFile() ? parseTempName(entry.name) : undefined;
      if (!temp || (target !== undefined && temp.target !== target)) continue;
      let stale = temp.pid !== process.pid && !isRunning(temp.pid);
      if (!stale) {
        const stats = await fsp.lstat(path).catch(() => undefined);
        stale = stats !== undefined && now - stats.mtimeMs > maxAgeMs;
      }
      if (
        stale &&
        (await fsp
          .unlink(path)
          .then(() => true)
          .catch(() => false))
      )
        removed.push(path);
    }
  };
  await visit(folder, 0);
  return removed;
}
