/**
 * The dataset library: imported datasets copied into one folder (the app's data folder), each
 * as `<id>/manifest.json` plus binary arrays, so that a model can always name the exact data it
 * was trained on. Every change is atomic: an import is built in a hidden folder and renamed into
 * place only when complete; a manifest is rewritten through a temporary file; a delete renames
 * the folder away before removing it. A failed import leaves the library as it was.
 * About 330 lines: every operation shares these atomic moves and the one folder's bookkeeping.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { sweepStaleTempFiles, writeFileAtomic } from '../../files/atomic-write';
import { DataError } from '../errors';
import { importData } from '../import/source';
import type { ImportSource } from '../import/source';
import { Progress, combinedSha256 } from '../import/read';
import type { ProgressFn } from '../import/read';
import { nodeLibraryFs, readArray, readSplits, writeSplits } from './arrays';
import type { LibraryFs } from './arrays';
import { DATASET_FORMAT, DATASET_VERSION, MANIFEST, entryOf } from './manifest';
import type { DatasetEntry, DatasetManifest } from './manifest';
import { notFound, readStoredManifest, unwritable } from './library-files';
import { toScaledDataset } from './materialise';
import type { LoadOptions, LoadedDataset } from './materialise';
import { DEFAULT_SPLIT, splitData } from './split';
import { profileOf } from './target-profile';
import type { SplitFractions } from './split';

export { readStoredManifest } from './library-files';

export interface ImportOptions {
  /** Shown in the library; unique there (ignoring case). */
  name: string;
  /** Shares held out when the files do not bring a split; default validation 0.1, test 0.2. */
  split?: Partial<SplitFractions>;
  /** Fixes which samples go to which split; default 1. */
  seed?: number;
  onProgress?: ProgressFn;
  signal?: AbortSignal;
}

/** A library folder whose manifest could not be used; `list()` leaves it out. */
export interface DamagedEntry {
  folder: string;
  error: DataError;
}

/** A library folder whose manifest's target profile was unusable and has been recomputed. */
export interface RepairedEntry {
  folder: string;
  message: string;
}

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const IMPORTING = '.import-';
const DELETING = '.delete-';
const MAX_NAME = 120;
/** Longest class name: matches the window's schema (a name longer than this is a sentence, not a label). */
const MAX_CLASS_NAME = 100;

function checkName(name: string): string {
  const trimmed = typeof name === 'string' ? name.trim() : '';
  // eslint-disable-next-line no-control-regex
  if (trimmed === '' || trimmed.length > MAX_NAME || /[\u0000-\u001f]/.test(trimmed)) {
    throw new DataError(
      'bad-option',
      undefined,
      `expected a dataset name of 1 to ${MAX_NAME} printable characters, found ${JSON.stringify(name)}`,
    );
  }
  return trimmed;
}

