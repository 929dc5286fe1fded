/**
 * One name for "a dataset" on the command line (`--dataset PATH_OR_NAME`): a library id or name,
 * a stored dataset folder, or any importable path read straight into memory (nothing stored).
 */
import { stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { DataError } from '../errors';
import { importData } from '../import/source';
import type { PathSource } from '../import/source';
import { combinedSha256 } from '../import/read';
import type { ProgressFn } from '../import/read';
import { loadStoredDataset } from './library';
import type { DatasetLibrary } from './library';
import { MANIFEST } from './manifest';
import { toScaledDataset } from './materialise';
import type { LoadOptions, LoadedDataset } from './materialise';
import { DEFAULT_SPLIT, splitData } from './split';
import type { SplitFractions } from './split';

export interface ResolveOptions extends LoadOptions {
  /** How to read a path: CSV columns, image size, IDX class names. */
  hints?: Omit<PathSource, 'format' | 'path'>;
  /** For a path without its own split (as for an import); default validation 0.1, test 0.2. */
  split?: Partial<SplitFractions>;
  seed?: number;
  onProgress?: ProgressFn;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** A library dataset first (by id, then name); otherwise a path. */
export async function resolveDataset(pathOrName: string, library?: DatasetLibrary, options: ResolveOptions = {}): Promise<LoadedDataset> {
  if (library) {
    try {
      const entry = await library.get(pathOrName);
      return await library.load(entry.id, options);
    } catch (err) {
      if (!(err instanceof DataError && err.code === 'not-found')) throw err;
    }
  }
  const path = resolve(pathOrName);
  if (!(await exists(path))) {
    const where = library ? 'no dataset in the library has this id or name, and ' : '';
    throw new DataError(
      'not-found',
      undefined,
      `expected a dataset name or a file or folder for '${pathOrName}', found ${where}there is no such file or folder`,
    );
  }
  if (await exists(join(path, MANIFEST))) return loadStoredDataset(path, options);

  const data = await importData({ ...options.hints, format: 'auto', path }, { onProgress: options.onProgress });
  const splits = splitData(data, { ...DEFAULT_SPLIT, ...options.split }, options.seed ?? 1);
  const name = basename(path);
  const dataset = toScaledDataset({ name, kind: data.kind, inputShape: data.inputShape, classes: data.classes }, splits, options);
  const loaded: LoadedDataset = { ...dataset, files: data.files, fingerprint: combinedSha256(data.files), notes: data.notes };
  if (data.features) loaded.features = data.features;
  return loaded;
}
