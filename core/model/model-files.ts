/**
 * Model files on disk (Node only): atomic saves, checked loads, and file hashes for dataset identity.
 * A load opens the file as core/files/safe-read.ts opens every file (a regular file, opened without
 * blocking, no larger than the largest model: see limits.ts), refuses a file larger than its own
 * spec needs, and parses it in steps that leave the event loop free between them (model-json.ts).
 */
import { createHash } from 'node:crypto';
import { basename, dirname } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Dataset } from '../data/dataset';
import type { ScalingParams } from '../data/scaling';
import type { Network } from '../engine/network';
import { sweepStaleTempFiles, writeFileAtomic as writeAtomic, type AtomicWriteFs } from '../files/atomic-write';
import { formatBytes, openRegularFile, readOpened, refusalOf, streamOpened } from '../files/safe-read';
import { ModelFileError } from './errors';
import type { DatasetInfo, ModelFile } from './format';
import { MAX_MODEL_FILE_BYTES, MAX_MODEL_PARAMETERS, MODEL_OTHER_BYTES, layerSizesOf, modelFileBytesFor, parameterCount } from './limits';
import { emptyModelFile, modelJsonError, validateModelFileStepped, type LoadedModel } from './model-file';
import { parseLargeJson, type LargeJson } from './model-json';
import { exportOnnx } from './onnx';

export type { AtomicWriteFs } from '../files/atomic-write';

/**
 * Writes `data` to `path` so that readers see either the old file or the whole new one, never
 * half of it (core/files/atomic-write.ts). On any failure the temporary file is removed, the old
 * file is left untouched, and a ModelFileError 'unwritable' is thrown.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, fs?: AtomicWriteFs): Promise<void> {
  try {
    await writeAtomic(path, data, fs);
  } catch (err) {
    throw new ModelFileError(
      'unwritable',
      path,
      `could not be written (${(err as Error).message}); any previous file there is unchanged`,
      undefined,
      {
        cause: err,
      },
    );
  }
}

/**
 * Saves a model file atomically, as compact JSON (weights are long base64 strings; indentation buys
 * nothing). What an earlier save of the same name left after a crash is removed first.
 */
export async function saveModelFile(path: string, file: ModelFile, fs?: AtomicWriteFs): Promise<void> {
  await sweepStaleTempFiles(dirname(path), { target: basename(path) });
  await writeFileAtomic(path, `${JSON.stringify(file)}\n`, fs);
}

/** Exports the network to ONNX (see onnx.ts) and saves it atomically. */
export async function saveOnnxFile(path: string, net: Network, scaling?: ScalingParams, fs?: AtomicWriteFs): Promise<void> {
  await writeFileAtomic(path, exportOnnx(net, scaling), fs);
}

/** A read that was refused or failed, as the ModelFileError a caller shows. */
function readError(path: string, err: unknown): ModelFileError {
  const refusal = refusalOf(path, err);
  const options = { cause: err };
  if (refusal.reason === 'special')
    return new ModelFileError('not-a-file', path, `${refusal.why}; nothing was read from it`, undefined, options);
  if (refusal.reason === 'too-large')
    return new ModelFileError(
      'too-large',
      path,
      `the file holds ${formatBytes(refusal.size!.bytes)}, more than the ${formatBytes(MAX_MODEL_FILE_BYTES)} a model file may (${MAX_MODEL_PARAMETERS.toLocaleString('en')} parameters and its history), so it was not read`,
      undefined,
      options,
    );
  return new ModelFileError('unreadable', path, `cannot read the model file: ${refusal.why}`, undefined, options);
}

