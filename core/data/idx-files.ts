/**
 * Reading IDX files from disk, raw or gzipped, synchronously (the built-in MNIST); the parsing
 * itself stays pure in idx.ts. Files are opened as core/data/files.ts opens every file, and a
 * gzipped file is inflated to no more than its header declares.
 */
import { basename } from 'node:path';
import { constants, gunzipSync } from 'node:zlib';
import { FileRefusal } from '../files/safe-read';
import { DataError } from './errors';
import { fileError, readDataFileSync } from './files';
import { parseIdx, parseIdxHeader, parseIdxImages, parseIdxLabels, pairImagesLabels } from './idx';
import type { IdxArray, IdxImageSet } from './idx';
import { DATA_LIMITS } from './limits';

/** Every gzip stream starts with these two bytes; an IDX file never does (its first byte is 0). */
function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function gzipError(name: string, err: unknown): DataError {
  return new DataError(
    'gzip',
    name,
    `expected a valid gzip stream (the file starts with 1f 8b), found it does not decompress: ${(err as Error).message}`,
  );
}

/** Deflate never expands more than 1032 to 1, so this many input bytes can never inflate past the output bound. */
const HEAD_INPUT = 4096;
const HEAD_OUTPUT = HEAD_INPUT * 1032 + 1024;

/**
 * Gunzips an IDX file without inflating past what its header declares: the header is read from
 * the stream's first few kilobytes (a truncated stream inflates what it can under Z_SYNC_FLUSH),
 * checked against the limits, and the whole stream is then inflated with that size as the bound.
 */
function gunzipIdx(compressed: Uint8Array, name: string): Uint8Array {
  const short = compressed.length <= HEAD_INPUT; // then the whole stream is inflated at once, within the ratio bound
  let head: Buffer;
  try {
    const prefix = compressed.subarray(0, Math.min(HEAD_INPUT, compressed.length));
    head = gunzipSync(prefix, { maxOutputLength: HEAD_OUTPUT, ...(short ? {} : { finishFlush: constants.Z_SYNC_FLUSH }) });
  } catch (err) {
    throw gzipError(name, err);
  }
  if (short) return head; // parseIdx checks it
  const { dims, headerSize, dataBytes } = parseIdxHeader(head, name);
  try {
    return gunzipSync(compressed, { maxOutputLength: headerSize + dataBytes });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ERR_BUFFER_TOO_LARGE') throw gzipError(name, err);
    throw new DataError(
      'too-long',
      name,
      `expected ${dataBytes} bytes of data after the header (${dims.join('×')}), found more (inflating stopped there)`,
    );
  }
}

/** The file's IDX bytes, gunzipped when needed (Fashion-MNIST ships `.gz`, MNIST's npm copy does not). */
export function readIdxBytes(path: string): Uint8Array {
  const name = basename(path);
  let bytes: Uint8Array;
  try {
    bytes = readDataFileSync(path, name, DATA_LIMITS.idxFileBytes, 'an IDX file');
  } catch (err) {
    const cause = (err as Error).cause;
    // A file that is there but cannot be read says the system's own words (ENOENT, EACCES…).
    if (err instanceof DataError && err.code === 'unreadable' && cause instanceof FileRefusal && cause.cause instanceof Error)
      throw new DataError('unreadable', name, `expected a readable IDX file at ${path}, found an error: ${cause.cause.message}`);
    throw err instanceof DataError ? err : fileError(err, name, 'an IDX file');
  }
  return isGzip(bytes) ? gunzipIdx(bytes, name) : bytes;
}

/** Reads and parses any ubyte IDX file. */
export function readIdxFile(path: string): IdxArray {
  return parseIdx(readIdxBytes(path), basename(path));
}

/** Reads an images file and its labels file, checking shapes, counts and label range. */
export function readIdxImageSet(imagesPath: string, labelsPath: string, classCount: number): IdxImageSet {
  const imagesName = basename(imagesPath);
  const labelsName = basename(labelsPath);
  const images = parseIdxImages(readIdxBytes(imagesPath), imagesName);
  const labels = parseIdxLabels(readIdxBytes(labelsPath), labelsName, classCount);
  return pairImagesLabels(images, labels, imagesName, labelsName);
}