export class DatasetLibrary {
  /** Serialises changes (the final rename of an import, renames, deletes) so name checks hold. */
  private changes: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly root: string,
    private readonly fs: LibraryFs,
  ) {}

  /**
   * Opens (creating if needed) the library in `root`, clearing what an interrupted import or delete
   * left, and the temporary files of manifest writes that never finished. `fs` replaces the calls
   * the library writes with (tests: a full disk).
   */
  static async open(root: string, options: { fs?: Partial<LibraryFs> } = {}): Promise<DatasetLibrary> {
    const folder = resolve(root);
    try {
      await mkdir(folder, { recursive: true });
      for (const entry of await readdir(folder)) {
        if (entry.startsWith(IMPORTING) || entry.startsWith(DELETING)) await rm(join(folder, entry), { recursive: true, force: true });
      }
      await sweepStaleTempFiles(folder, { depth: 1 });
    } catch (err) {
      throw new DataError('unreadable', folder, `expected a writable folder for the dataset library, found: ${(err as Error).message}`);
    }
    return new DatasetLibrary(folder, { ...nodeLibraryFs, ...options.fs });
  }

  /**
   * Every usable dataset, oldest first, the folders that are damaged and those whose target profile
   * was recomputed. `fillProfiles: false` leaves missing profiles missing: the name checks run
   * under the change lock, which filling (a manifest write) also takes.
   */
  async scan({ fillProfiles = true } = {}): Promise<{ datasets: DatasetEntry[]; damaged: DamagedEntry[]; repaired: RepairedEntry[] }> {
    const datasets: DatasetEntry[] = [];
    const damaged: DamagedEntry[] = [];
    const repaired: RepairedEntry[] = [];
    for (const folder of (await readdir(this.root, { withFileTypes: true })).filter((e) => e.isDirectory() && ID.test(e.name))) {
      try {
        let problem: string | undefined;
        const manifest = await this.manifest(folder.name, (p) => (problem = p));
        if (fillProfiles && !manifest.targets && (await this.fillProfile(manifest)) && problem) {
          repaired.push({
            folder: folder.name,
            message: `The dataset "${manifest.name}" (${folder.name}): ${MANIFEST} was read, but ${problem}; it was recomputed from the training split and saved.`,
          });
        }
        datasets.push(entryOf(manifest));
      } catch (err) {
        if (!(err instanceof DataError)) throw err;
        damaged.push({ folder: folder.name, error: err });
      }
    }
    datasets.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.name.localeCompare(b.name)));
    return { datasets, damaged, repaired };
  }

  async list(): Promise<DatasetEntry[]> {
    return (await this.scan()).datasets;
  }

  /** The dataset with this id, or else with this name (ignoring case). */
  async get(idOrName: string): Promise<DatasetEntry> {
    if (ID.test(idOrName)) {
      try {
        return entryOf(await this.manifest(idOrName));
      } catch (err) {
        if (!(err instanceof DataError && err.code === 'not-found')) throw err;
      }
    }
    const key = idOrName.trim().toLowerCase();
    const found = (await this.list()).find((d) => d.name.toLowerCase() === key);
    if (!found)
      throw new DataError('not-found', undefined, `expected a dataset with the id or name '${idOrName}' in the library, found none`);
    return found;
  }

  /**
   * Reads and checks `source` (a path, or a source with options), splits it by `seed` where the
   * files bring no split, and stores a copy. All or nothing: on any error the library is unchanged.
   */
  async import(source: ImportSource | string, options: ImportOptions): Promise<DatasetEntry> {
    const name = checkName(options.name);
    await this.checkNameFree(name, undefined);
    const fractions = { ...DEFAULT_SPLIT, ...options.split };
    const seed = options.seed ?? 1;
    const progress = new Progress(options.onProgress);
    const concrete: ImportSource = typeof source === 'string' ? { format: 'auto', path: source } : source;
    const data = await importData(concrete, { onProgress: progress.range(0, 0.9), signal: options.signal });
    const splits = splitData(data, fractions, seed);

    const id = randomUUID();
    const building = join(this.root, `${IMPORTING}${id}`);
    try {
      await this.fs.mkdir(building);
      const { arrays, dataSha256 } = await writeSplits(
        building,
        splits,
        data.inputShape,
        data.classes.length,
        progress.range(0.9, 0.99),
        this.fs,
      );
      const testFromFiles = data.parts.test !== undefined;
      const manifest: DatasetManifest = {
        format: DATASET_FORMAT,
        version: DATASET_VERSION,
        id,
        name,
        kind: data.kind,
        inputShape: data.inputShape,
        classes: data.classes,
        ...(data.features ? { features: data.features } : {}),
        sizes: { train: splits.train.count, validation: splits.validation?.count ?? 0, test: splits.test.count },
        source: { format: data.format, path: resolve(sourcePath(concrete)), files: data.files },
        fingerprint: combinedSha256(data.files),
        dataSha256,
        split: { seed, validation: fractions.validation, test: testFromFiles ? 0 : fractions.test, testFromFiles },
        notes: data.notes,
        createdAt: new Date().toISOString(),
        targets: profileOf(data.kind, data.classes.length, splits.train),
        arrays,
      };
      await writeFileAtomic(join(building, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`, this.fs);
      options.signal?.throwIfAborted();
      await this.change(async () => {
        await this.checkNameFree(name, undefined);
        await this.fs.rename(building, join(this.root, id));
      });
      progress.set(1);
      return entryOf(manifest);
    } catch (err) {
      throw unwritable(err, this.root, 'nothing was imported');
    } finally {
      await rm(building, { recursive: true, force: true });
    }
  }

  async rename(id: string, name: string): Promise<DatasetEntry> {
    const newName = checkName(name);
    return this.change(async () => {
      const manifest = await this.manifest(this.checkId(id));
      await this.checkNameFree(newName, id);
      manifest.name = newName;
      try {
        await writeFileAtomic(join(this.root, id, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`, this.fs);
      } catch (err) {
        throw unwritable(err, this.root, 'the dataset keeps its name');
      }
      return entryOf(manifest);
    });
  }

  /** Renames a classification dataset's classes (as many names as it has classes, each distinct). */
  async renameClasses(id: string, classes: string[]): Promise<DatasetEntry> {
    const names = classes.map((c) => (typeof c === 'string' ? c.trim() : ''));
    return this.change(async () => {
      const manifest = await this.manifest(this.checkId(id));
      if (manifest.kind !== 'classification')
        throw new DataError(
          'bad-option',
          undefined,
          `expected a classification dataset, found one that predicts ${manifest.classes.join(', ')}`,
        );
      if (names.length !== manifest.classes.length)
        throw new DataError(
          'bad-option',
          undefined,
          `expected ${manifest.classes.length} class names, one per class, found ${names.length}`,
        );
      // eslint-disable-next-line no-control-regex
      const blank = names.findIndex((n) => n === '' || n.length > MAX_CLASS_NAME || /[\u0000-\u001f\u007f]/.test(n));
      if (blank >= 0)
        throw new DataError(
          'bad-option',
          undefined,
          `expected class ${blank} to have a name of 1 to ${MAX_CLASS_NAME} printable characters`,
        );
      const twice = names.find((n, i) => names.indexOf(n) !== i);
      if (twice !== undefined)
        throw new DataError(
          'bad-option',
          undefined,
          `expected different names for different classes, found ${JSON.stringify(twice)} twice`,
        );
      manifest.classes = names;
      try {
        await writeFileAtomic(join(this.root, id, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`, this.fs);
      } catch (err) {
        throw unwritable(err, this.root, 'the classes keep their names');
      }
      return entryOf(manifest);
    });
  }

  async delete(id: string): Promise<void> {
    await this.change(async () => {
      const folder = join(this.root, this.checkId(id));
      const away = join(this.root, `${DELETING}${id}`);
      try {
        await rename(folder, away);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw this.notFound(id);
        throw err;
      }
      await rm(away, { recursive: true, force: true });
    });
  }

  /** The dataset ready to train on; the scaling is fitted on its training split only. */
  async load(idOrName: string, options: LoadOptions = {}): Promise<LoadedDataset> {
    const entry = await this.get(idOrName);
    return loadStoredDataset(join(this.root, entry.id), options);
  }

  private async manifest(id: string, onBadProfile?: (problem: string) => void): Promise<DatasetManifest> {
    const manifest = await readStoredManifest(join(this.root, id), id, onBadProfile);
    if (manifest.id !== id) throw new DataError('damaged', id, `expected the manifest of ${id}, found the one of ${manifest.id}`);
    return manifest;
  }

  /**
   * Gives a manifest without a usable target profile (written before profiles, or with a bad one)
   * its profile, from the training split's labels or targets only, and saves it so this happens
   * once. True when it did; false when the data cannot be read (the dataset still lists, without).
   */
  private async fillProfile(manifest: DatasetManifest): Promise<boolean> {
    const folder = join(this.root, manifest.id);
    const { train } = manifest.arrays;
    try {
      const part = {
        count: train.count,
        ...(train.labels ? { labels: Int32Array.from(await readArray(folder, manifest.id, train.labels)) } : {}),
      };
      const targets = train.targets ? await readArray(folder, manifest.id, train.targets) : undefined;
      manifest.targets = profileOf(manifest.kind, manifest.classes.length, targets instanceof Float32Array ? { ...part, targets } : part);
    } catch (err) {
      if (err instanceof DataError) return false;
      throw err;
    }
    // Written under the change lock from a fresh read, so a rename meanwhile is not undone.
    const targets = manifest.targets;
    await this.change(async () => {
      const current = await this.manifest(manifest.id);
      if (current.targets) return;
      await writeFileAtomic(join(folder, MANIFEST), `${JSON.stringify({ ...current, targets }, null, 2)}\n`, this.fs);
    }).catch(() => undefined); // a read-only library still lists; the profile is recomputed next time
    return true;
  }

  private checkId(id: string): string {
    if (!ID.test(id)) throw this.notFound(id);
    return id;
  }

  private notFound(id: string): DataError {
    return notFound(id);
  }

  private async checkNameFree(name: string, except: string | undefined): Promise<void> {
    const key = name.toLowerCase();
    const clash = (await this.scan({ fillProfiles: false })).datasets.find((d) => d.id !== except && d.name.toLowerCase() === key);
    if (clash)
      throw new DataError('name-taken', undefined, `expected a new name, found '${clash.name}' already names a dataset in the library`);
  }

  private change<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.changes.then(fn);
    this.changes = result.catch(() => undefined);
    return result;
  }
}

function sourcePath(source: ImportSource): string {
  switch (source.format) {
    case 'auto':
      return source.path;
    case 'idx':
      return dirname(source.trainImages);
    case 'csv':
      return source.file;
    case 'image-folder':
      return source.folder;
  }
}

/** Loads a stored dataset folder (`<id>/` of a library, or a copy of one elsewhere). */
export async function loadStoredDataset(folder: string, options: LoadOptions = {}): Promise<LoadedDataset> {
  const where = basename(folder);
  const manifest = await readStoredManifest(folder, where);
  const splits = await readSplits(folder, where, manifest.arrays, manifest.inputShape);
  const dataset = toScaledDataset(manifest, splits, options);
  const loaded: LoadedDataset = {
    ...dataset,
    id: manifest.id,
    files: manifest.source.files,
    fingerprint: manifest.fingerprint,
    notes: manifest.notes,
  };
  if (manifest.features) loaded.features = manifest.features;
  return loaded;
}
