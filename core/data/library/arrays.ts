/**
 * The binary files of a library dataset (Node only): one little-endian array per file, hashed as
 * written, and read back only as a regular file of exactly the size its manifest entry declares.
 */
import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { endianness } from 'node:os';
import * as fsp from 'node:fs/promises';
import { join } from 'node:path';
import { nodeAtomicWriteFs } from '../../files/atomic-write';
import type { AtomicWriteFs } from '../../files/atomic-write';
import { formatBytes, readRegularFile, refusalOf } from '../../files/safe-read';
import { DataError } from '../errors';
import { DATA_LIMITS } from '../limits';
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

/** The file-system calls the library writes with; tests pass a stand-in that fails one of them (a full disk). */
export interface LibraryFs extends AtomicWriteFs {
  mkdir: typeof fsp.mkdir;
  writeFile: typeof fsp.writeFile;
}

export const nodeLibraryFs: LibraryFs = { ...nodeAtomicWriteFs, mkdir: fsp.mkdir, writeFile: fsp.writeFile };

async function writeArray(
  fs: LibraryFs,
  folder: string,
  file: string,
  data: Uint8Array | Uint16Array | Float32Array,
  dtype: ArrayType,
  shape: number[],
  hash: Hash,
): Promise<ArrayFile> {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  hash.update(`${file}\0`).update(bytes);
  await fs.writeFile(join(folder, file), bytes);
  return { file, dtype, shape };
}

/** `classCount`: the number of classes, or of targets for regression. */
async function writePart(
  fs: LibraryFs,
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
      fs,
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
    stored.labels = await writeArray(fs, folder, `${split}-labels.bin`, labels, small ? 'uint8' : 'uint16', [n], hash);
  }
  if (part.targets) stored.targets = await writeArray(fs, folder, `${split}-targets.bin`, part.targets, 'float32', [n, classCount], hash);
  return stored;
}

/** Writes every split into `folder`; returns their listing and the SHA-256 over all of them. */
export async function writeSplits(
  folder: string,
  splits: RawSplits,
  inputShape: number[],
  classCount: number,
  onProgress: (fraction: number) => void,
  fs: LibraryFs = nodeLibraryFs,
): Promise<{ arrays: { train: StoredSplit; validation?: StoredSplit; test: StoredSplit }; dataSha256: string }> {
  checkHost();
  const hash = createHash('sha256');
  const present = SPLITS.filter((s) => splits[s] !== undefined);
  const arrays: Partial<Record<(typeof SPLITS)[number], StoredSplit>> = {};
  for (const [i, split] of present.entries()) {
    arrays[split] = await writePart(fs, folder, split, splits[split]!, inputShape, classCount, hash);
    onProgress((i + 1) / present.length);
  }
  const result = { train: arrays.train!, test: arrays.test!, ...(arrays.validation ? { validation: arrays.validation } : {}) };
  return { arrays: result, dataSha256: hash.digest('hex') };
}

/** The largest array a manifest may declare: a whole dataset's values as float32. */
const MAX_ARRAY_BYTES = DATA_LIMITS.values * 4;

export async function readArray(folder: string, where: string, array: ArrayFile): Promise<Uint8Array | Uint16Array | Float32Array> {
  const expected = inputWidth(array.shape) * BYTES[array.dtype];
  const described = `${array.shape.join('×')} ${array.dtype}`;
  if (expected > MAX_ARRAY_BYTES)
    throw new DataError(
      'damaged',
      where,
      `expected arrays of at most ${formatBytes(MAX_ARRAY_BYTES)}, found ${array.file} declared as ${described}`,
    );
  let bytes: Buffer;
  try {
    // Exactly the declared size, so a link to /dev/zero or a swapped-in FIFO is refused unread.
    bytes = await readRegularFile(join(folder, array.file), expected);
  } catch (err) {
    const refusal = refusalOf(array.file, err);
    const found =
      refusal.reason === 'too-large'
        ? `${refusal.size!.bytes}`
        : refusal.reason === 'special'
          ? refusal.why.replace(/^it is /, '')
          : undefined;
    if (found !== undefined)
      throw new DataError('damaged', where, `expected ${array.file} to hold ${expected} bytes (${described}), found ${found}`, {
        cause: err,
      });
    throw new DataError('damaged', where, `expected the data file ${array.file}, found it cannot be read: ${refusal.why}`, { cause: err });
  }
  if (bytes.length !== expected) {
    throw new DataError('damaged', where, `expected ${array.file} to hold ${expected} bytes (${described}), found ${bytes.length}`);
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
