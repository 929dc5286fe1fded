/**
 * Pure parser for the IDX format of the MNIST files: magic 00 00, an element-type byte, a
 * dimension count, one big-endian int32 per dimension, then the raw elements.
 * No Node API here, so the renderer or a worker can parse bytes it already holds.
 */
import { DataError } from './errors';

export interface IdxArray {
  /** Sizes from the header, outermost first (e.g. [60000, 28, 28]). */
  dims: number[];
  type: 'ubyte';
  /** product(dims) elements, row-major; a view on the input bytes, not a copy. */
  data: Uint8Array;
}

export interface IdxImages {
  count: number;
  rows: number;
  cols: number;
  /** count × rows × cols grey levels 0..255, row-major. */
  pixels: Uint8Array;
}

/** Images with their labels, counts checked to agree. */
export interface IdxImageSet extends IdxImages {
  labels: Uint8Array;
}

/** The IDX element types, so an unsupported file can say what it holds. */
const IDX_TYPE_NAMES: Record<number, string> = {
  0x08: 'unsigned byte',
  0x09: 'signed byte',
  0x0b: 'short',
  0x0c: 'int',
  0x0d: 'float',
  0x0e: 'double',
};
const UBYTE = 0x08;
const MAX_DIMS = 4;

function hex(byte: number): string {
  return `0x${byte.toString(16).toUpperCase().padStart(2, '0')}`;
}

/**
 * Parses and checks a whole IDX file. `what` only words the size messages
 * ('pixel data', 'label data').
 */
export function parseIdx(bytes: Uint8Array, fileName: string, what = 'data'): IdxArray {
  if (bytes.length < 4) {
    throw new DataError('truncated', fileName, `expected a 4-byte IDX header, found only ${bytes.length} bytes (file truncated)`);
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new DataError(
      'bad-magic',
      fileName,
      `expected an IDX file starting with bytes 0x00 0x00, found ${hex(bytes[0])} ${hex(bytes[1])} (not an IDX file)`,
    );
  }
  const type = bytes[2];
  if (type !== UBYTE) {
    const name = IDX_TYPE_NAMES[type] ?? 'unknown type';
    throw new DataError('bad-type', fileName, `found IDX element type ${hex(type)} (${name}); only unsigned bytes (0x08) are supported`);
  }
  const rank = bytes[3];
  if (rank < 1 || rank > MAX_DIMS) {
    throw new DataError('bad-dimensions', fileName, `expected 1 to ${MAX_DIMS} dimensions in the IDX header, found ${rank}`);
  }
  const headerSize = 4 + 4 * rank;
  if (bytes.length < headerSize) {
    throw new DataError(
      'truncated',
      fileName,
      `expected a ${headerSize}-byte header for ${rank} dimensions, found only ${bytes.length} bytes (file truncated)`,
    );
  }

  const header = new DataView(bytes.buffer, bytes.byteOffset, headerSize);
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) {
    const size = header.getInt32(4 + 4 * i, false);
    if (size <= 0) {
      throw new DataError(
        'bad-dimensions',
        fileName,
        `expected every dimension to be at least 1, found dimension ${i + 1} of ${rank} = ${size}`,
      );
    }
    dims.push(size);
  }

  // A product of up to four int32s stays exact enough in a double to compare with a length.
  const expected = dims.reduce((a, b) => a * b, 1);
  const found = bytes.length - headerSize;
  const shape = dims.join('×');
  if (found < expected) {
    throw new DataError(
      'truncated',
      fileName,
      `expected ${expected} bytes of ${what} after the header (${shape}), found ${found} (file truncated)`,
    );
  }
  if (found > expected) {
    throw new DataError(
      'too-long',
      fileName,
      `expected ${expected} bytes of ${what} after the header (${shape}), found ${found} (${found - expected} extra bytes)`,
    );
  }
  return { dims, type: 'ubyte', data: new Uint8Array(bytes.buffer, bytes.byteOffset + headerSize, expected) };
}

/** An idx3 images file: count × rows × cols unsigned bytes. */
export function parseIdxImages(bytes: Uint8Array, fileName: string): IdxImages {
  const { dims, data } = parseIdx(bytes, fileName, 'pixel data');
  if (dims.length !== 3) {
    throw new DataError(
      'bad-dimensions',
      fileName,
      `expected 3 dimensions (count × rows × cols) for an images file, found ${dims.length} (${dims.join('×')})`,
    );
  }
  const [count, rows, cols] = dims;
  return { count, rows, cols, pixels: data };
}

/** An idx1 labels file; with `classCount`, every label must be a class index below it. */
export function parseIdxLabels(bytes: Uint8Array, fileName: string, classCount?: number): Uint8Array {
  const { dims, data } = parseIdx(bytes, fileName, 'label data');
  if (dims.length !== 1) {
    throw new DataError(
      'bad-dimensions',
      fileName,
      `expected 1 dimension (count) for a labels file, found ${dims.length} (${dims.join('×')})`,
    );
  }
  if (classCount !== undefined) {
    for (let i = 0; i < data.length; i++) {
      if (data[i] >= classCount) {
        throw new DataError(
          'label-out-of-range',
          fileName,
          `expected labels from 0 to ${classCount - 1}, found label ${data[i]} at index ${i}`,
        );
      }
    }
  }
  return data;
}

/** Joins images and labels, refusing files that describe different numbers of items. */
export function pairImagesLabels(images: IdxImages, labels: Uint8Array, imagesName: string, labelsName: string): IdxImageSet {
  if (labels.length !== images.count) {
    throw new DataError(
      'count-mismatch',
      labelsName,
      `expected ${images.count} labels to match the images in ${imagesName}, found ${labels.length}`,
    );
  }
  return { ...images, labels };
}
