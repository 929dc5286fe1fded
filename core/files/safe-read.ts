/**
 * The one way Fathom opens a file it did not just write (Node only). A path may name anything: a
 * FIFO that blocks a read forever (and, four at a time, every thread of libuv's pool), a link to
 * /dev/zero that never ends, a file far larger than its format can need. So, before any byte is
 * read:
 *   1. stat the path (following links): a regular file, no larger than the caller's limit;
 *   2. open it with O_NONBLOCK, so that a FIFO swapped in after the stat cannot block the open;
 *   3. fstat the open handle: still a regular file, of the size the stat saw.
 * Reads then take exactly that many bytes. Every refusal is a FileRefusal saying what the path is;
 * core/data and core/model turn it into their own errors (DataError, ModelFileError).
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs';
import type { Stats } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { Readable } from 'node:stream';

export type RefusalReason = 'missing' | 'denied' | 'folder' | 'special' | 'too-large' | 'changed' | 'failed';

/** Why a file was not read; `why` is a phrase for a message ("it is a named pipe (FIFO), not a regular file"). */
export class FileRefusal extends Error {
  constructor(
    readonly reason: RefusalReason,
    readonly path: string,
    readonly why: string,
    /** For 'too-large': the file's size and the limit it broke, in bytes. */
    readonly size?: { bytes: number; limit: number },
    options?: { cause?: unknown },
  ) {
    super(`${path}: ${why}`, options);
    this.name = 'FileRefusal';
  }
}

/** What a path is, in words: 'a character device'. */
export function kindOf(stats: Stats): string {
  if (stats.isFile()) return 'a regular file';
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  if (stats.isSymbolicLink()) return 'a symbolic link';
  return 'a special file';
}

/** Bytes in binary units for messages: '512 B', '64 KiB', '1.5 GiB'. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const shown = unit === 0 || Number.isInteger(value) ? String(value) : value.toFixed(value < 10 ? 2 : 1).replace(/\.?0+$/, '');
  return `${shown} ${units[unit]}`;
}

/** A refusal from an errno error (stat, open or read failed). */
export function refusalOf(path: string, err: unknown): FileRefusal {
  if (err instanceof FileRefusal) return err;
  const code = (err as NodeJS.ErrnoException).code;
  const options = { cause: err };
  if (code === 'ENOENT' || code === 'ENOTDIR') return new FileRefusal('missing', path, 'there is no such file', undefined, options);
  if (code === 'EISDIR') return new FileRefusal('folder', path, 'it is a folder, not a file', undefined, options);
  if (code === 'EACCES' || code === 'EPERM') return new FileRefusal('denied', path, 'permission denied', undefined, options);
  if (code === 'ELOOP') return new FileRefusal('missing', path, 'it is a symbolic link that leads round in a loop', undefined, options);
  return new FileRefusal('failed', path, (err as Error).message, undefined, options);
}

/** Throws unless `stats` is a regular file of at most `maxBytes`. */
function checkRegular(path: string, stats: Stats, maxBytes: number): void {
  if (stats.isDirectory()) throw new FileRefusal('folder', path, 'it is a folder, not a file');
  if (!stats.isFile()) throw new FileRefusal('special', path, `it is ${kindOf(stats)}, not a regular file`);
  if (stats.size > maxBytes)
    throw new FileRefusal('too-large', path, `it holds ${formatBytes(stats.size)}, more than the ${formatBytes(maxBytes)} allowed`, {
      bytes: stats.size,
      limit: maxBytes,
    });
}

/** Throws unless the open handle is the regular file of the size the path's stat showed. */
function checkOpened(path: string, before: Stats, opened: Stats, maxBytes: number): void {
  if (!opened.isFile() || opened.size > maxBytes) {
    try {
      checkRegular(path, opened, maxBytes);
    } catch (err) {
      const refusal = err as FileRefusal;
      throw new FileRefusal(refusal.reason, path, `${refusal.why} (it changed while being opened)`, refusal.size);
    }
  }
  if (opened.size !== before.size || opened.ino !== before.ino || opened.dev !== before.dev)
    throw new FileRefusal('changed', path, 'it changed while being opened (another program is writing or replacing it)');
}

// O_NONBLOCK: opening a FIFO never waits for a writer. O_NOCTTY: a terminal never becomes ours.
// Neither exists on Windows, which has no FIFOs at paths.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

