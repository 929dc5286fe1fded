/**
 * Pure parser for the IDX format of the MNIST files: magic 00 00, an element-type byte, a
 * dimension count, one big-endian int32 per dimension, then the raw elements.
 * No Node API here, so the renderer or a worker can parse bytes it already holds.
 */
import { DataError } from './errors';
import { DATA_LIMITS, overLimit } from './limits';
import type { DataLimits } from './limits';

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

/** An IDX header: the sizes it declares and what they add up to. */
export interface IdxHeader {
  dims: number[];
  /** 4 + 4 × dims.length. */
  headerSize: number;
  /** product(dims): the bytes of data the header promises after itself. */
  dataBytes: number;
}

/** Checks the first 4 bytes (magic, element type, rank) and returns the header's full size. */
function idxHeaderSize(bytes: Uint8Array, fileName: string): number {
  if (bytes.length < 4) {
    throw new DataError('truncated', fileName, `expected a 4-byte IDX header, found only ${bytes.length} bytes (file truncated)`);
  }
  // From here bytes[0…3] exist.
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new DataError(
      'bad-magic',
      fileName,
      `expected an IDX file starting with bytes 0x00 0x00, found ${hex(bytes[0]!)} ${hex(bytes[1]!)} (not an IDX file)`,
    );
  }
  const type = bytes[2]!;
  if (type !== UBYTE) {
    const name = IDX_TYPE_NAMES[type] ?? 'unknown type';
    throw new DataError('bad-type', fileName, `found IDX element type ${hex(type)} (${name}); only unsigned bytes (0x08) are supported`);
  }
  const rank = bytes[3]!;
  if (rank < 1 || rank > MAX_DIMS) {
    throw new DataError('bad-dimensions', fileName, `expected 1 to ${MAX_DIMS} dimensions in the IDX header, found ${rank}`);
  }
  return 4 + 4 * rank;
}

/**
 * Reads and checks the header at the start of `bytes` (which may hold only the header), refusing
 * sizes over the limits before anything is allocated: the first dimension counts samples, the
 * product values.
 */
export function parseIdxHeader(
  bytes: Uint8Array,
  fileName: string,
  limits: Pick<DataLimits, 'samples' | 'values'> = DATA_LIMITS,
): IdxHeader {
  const headerSize = idxHeaderSize(bytes, fileName);
  const rank = (headerSize - 4) / 4;
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
  // A product of up to four int32s stays exact enough in a double to compare with a limit.
  const dataBytes = dims.reduce((a, b) => a * b, 1);
  const samples = dims[0]!; // rank ≥ 1, checked by idxHeaderSize
  if (samples > limits.samples)
    throw overLimit(fileName, 'samples in a dataset', limits.samples, `a header declaring ${samples.toLocaleString('en')}`);
  if (dataBytes > limits.values)
    throw overLimit(
      fileName,
      'values in a dataset',
      limits.values,
      `a header declaring ${dims.join('×')} = ${dataBytes.toLocaleString('en')}`,
    );
  return { dims, headerSize, dataBytes };
}

/**
 * Parses and checks a whole IDX file. `what` only words the size messages
 * ('pixel data', 'label data').
 */
export function parseIdx(bytes: Uint8Array, fileName: string, what = 'data', limits?: Pick<DataLimits, 'samples' | 'values'>): IdxArray {
  const { dims, headerSize, dataBytes: expected } = parseIdxHeader(bytes, fileName, limits);
  const found = bytes.length - headerSize;
  if (found !== expected) throw sizeMismatch(fileName, what, dims, found);
  return { dims, type: 'ubyte', data: new Uint8Array(bytes.buffer, bytes.byteOffset + headerSize, expected) };
}

/** 'truncated' or 'too-long': `found` bytes of data after the header, or undefined for "more than declared". */
function sizeMismatch(fileName: string, what: string, dims: number[], found: number | undefined): DataError {
  const expected = dims.reduce((a, b) => a * b, 1);
  const shape = dims.join('×');
  if (found !== undefined && found < expected) {
    return new DataError(
      'truncated',
      fileName,
      `expected ${expected} bytes of ${what} after the header (${shape}), found ${found} (file truncated)`,
    );
  }
  const more = found === undefined ? 'more (reading stopped there)' : `${found} (${found - expected} extra bytes)`;
  return new DataError('too-long', fileName, `expected ${expected} bytes of ${what} after the header (${shape}), found ${more}`);
}

