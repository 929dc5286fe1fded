/**
 * Reading source files as streams (Node only): the bytes on disk are hashed (SHA-256) and counted
 * for progress as they pass, and gunzipped on the way when the file starts with the gzip magic.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { DataError } from '../errors';

/** Called with the share of the work done, from 0 to 1, never going backwards. */
export type ProgressFn = (fraction: number) => void;

/** A file (or, for image folders, one class folder) the data came from. */
export interface SourceFile {
  /** Name relative to the source: `train-images-idx3-ubyte.gz`, `train/cat/`. */
  name: string;
  /** SHA-256 of the bytes on disk (for a folder: of its files' names and hashes), lowercase hex. */
  sha256: string;
  bytes: number;
}

/** What every importer accepts besides its source. */
export interface ReadOptions {
  onProgress?: ProgressFn;
  signal?: AbortSignal;
}

/** Reports progress in steps of at least half a percent, so a 50 MB file makes ~200 calls, not 800. */
export class Progress {
  private last = -1;
  constructor(private readonly onProgress: ProgressFn | undefined) {}

  set(fraction: number): void {
    const f = Math.min(1, Math.max(0, fraction));
    if (this.onProgress === undefined || f <= this.last) return;
    if (f < 1 && f - this.last < 0.005) return;
    this.last = f;
    this.onProgress(f);
  }

  /** A callback that maps its own 0..1 onto [from, to] of this one. */
  range(from: number, to: number): ProgressFn {
    return (f) => this.set(from + (to - from) * f);
  }
}

/** Progress over a known number of bytes spread across several files. */
export class ByteCounter {
  private done = 0;
  constructor(
    private readonly total: number,
    private readonly progress: Progress,
  ) {}

  add(bytes: number): void {
    this.done += bytes;
    this.progress.set(this.total > 0 ? this.done / this.total : 1);
  }
}

/** A sentence for why a file could not be read, from the errno code. */
export function whyUnreadable(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'there is no such file';
  if (code === 'EISDIR') return 'it is a folder, not a file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return (err as Error).message;
}

export function unreadable(name: string, path: string, err: unknown): DataError {
  return new DataError('unreadable', name, `expected a readable file at ${path}, found it cannot be read: ${whyUnreadable(err)}`);
}

/** Size in bytes of a file that must exist and be a file. */
export async function fileSize(path: string, name = basename(path)): Promise<number> {
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    throw unreadable(name, path, err);
  }
  if (!info.isFile()) {
    const what = info.isDirectory() ? 'it is a folder, not a file' : 'it is not a regular file';
    throw new DataError('unreadable', name, `expected a readable file at ${path}, found it cannot be read: ${what}`);
  }
  return info.size;
}

/** The first `n` bytes of a file (fewer if it is shorter). */
async function readHead(path: string, name: string, n: number): Promise<Uint8Array> {
  try {
    const handle = await open(path, 'r');
    try {
      const buffer = new Uint8Array(n);
      const { bytesRead } = await handle.read(buffer, 0, n, 0);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (err) {
    throw unreadable(name, path, err);
  }
}

/** Every gzip stream starts with these two bytes; neither an IDX file (first byte 0) nor a text file does. */
function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

export type Consumer = (source: AsyncIterable<Buffer>) => Promise<void>;

/**
 * Streams a file, raw or gzipped, into `consume` (which sees the decompressed bytes).
 * `onBytes` counts bytes read from disk. Errors thrown by `consume` come out unchanged;
 * read and gunzip failures become DataErrors naming the file.
 */
export async function streamFile(
  path: string,
  name: string,
  consume: Consumer,
  onBytes: (n: number) => void,
  signal?: AbortSignal,
): Promise<SourceFile> {
  const gzipped = isGzip(await readHead(path, name, 2));
  const hash = createHash('sha256');
  let bytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      bytes += chunk.length;
      onBytes(chunk.length);
      callback(null, chunk);
    },
  });
  const options = signal ? { signal } : {};
  // pipeline() reports a consumer's own error as a generic abort, so keep it to rethrow.
  let consumerError: unknown;
  const guarded: Consumer = async (source) => {
    try {
      await consume(source);
    } catch (err) {
      consumerError = err;
      throw err;
    }
  };
  try {
    if (gzipped) await pipeline(createReadStream(path), tap, createGunzip(), guarded, options);
    else await pipeline(createReadStream(path), tap, guarded, options);
  } catch (err) {
    if (consumerError !== undefined) throw consumerError;
    if (err instanceof DataError || (err as Error).name === 'AbortError') throw err;
    const code = String((err as NodeJS.ErrnoException).code ?? '');
    if (gzipped && code.startsWith('Z_')) {
      throw new DataError(
        'gzip',
        name,
        `expected a valid gzip stream (the file starts with 1f 8b), found it does not decompress: ${(err as Error).message}`,
      );
    }
    throw unreadable(name, path, err);
  }
  return { name, sha256: hash.digest('hex'), bytes };
}

/** The whole decompressed content of a file, read as a stream. */
export async function readWholeFile(
  path: string,
  name: string,
  onBytes: (n: number) => void,
  signal?: AbortSignal,
): Promise<{ data: Uint8Array; file: SourceFile }> {
  const chunks: Buffer[] = [];
  const file = await streamFile(
    path,
    name,
    async (source) => {
      for await (const chunk of source) chunks.push(chunk);
    },
    onBytes,
    signal,
  );
  const whole = Buffer.concat(chunks);
  return { data: new Uint8Array(whole.buffer, whole.byteOffset, whole.length), file };
}

/** SHA-256 over a list of (name, hash) pairs: one fingerprint for many files, independent of read order. */
export function combinedSha256(files: readonly { name: string; sha256: string }[]): string {
  const hash = createHash('sha256');
  for (const f of [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) hash.update(`${f.name}\0${f.sha256}\n`);
  return hash.digest('hex');
}
