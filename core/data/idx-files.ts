/** Reading IDX files from disk, raw or gzipped; the parsing itself stays pure in idx.ts. */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DataError } from './errors';
import { parseIdx, parseIdxImages, parseIdxLabels, pairImagesLabels } from './idx';
import type { IdxArray, IdxImageSet } from './idx';

/** Every gzip stream starts with these two bytes; an IDX file never does (its first byte is 0). */
function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** The file's IDX bytes, gunzipped when needed (Fashion-MNIST ships `.gz`, MNIST's npm copy does not). */
export function readIdxBytes(path: string): Uint8Array {
  const name = basename(path);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new DataError('unreadable', name, `expected a readable IDX file at ${path}, found an error: ${(err as Error).message}`);
  }
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (err) {
    throw new DataError(
      'gzip',
      name,
      `expected a valid gzip stream (the file starts with 1f 8b), found it does not decompress: ${(err as Error).message}`,
    );
  }
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