/**
 * Gathers an IDX file's bytes as they stream in (gunzipped or not): the header first, checked
 * against the limits and `onHeader`, then one buffer of exactly the size it declares. A stream
 * that brings more is refused at the first byte too many, so a gzip bomb is never inflated
 * further. Pure.
 */
export class IdxCollector {
  private readonly header = new Uint8Array(4 + 4 * MAX_DIMS);
  private headerFill = 0;
  private out: Uint8Array | undefined;
  private filled = 0;
  private dims: number[] = [];

  constructor(
    private readonly fileName: string,
    private readonly what: string,
    private readonly limits: Pick<DataLimits, 'samples' | 'values'>,
    /** Called once with the header, before its data is allocated (a dataset budget). */
    private readonly onHeader: (header: IdxHeader) => void = () => undefined,
    /** Bytes of the whole stream when known in advance (a raw file): a wrong size is refused before reading on. */
    private readonly knownSize?: number,
  ) {}

  push(chunk: Uint8Array): void {
    let i = 0;
    while (this.out === undefined && i < chunk.length) {
      const need = this.headerFill < 4 ? 4 : idxHeaderSize(this.header, this.fileName);
      const take = Math.min(need - this.headerFill, chunk.length - i);
      this.header.set(chunk.subarray(i, i + take), this.headerFill);
      this.headerFill += take;
      i += take;
      if (this.headerFill >= 4 && this.headerFill === idxHeaderSize(this.header, this.fileName)) this.begin();
    }
    if (i >= chunk.length) return;
    const out = this.out!;
    if (this.filled + chunk.length - i > out.length) throw sizeMismatch(this.fileName, this.what, this.dims, undefined);
    out.set(chunk.subarray(i), this.filled);
    this.filled += chunk.length - i;
  }

  /** Everything gathered, for parseIdx (which reports a stream that ended short). */
  bytes(): Uint8Array {
    return this.out === undefined ? this.header.subarray(0, this.headerFill) : this.out.subarray(0, this.filled);
  }

  private begin(): void {
    const header = parseIdxHeader(this.header.subarray(0, this.headerFill), this.fileName, this.limits);
    if (this.knownSize !== undefined && this.knownSize !== header.headerSize + header.dataBytes)
      throw sizeMismatch(this.fileName, this.what, header.dims, this.knownSize - header.headerSize);
    this.onHeader(header);
    this.dims = header.dims;
    this.out = new Uint8Array(header.headerSize + header.dataBytes);
    this.out.set(this.header.subarray(0, header.headerSize));
    this.filled = header.headerSize;
  }
}

/** An idx3 images file: count × rows × cols unsigned bytes. */
export function parseIdxImages(bytes: Uint8Array, fileName: string, limits?: Pick<DataLimits, 'samples' | 'values'>): IdxImages {
  const { dims, data } = parseIdx(bytes, fileName, 'pixel data', limits);
  if (dims.length !== 3) {
    throw new DataError(
      'bad-dimensions',
      fileName,
      `expected 3 dimensions (count × rows × cols) for an images file, found ${dims.length} (${dims.join('×')})`,
    );
  }
  const [count, rows, cols] = dims as [number, number, number];
  return { count, rows, cols, pixels: data };
}

/** An idx1 labels file; with `classCount`, every label must be a class index below it. */
export function parseIdxLabels(
  bytes: Uint8Array,
  fileName: string,
  classCount?: number,
  limits?: Pick<DataLimits, 'samples' | 'values'>,
): Uint8Array {
  const { dims, data } = parseIdx(bytes, fileName, 'label data', limits);
  if (dims.length !== 1) {
    throw new DataError(
      'bad-dimensions',
      fileName,
      `expected 1 dimension (count) for a labels file, found ${dims.length} (${dims.join('×')})`,
    );
  }
  if (classCount !== undefined) {
    for (let i = 0; i < data.length; i++) {
      if (data[i]! >= classCount) {
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
