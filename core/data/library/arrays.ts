/** The binary files of a library dataset (Node only): one little-endian array per file, hashed as written. */
import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { endianness } from 'node:os';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataError } from '../errors';
import type { RawPart } from '../import/imported';
import { inputWidth } from '../import/imported';
import type { RawSplits } from './split';
import type { ArrayFile, ArrayType, StoredSplit } from './manifest';

const BYTES: Record<ArrayType, number> = { uint8: 1, uint16: 2, float32: 4 };
const SPLITS = ['train', 'validation', 'test'] as const;

function checkHost(): void {
  // Typed arrays use the machine's byte order; every platform Electron ships on is little-endian.
  if (endianness() !== 'LE')
    throw new DataError(
      'bad-option',
      undefined,
      'expected a little-endian machine to read and write dataset files, found a big-endian one',
    );
}

/** Writes a file so that it is either complete or absent: a temporary name, then a rename. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temporary = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  await writeFile(temporary, data);
  await rename(temporary, path);
}

async function writeArray(
  folder: string,
  file: string,
  data: Uint8Array | Uint16Array | Float32Array,
  dtype: ArrayType,
  shape: number[],
  hash: Hash,
): Promise<ArrayFile> {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  hash.update(`${file}\0`).update(bytes);
  await writeFile(join(folder, file), bytes);
  return { file, dtype, shape };
}

/** `classCount`: the number of classes, or of targets for regression. */
async function writePart(
  folder: string,
  split: string,
  part: RawPart,
  inputShape: number[],
  classCount: number,
  hash: Hash,
): Promise<StoredSplit> {
  const n = part.count;
  const stored: StoredSplit = {
    count: n,
    inputs: await writeArray(
      folder,
      `${split}-inputs.bin`,
      part.inputs,
      part.inputs instanceof Uint8Array ? 'uint8' : 'float32',
      [n, ...inputShape],
      hash,
    ),
  };
  if (part.labels) {
    const small = classCount <= 256;
    const labels = small ? Uint8Array.from(part.labels) : Uint16Array.from(part.labels);
    stored.labels = await writeArray(folder, `${split}-labels.bin`, labels, small ? 'uint8' : 'uint16', [n], hash);
  }
  if (part.targets) stored.targets = await writeArray(folder, `${split}-targets.bin`, part.targets, 'float32', [n, classCount], hash);
  return stored;
}

/** Writes every split into `folder`; returns their listing and the SHA-256 over all of them. */
export async function writeSplits(
  folder: string,
  splits: RawSplits,
  inputShape: number[],
  classCount: number,
  onProgress: (fraction: number) => void,
): Promise<{ arrays: { train: StoredSplit; validation?: StoredSplit; test: StoredSplit }; dataSha256: string }> {
  checkHost();
  const hash = createHash('sha256');
  const present = SPLITS.filter((s) => splits[s] !== undefined);
  const arrays: Partial<Record<(typeof SPLITS)[number], StoredSplit>> = {};
  for (const [i, split] of present.entries()) {
    arrays[split] = await writePart(folder, split, splits[split]!, inputShape, classCount, hash);
    onProgress((i + 1) / present.length);
  }
  const result = { train: arrays.train!, test: arrays.test!, ...(arrays.validation ? { validation: arrays.validation } : {}) };
  return { arrays: result, dataSha256: hash.digest('hex') };
}

export async function readArray(folder: string, where: string, array: ArrayFile): Promise<Uint8Array | Uint16Array | Float32Array> {
  let bytes: Buffer;
  try {
    bytes = await readFile(join(folder, array.file));
  } catch (err) {
    throw new DataError('damaged', where, `expected the data file ${array.file}, found it cannot be read: ${(err as Error).message}`);
  }
  const expected = inputWidth(array.shape) * BYTES[array.dtype];
  if (bytes.length !== expected) {
    throw new DataError(
      'damaged',
      where,
      `expected ${array.file} to hold ${expected} bytes (${array.shape.join('×')} ${array.dtype}), found ${bytes.length}`,
    );
  }
  // A fresh copy is aligned for any element size.
  const buffer = bytes.byteOffset % 4 === 0 ? bytes.buffer : new Uint8Array(bytes).buffer;
  const offset = bytes.byteOffset % 4 === 0 ? bytes.byteOffset : 0;
  const length = bytes.length / BYTES[array.dtype];
  if (array.dtype === 'uint8') return new Uint8Array(buffer, offset, length);
  if (array.dtype === 'uint16') return new Uint16Array(buffer, offset, length);
  return new Float32Array(buffer, offset, length);
}

async function readPart(folder: string, where: string, stored: StoredSplit, width: number): Promise<RawPart> {
  const shapeOk = (a: ArrayFile, rowWidth: number | undefined) =>
    a.shape[0] === stored.count && (rowWidth === undefined || inputWidth(a.shape.slice(1)) === rowWidth);
  if (
    !shapeOk(stored.inputs, width) ||
    (stored.labels && !shapeOk(stored.labels, undefined)) ||
    (stored.targets && !shapeOk(stored.targets, undefined))
  ) {
    throw new DataError('damaged', where, `expected arrays of ${stored.count} rows of ${width} inputs, found shapes that disagree`);
  }
  const inputs = await readArray(folder, where, stored.inputs);
  if (inputs instanceof Uint16Array) throw new DataError('damaged', where, `expected inputs of uint8 or float32, found uint16`);
  const part: RawPart = { count: stored.count, inputs };
  if (stored.labels) part.labels = Int32Array.from(await readArray(folder, where, stored.labels));
  if (stored.targets) {
    const targets = await readArray(folder, where, stored.targets);
    if (!(targets instanceof Float32Array))
      throw new DataError('damaged', where, `expected float32 targets, found ${stored.targets.dtype}`);
    part.targets = targets;
  }
  return part;
}

export async function readSplits(
  folder: string,
  where: string,
  arrays: { train: StoredSplit; validation?: StoredSplit; test: StoredSplit },
  inputShape: number[],
): Promise<RawSplits> {
  checkHost();
  const width = inputWidth(inputShape);
  const splits: RawSplits = {
    train: await readPart(folder, where, arrays.train, width),
    test: await readPart(folder, where, arrays.test, width),
  };
  if (arrays.validation) splits.validation = await readPart(folder, where, arrays.validation, width);
  return splits;
}