/** The calls openRegularFile makes; tests pass stand-ins (a stat that lies, as if the file was swapped after it). */
export interface SafeReadFs {
  stat(path: string): Promise<Stats>;
  open(path: string, flags: number): Promise<fsp.FileHandle>;
}

const nodeFs: SafeReadFs = { stat: (path) => fsp.stat(path), open: (path, flags) => fsp.open(path, flags) };

/** An open regular file and its size; close it (or hand it to streamOpened, which does). */
export interface RegularFile {
  path: string;
  handle: fsp.FileHandle;
  size: number;
}

/** Size of a regular file of at most `maxBytes`, without opening it (for progress totals). */
export async function regularFileSize(path: string, maxBytes: number, fs: SafeReadFs = nodeFs): Promise<number> {
  let stats: Stats;
  try {
    stats = await fs.stat(path);
  } catch (err) {
    throw refusalOf(path, err);
  }
  checkRegular(path, stats, maxBytes);
  return stats.size;
}

/** Opens a regular file of at most `maxBytes` (see the top of this file). */
export async function openRegularFile(path: string, maxBytes: number, fs: SafeReadFs = nodeFs): Promise<RegularFile> {
  let before: Stats;
  try {
    before = await fs.stat(path);
  } catch (err) {
    throw refusalOf(path, err);
  }
  checkRegular(path, before, maxBytes);
  let handle: fsp.FileHandle;
  try {
    handle = await fs.open(path, OPEN_FLAGS);
  } catch (err) {
    throw refusalOf(path, err);
  }
  try {
    const opened = await handle.stat();
    checkOpened(path, before, opened, maxBytes);
    return { path, handle, size: opened.size };
  } catch (err) {
    await handle.close().catch(() => undefined);
    throw refusalOf(path, err);
  }
}

/** Bytes [0, n) of an open file (fewer if it is shorter). */
export async function readHead(file: RegularFile, n: number): Promise<Buffer> {
  const buffer = Buffer.alloc(Math.min(n, file.size));
  try {
    const { bytesRead } = await file.handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead);
  } catch (err) {
    throw refusalOf(file.path, err);
  }
}

/** The whole of an open file: exactly the size its fstat gave. */
export async function readOpened(file: RegularFile): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(file.size);
  let done = 0;
  try {
    while (done < file.size) {
      const { bytesRead } = await file.handle.read(buffer, done, file.size - done, done);
      if (bytesRead === 0) throw new FileRefusal('changed', file.path, 'it became shorter while being read');
      done += bytesRead;
    }
  } catch (err) {
    throw refusalOf(file.path, err);
  }
  return buffer;
}

/** Reads a whole regular file of at most `maxBytes`. */
export async function readRegularFile(path: string, maxBytes: number, fs?: SafeReadFs): Promise<Buffer> {
  const file = await openRegularFile(path, maxBytes, fs);
  try {
    return await readOpened(file);
  } finally {
    await file.handle.close().catch(() => undefined);
  }
}

/**
 * A stream of an open file's bytes, exactly its size's worth (a file growing meanwhile is not
 * followed). The stream closes the handle when it ends or is destroyed.
 */
export function streamOpened(file: RegularFile): Readable {
  if (file.size === 0) {
    void file.handle.close().catch(() => undefined);
    return Readable.from([]);
  }
  return file.handle.createReadStream({ start: 0, end: file.size - 1, autoClose: true });
}

/** readRegularFile without the event loop, for the synchronous readers (built-in MNIST). */
export function readRegularFileSync(path: string, maxBytes: number): Buffer {
  let before: Stats;
  let fd: number;
  try {
    before = statSync(path);
    checkRegular(path, before, maxBytes);
    fd = openSync(path, OPEN_FLAGS);
  } catch (err) {
    throw refusalOf(path, err);
  }
  try {
    const opened = fstatSync(fd);
    checkOpened(path, before, opened, maxBytes);
    const buffer = Buffer.allocUnsafe(opened.size);
    let done = 0;
    while (done < opened.size) {
      const n = readSync(fd, buffer, done, opened.size - done, done);
      if (n === 0) throw new FileRefusal('changed', path, 'it became shorter while being read');
      done += n;
    }
    return buffer;
  } catch (err) {
    throw refusalOf(path, err);
  } finally {
    closeSync(fd);
  }
}