/** Refuses a file larger than the parameters its spec declares can need (before any weight is decoded). */
function checkSizeAgainstSpec(json: unknown, bytes: number, path: string): void {
  const sizes = layerSizesOf((json as { spec?: unknown } | null)?.spec);
  if (sizes === undefined) return; // the schema check says what is wrong with the spec
  const parameters = parameterCount(sizes);
  if (parameters > MAX_MODEL_PARAMETERS)
    throw new ModelFileError(
      'too-large',
      path,
      `its spec (${sizes.join('-')}) has ${parameters.toLocaleString('en')} parameters, more than the ${MAX_MODEL_PARAMETERS.toLocaleString('en')} a model file may hold`,
      'spec',
    );
  const needed = modelFileBytesFor(sizes);
  if (bytes > needed)
    throw new ModelFileError(
      'too-large',
      path,
      `the file holds ${formatBytes(bytes)}, more than its spec (${sizes.join('-')}) can need: ${formatBytes(needed - MODEL_OTHER_BYTES)} of weights and biases plus at most ${formatBytes(MODEL_OTHER_BYTES)} of settings and history`,
    );
}

/**
 * Reads and checks a model file; every failure is a ModelFileError whose message starts with the
 * path. The main thread is never held for long: the read is asynchronous, the weights' text is
 * cut out before JSON.parse (model-json.ts), and their base64 is decoded a megabyte at a time.
 */
export async function loadModelFile(path: string): Promise<LoadedModel> {
  let bytes: Buffer;
  try {
    const file = await openRegularFile(path, MAX_MODEL_FILE_BYTES);
    try {
      bytes = await readOpened(file);
    } finally {
      await file.handle.close().catch(() => undefined);
    }
  } catch (err) {
    throw readError(path, err);
  }
  const pause = () => nextTurn();
  let parsed: LargeJson;
  try {
    parsed = await parseLargeJson(bytes, pause, {
      check: (value) => checkSizeAgainstSpec(value, bytes.length, path),
      // The weights stay bytes: they are decoded from there, and made into strings only if the file is saved again.
      keep: (at) => at.length === 3 && at[0] === 'parameters' && (at[2] === 'weights' || at[2] === 'biases'),
    });
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    if (isBlank(bytes)) throw emptyModelFile(path);
    throw modelJsonError(err, path, trimmedLength(bytes));
  }
  return validateModelFileStepped(parsed.value, path, pause, parsed);
}

const isSpace = (b: number | undefined): boolean => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

/** Length without trailing white space (the end a truncation message points at). */
function trimmedLength(bytes: Buffer): number {
  let end = bytes.length;
  while (end > 0 && isSpace(bytes[end - 1])) end--;
  return end;
}

function isBlank(bytes: Buffer): boolean {
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  for (let i = start; i < bytes.length; i++) if (!isSpace(bytes[i])) return false;
  return true;
}

/** The most a hashed dataset file may hold: the largest source file the importers read. */
const MAX_HASHED_BYTES = 4 * 1024 ** 3;

/**
 * SHA-256 of a file as lowercase hex, read as a stream so large datasets need no extra memory. The
 * file is opened as every file is (a FIFO or device is refused); a file that cannot be read
 * rejects with the file system's own error.
 */
export async function sha256File(path: string): Promise<string> {
  let file;
  try {
    file = await openRegularFile(path, MAX_HASHED_BYTES);
  } catch (err) {
    const refusal = refusalOf(path, err);
    throw refusal.cause instanceof Error ? refusal.cause : refusal;
  }
  const hash = createHash('sha256');
  for await (const chunk of streamOpened(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The `dataset` section of a model file for a loaded dataset and the files it came from (hashed here). */
export async function describeDataset(dataset: Dataset, files: readonly string[]): Promise<DatasetInfo> {
  const sizes: DatasetInfo['sizes'] = { train: dataset.train.count, test: dataset.test.count };
  if (dataset.validation) sizes.validation = dataset.validation.count;
  const hashed: DatasetInfo['files'] = [];
  for (const file of files) hashed.push({ name: basename(file), sha256: await sha256File(file) });
  return { name: dataset.name, inputShape: [...dataset.inputShape], classes: [...dataset.classes], sizes, files: hashed };
}
