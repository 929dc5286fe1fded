/** Model files on disk (Node only): atomic saves, checked loads, and file hashes for dataset identity. */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Dataset } from '../data/dataset';
import type { ScalingParams } from '../data/scaling';
import type { Network } from '../engine/network';
import { ModelFileError } from './errors';
import type { DatasetInfo, ModelFile } from './format';
import { readModelFile, type LoadedModel } from './model-file';
import { exportOnnx } from './onnx';

/** The file-system calls an atomic write makes; tests pass a shim that fails one of them. */
export interface AtomicWriteFs {
  open: typeof fsp.open;
  rename: typeof fsp.rename;
  unlink: typeof fsp.unlink;
}

const nodeFs: AtomicWriteFs = { open: fsp.open, rename: fsp.rename, unlink: fsp.unlink };

/**
 * Writes `data` to `path` so that readers see either the old file or the whole new one, never
 * half of it: a uniquely named temporary file in the same folder is written and fsynced, renamed
 * over the target, and the folder fsynced where the platform allows. On any failure the temporary
 * file is removed, the old file is left untouched, and a ModelFileError 'unwritable' is thrown.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, fs: AtomicWriteFs = nodeFs): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let created = false;
  try {
    const handle = await fs.open(temp, 'wx'); // 'x': never reuse or clobber an existing file
    created = true;
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, path);
    created = false;
  } catch (err) {
    if (created) await fs.unlink(temp).catch(() => undefined);
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
  await syncDirectory(dir);
}

/** Makes the rename itself durable. Windows cannot open folders, and some file systems refuse: that is fine. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fsp.open(dir, 'r');
    await handle.sync();
  } catch {
    // best effort: the data itself is already fsynced and renamed into place
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** Saves a model file atomically, as compact JSON (weights are long base64 strings; indentation buys nothing). */
export async function saveModelFile(path: string, file: ModelFile, fs?: AtomicWriteFs): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(file)}\n`, fs);
}

/** Exports the network to ONNX (see onnx.ts) and saves it atomically. */
export async function saveOnnxFile(path: string, net: Network, scaling?: ScalingParams, fs?: AtomicWriteFs): Promise<void> {
  await writeFileAtomic(path, exportOnnx(net, scaling), fs);
}

/** Reads and checks a model file; every failure is a ModelFileError whose message starts with the path. */
export async function loadModelFile(path: string): Promise<LoadedModel> {
  let text: string;
  try {
    text = await fsp.readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'there is no such file'
        : code === 'EISDIR'
          ? 'it is a folder, not a file'
          : code === 'EACCES'
            ? 'permission denied'
            : (err as Error).message;
    throw new ModelFileError('unreadable', path, `cannot read the model file: ${why}`, undefined, { cause: err });
  }
  return readModelFile(text, path);
}

/** SHA-256 of a file as lowercase hex, read as a stream so large datasets need no extra memory. */
export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('error', reject)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** The `dataset` section of a model file for a loaded dataset and the files it came from (hashed here). */
export async function describeDataset(dataset: Dataset, files: readonly string[]): Promise<DatasetInfo> {
  const sizes: DatasetInfo['sizes'] = { train: dataset.train.count, test: dataset.test.count };
  if (dataset.validation) sizes.validation = dataset.validation.count;
  const hashed: DatasetInfo['files'] = [];
  for (const file of files) hashed.push({ name: basename(file), sha256: await sha256File(file) });
  return { name: dataset.name, inputShape: [...dataset.inputShape], classes: [...dataset.classes], sizes, files: hashed };
}
