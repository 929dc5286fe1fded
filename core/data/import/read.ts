/**
 * Reading source files as streams (Node only): the bytes on disk are hashed (SHA-256) and counted
 * for progress as they pass, and gunzipped on the way when the file starts with the gzip magic.
 * Files are opened through core/data/files.ts: regular files only, within the format's limit.
 */
import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { formatBytes, readHead, refusalOf, streamOpened } from '../../files/safe-read';
import { DataError } from '../errors';
import { dataFileSize, fileError, openDataFile } from '../files';
import type { DataLimits } from '../limits';

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
  /** Lower limits than DATA_LIMITS (tests); never higher in the app. */
  limits?: Partial<DataLimits>;
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

/** A sentence for why a file or folder could not be read, from the errno code. */
export function whyUnreadable(err: unknown): string {
  return refusalOf('', err).why;
}

export function unreadable(name: string, path: string, err: unknown): DataError {
  return new DataError('unreadable', name, `expected a readable file at ${path}, found it cannot be read: ${whyUnreadable(err)}`);
}

/** Size in bytes of a regular file of at most `maxBytes` (`what` names it in the refusal: 'a CSV file'). */
export async function fileSize(path: string, name: string, maxBytes: number, what: string): Promise<number> {
  return dataFileSize(path, name, maxBytes, what);
}

/** Every gzip stream starts with these two bytes; neither an IDX file (first byte 0) nor a text file does. */
function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** Reads the (decompressed) bytes; `gzipped` says whether they differ from the bytes on disk. */
export type Consumer = (source: AsyncIterable<Buffer>, info: { gzipped: boolean }) => Promise<void>;

/** The limits of one streamed file: on disk (`maxBytes`) and once gunzipped (`maxInflated`, default the same). */
export interface StreamLimits {
  maxBytes: number;
  maxInflated?: number;
  /** The kind of file, for the refusal: 'a CSV file'. */
  what: string;
}

/** Passes bytes on until more than `max` have passed, then fails with a 'too-large' DataError. */
function inflateLimit(name: string, what: string, max: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > max) {
        callback(
          new DataError(
            'too-large',
            name,
            `expected ${what} of at most ${formatBytes(max)} once decompressed (Fathom's limit), found more`,
          ),
        );
        return;
      }
      callback(null, chunk);
    },
  });
}

/**
 * Streams a regular file (see core/data/files.ts), raw or gzipped, into `consume` (which sees the
 * decompressed bytes, at most `limits.maxInflated` of them: a gzip bomb stops there). `onBytes`
 * counts bytes read from disk. Errors thrown by `consume` come out unchanged; read and gunzip
 * failures become DataErrors naming the file.
 */
export async function streamFile(
  path: string,
  name: string,
  consume: Consumer,
  onBytes: (n: number) => void,
  signal: AbortSignal | undefined,
  limits: StreamLimits,
): Promise<SourceFile> {
  const file = await openDataFile(path, name, limits.maxBytes, limits.what);
  let gzipped: boolean;
  try {
    gzipped = isGzip(await readHead(file, 2));
  } catch (err) {
    await file.handle.close().catch(() => undefined);
    throw fileError(err, name, limits.what);
  }
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
  const guarded = async (source: AsyncIterable<Buffer>) => {
    try {
      await consume(source, { gzipped });
    } catch (err) {
      consumerError = err;
      throw err;
    }
  };
  try {
    if (gzipped) {
      const limit = inflateLimit(name, limits.what, limits.maxInflated ?? limits.maxBytes);
      await pipeline(streamOpened(file), tap, createGunzip(), limit, guarded, options);
    } else await pipeline(streamOpened(file), tap, guarded, options);
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
    throw fileError(err, name, limits.what);
  }
  return { name, sha256: hash.digest('hex'), bytes };
}

/** SHA-256 over a list of (name, hash) pairs: one fingerprint for many files, independent of read order. */
export function combinedSha256(files: readonly { name: string; sha256: string }[]): string {
  const hash = createHash('sha256');
  for (const f of [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) hash.update(`${f.name}\0${f.sha256}\n`);
  return hash.digest('hex');
}
