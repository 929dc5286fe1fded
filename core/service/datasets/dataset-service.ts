/**
 * The datasets behind window.lab: MNIST built in (built-in.ts), plus the person's own datasets in
 * the library (core/data/library) kept in `dataDir/datasets/`. The lab service hands its dataset
 * verbs to this class: listing, sample pages and overviews for the browser, imports (the files are
 * chosen in the main process's dialog, never named by the window), renames and deletes.
 *
 * Every import failure comes back as a result with the data layer's specific message (the file and
 * the row, byte or image at fault); the library is all-or-nothing, so it is then unchanged.
 *
 * About 400 lines: every dataset verb goes through the one open library and the caches this class
 * keeps beside it (entries, raw data, overviews, target profiles, running imports); the parsing
 * and the maths are in core/data and dataset-overview.ts.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { DataError } from '../../data/errors';
import { escapeForMessage } from '../../files/quote';
import { readSplits } from '../../data/library/arrays';
import { labDatasetInfo } from '../../data/library/describe';
import { DatasetLibrary, readStoredManifest } from '../../data/library/library';
import { trainTargetsOf } from '../../data/library/target-profile';
import type { DatasetEntry } from '../../data/library/manifest';
import type {
  DatasetIdRequest,
  DatasetInfo,
  DatasetOverview,
  DatasetOverviewRequest,
  ImportDatasetRequest,
  ImportIdRequest,
  ImportKind,
  ImportProgressEvent,
  ImportResult,
  RegressionPredictions,
  RenameClassesRequest,
  RenameDatasetRequest,
  SampleImages,
  SamplesRequest,
} from '../../lab/contract';
import type { DatasetInfo as ModelDatasetInfo } from '../../model/format';
import type { LoadedModel } from '../../model/model-file';
import { scaleSample } from '../../data/scaling';
import { classificationOverview, regressionOverview, regressionPredictionsOf, samplePage } from './dataset-overview';
import type { RawView } from './dataset-overview';
import { DATASETS, findDataset } from './built-in';
import { LabError } from '../errors';
import { importSourceOf, nameFromPaths } from './import-source';
import { TargetProfiles } from './target-profiles';
import type { TestSplit } from '../models/model-data';
import type { SplitSizes } from '../worker/protocol';

/** The library's folder inside the lab's data folder. */
export const LIBRARY_FOLDER = 'datasets';

export const libraryRoot = (dataDir: string): string => join(dataDir, LIBRARY_FOLDER);

export interface DatasetServiceOptions {
  /** The library folder (dataDir/datasets). */
  root: string;
  /** The main process's dialog (or the files main offered as `sourceId`): the picked files or folder, null when the person cancels. */
  chooseImportPaths?: (kind: ImportKind, sourceId?: string) => Promise<string[] | null>;
  emit(event: ImportProgressEvent): void;
  /** Least time between two progress events of one import; default 100 ms. */
  progressIntervalMs?: number;
}

/** Raw datasets kept in memory for paging and overviews (Fashion-MNIST is ~55 MB of bytes). */
const RAW_CACHE = 2;
const DEFAULT_SAMPLES_PER_CLASS = 6;
const MAX_NAME = 120;

export class DatasetService {
  readonly root: string;
  private library: Promise<DatasetLibrary> | undefined;
  /** Every library entry seen, kept after a delete so a run still training on it can name it in its model files. */
  private readonly known = new Map<string, DatasetEntry>();
  private readonly raw: { id: string; view: Promise<RawView> }[] = [];
  private readonly overviews = new Map<string, Promise<Pick<DatasetOverview, 'classification' | 'regression'>>>();
  private readonly imports = new Map<string, AbortController>();
  /** Target profiles of MNIST and of library datasets whose manifest has none (unreadable data). */
  private readonly profiles = new TargetProfiles((id) => this.trainTargets(id));

  constructor(private readonly options: DatasetServiceOptions) {
    this.root = options.root;
  }

  isBuiltIn(id: string): boolean {
    return DATASETS.has(id);
  }

  async list(): Promise<DatasetInfo[]> {
    const { datasets: entries, repaired } = await (await this.open()).scan();
    for (const { message } of repaired) console.warn(message);
    for (const entry of entries) this.known.set(entry.id, entry);
    const infos = [...[...DATASETS.values()].map((d) => structuredClone(d.info)), ...entries.map(infoOf)];
    // A library dataset's profile comes from its manifest: listing reads no sample data.
    return Promise.all(infos.map((info) => (info.targets ? info : this.profiles.attach(info))));
  }

  async info(id: string): Promise<DatasetInfo> {
    if (this.isBuiltIn(id)) return structuredClone(findDataset(id).info);
    return infoOf(await this.entry(id));
  }

  /** A library dataset's entry; 'not-found' for an unknown id. */
  async entry(id: string): Promise<DatasetEntry> {
    const library = await this.open();
    let entry: DatasetEntry;
    try {
      entry = await library.get(id);
    } catch (err) {
      if (err instanceof DataError && err.code === 'not-found') throw await this.notFound(id);
      throw asLabError(err, `The dataset "${id}" could not be read`);
    }
    if (entry.id !== id) throw await this.notFound(id); // found by name: the window always names datasets by id
    this.known.set(id, entry);
    return entry;
  }

  async samples({ datasetId, split, offset, count }: SamplesRequest): Promise<SampleImages> {
    const page = samplePage(await this.rawView(datasetId), split, offset, count);
    if (typeof page === 'string') throw new LabError('invalid', page);
    return page;
  }

  async overview({ datasetId, samplesPerClass = DEFAULT_SAMPLES_PER_CLASS }: DatasetOverviewRequest): Promise<DatasetOverview> {
    const dataset = await this.info(datasetId);
    const entry = this.isBuiltIn(datasetId) ? undefined : await this.entry(datasetId);
    const key = `${datasetId}:${samplesPerClass}`;
    let pending = this.overviews.get(key);
    if (!pending) {
      pending = this.rawView(datasetId).then((view) =>
        view.kind === 'classification'
          ? { classification: classificationOverview(view, samplesPerClass) }
          : { regression: regressionOverview(view) },
      );
      this.overviews.set(key, pending);
      pending.catch(() => this.overviews.delete(key));
    }
    const parts = structuredClone(await pending);
    return {
      dataset,
      sizes: entry ? { ...entry.sizes } : { train: dataset.sizes.train, validation: 0, test: dataset.sizes.test },
      source: entry ? structuredClone(entry.source) : null,
      fingerprint: entry?.fingerprint ?? null,
      createdAt: entry?.createdAt ?? null,
      notes: entry ? entry.notes.map(escapeForMessage) : [], // a manifest on disk may have been edited
      ...parts,
    };
  }

  /** Asks for the files in the main process's dialog, then imports them with progress events. */
  async import(request: ImportDatasetRequest): Promise<ImportResult> {
    const choose = this.options.chooseImportPaths;
    if (!choose) throw new LabError('invalid', 'This lab has no file dialog to import datasets with.');
    const importId = request.importId ?? `import-${randomBytes(6).toString('hex')}`;
    if (this.imports.has(importId)) throw new LabError('bad-state', `The import "${importId}" is already running.`);
    const controller = new AbortController();
    this.imports.set(importId, controller);
    try {
      const paths = await choose(request.kind, request.sourceId);
      if (!paths || paths.length === 0 || controller.signal.aborted) return { status: 'cancelled', importId };
      const library = await this.open();
      const onProgress = this.progressEmitter(importId);
      onProgress(0);
      const source = await importSourceOf(request.kind, paths, request);
      const name = request.name ?? (await this.freeName(nameFromPaths(paths)));
      const split: { validation?: number; test?: number } = {};
      if (request.validation !== undefined) split.validation = request.validation;
      if (request.test !== undefined) split.test = request.test;
      const entry = await library.import(source, { name, split, seed: request.seed ?? 1, onProgress, signal: controller.signal });
      this.known.set(entry.id, entry);
      onProgress(1);
      return { status: 'imported', importId, dataset: infoOf(entry), notes: entry.notes.map(escapeForMessage) };
    } catch (err) {
      if (controller.signal.aborted) return { status: 'cancelled', importId };
      if (err instanceof DataError) return { status: 'failed', importId, code: err.code, message: err.message };
      throw err;
    } finally {
      this.imports.delete(importId);
    }
  }

  /** Stops an import; it then answers 'cancelled' and the library stays as it was. Unknown ids are ignored (it may just have ended). */
  cancelImport({ importId }: ImportIdRequest): void {
    this.imports.get(importId)?.abort();
  }

  /** New class names for a library dataset (models already trained keep the names they were saved with). */
  async renameClasses({ datasetId, classes }: RenameClassesRequest): Promise<DatasetInfo> {
    if (this.isBuiltIn(datasetId))
      throw new LabError('invalid', `"${findDataset(datasetId).info.name}" is built in: its classes keep their names.`);
    await this.entry(datasetId);
    try {
      const entry = await (await this.open()).renameClasses(datasetId, classes);
      this.known.set(entry.id, entry);
      const info = infoOf(entry);
      return info.targets ? info : await this.profiles.attach(info);
    } catch (err) {
      throw asLabError(err, 'The classes could not be renamed');
    }
  }

  async rename({ datasetId, name }: RenameDatasetRequest): Promise<DatasetInfo> {
    if (this.isBuiltIn(datasetId))
      throw new LabError('invalid', `"${findDataset(datasetId).info.name}" is built in: it cannot be renamed.`);
    await this.entry(datasetId);
    try {
      const entry = await (await this.open()).rename(datasetId, name);
      this.known.set(entry.id, entry);
      const info = infoOf(entry);
      return info.targets ? info : await this.profiles.attach(info);
    } catch (err) {
      throw asLabError(err, 'The dataset could not be renamed');
    }
  }

  async delete({ datasetId }: DatasetIdRequest): Promise<void> {
    if (this.isBuiltIn(datasetId))
      throw new LabError('invalid', `"${findDataset(datasetId).info.name}" is built in: it cannot be deleted.`);
    await this.entry(datasetId);
    try {
      await (await this.open()).delete(datasetId);
    } catch (err) {
      throw asLabError(err, 'The dataset could not be deleted');
    }
    this.forget(datasetId);
    this.profiles.forget(datasetId);
  }

  /**
   * How a model file names a library dataset: its name, shape, classes, the split sizes it was
   * trained with, and the SHA-256 of every source file (recorded at import, so no file is re-read).
   */
  async identity(datasetId: string, sizes: SplitSizes): Promise<ModelDatasetInfo> {
    const entry = this.known.get(datasetId) ?? (await this.entry(datasetId));
    const recorded: ModelDatasetInfo['sizes'] = { train: sizes.train, test: sizes.test };
    if (sizes.validation !== undefined) recorded.validation = sizes.validation;
    return {
      name: entry.name,
      inputShape: [...entry.inputShape],
      classes: [...entry.classes],
      sizes: recorded,
      files: entry.source.files.map(({ name, sha256 }) => ({ name, sha256 })),
    };
  }

  /**
   * The library classification dataset a model file was trained on: one of the same shape and
   * class count holding every file the model lists (by the SHA-256 recorded at import), the one of
   * the same name first. Null when none does, or when the model lists no files (data from memory).
   * Regression datasets are left out: the inspector's accuracy and test images are for classes.
   */
  async matchModel(info: ModelDatasetInfo): Promise<string | null> {
    if (info.files.length === 0) return null;
    const candidates = (await (await this.open()).list()).filter(
      (entry) =>
        entry.kind === 'classification' &&
        entry.inputShape.join('×') === info.inputShape.join('×') &&
        entry.classes.length === info.classes.length &&
        info.files.every((f) => entry.source.files.some((g) => g.sha256 === f.sha256)),
    );
    return (candidates.find((entry) => entry.name === info.name) ?? candidates[0])?.id ?? null;
  }

  /** A library classification dataset's raw test split, for evaluating and inspecting models trained on it. */
  async testSplit(datasetId: string): Promise<TestSplit> {
    const view = await this.rawView(datasetId);
    const { name } = await this.info(datasetId);
    const { test } = view.splits;
    if (view.kind !== 'classification' || !test.labels)
      throw new LabError(
        'invalid',
        `"${name}" is a regression dataset: its models are evaluated by predicted against actual, not by accuracy.`,
      );
    const shape = view.inputShape;
    const cols = shape.at(-1)!;
    const rows = shape.reduce((a, b) => a * b, 1) / cols;
    const labels = test.labels instanceof Int32Array || test.labels instanceof Uint8Array ? test.labels : Int32Array.from(test.labels);
    return { datasetId, name, rows, cols, count: test.count, pixels: test.inputs, labels, classCount: view.classes.length };
  }

  /**
   * The training targets a run on this dataset checks against its loss (the engine's
   * lossTargetProblem), so a design that cannot train is refused before it is queued; the same
   * targets a stored profile is computed from (trainTargetsOf), so the two cannot disagree.
   */
  async trainTargets(datasetId: string, limit?: number): Promise<Float32Array> {
    const view = await this.rawView(datasetId);
    return trainTargetsOf(view.kind, view.classes.length, view.splits.train, limit);
  }

  /** A model's predictions on a regression dataset's test split (raw inputs scaled with the model's own scaling). */
  async predictions(runId: string, datasetId: string, model: LoadedModel): Promise<RegressionPredictions> {
    const view = await this.rawView(datasetId);
    const { file, net } = model;
    if (view.kind !== 'regression')
      throw new LabError('invalid', 'Predicted against actual is for regression datasets; this one is for classification.');
    if (net.sizes[net.L] !== view.classes.length)
      throw new LabError('invalid', `The model has ${net.sizes[net.L]} outputs, but the dataset has ${view.classes.length} targets.`);
    const result = regressionPredictionsOf(view, (raw) => net.predict(scaleSample(file.scaling, raw)));
    return { runId, datasetId, epoch: file.history.at(-1)?.epoch ?? null, targets: [...view.classes], ...result };
  }

  // ── internals ─────────────────────────────────────────────────────────────────────────────

  private open(): Promise<DatasetLibrary> {
    if (!this.library) {
      const opening = DatasetLibrary.open(this.root);
      this.library = opening;
      opening.catch(() => {
        if (this.library === opening) this.library = undefined;
      });
    }
    return this.library.catch((err: unknown) => {
      throw asLabError(err, 'The dataset library could not be opened');
    });
  }

  private async notFound(id: string): Promise<LabError> {
    const count = (await (await this.open()).list()).length;
    return new LabError(
      'not-found',
      `There is no dataset "${id}"; the lab has MNIST and ${count} imported dataset${count === 1 ? '' : 's'}.`,
    );
  }

  /** `base`, or `base (2)`, `base (3)`… whichever no dataset has yet (ignoring case). */
  private async freeName(base: string): Promise<string> {
    const taken = new Set((await this.list()).map((d) => d.name.toLowerCase()));
    const stem = base.slice(0, MAX_NAME - 5);
    let name = stem;
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${stem} (${n})`;
    return name;
  }

  private progressEmitter(importId: string): (fraction: number) => void {
    const interval = this.options.progressIntervalMs ?? 100;
    let last = -Infinity;
    let lastFraction = -1;
    return (fraction) => {
      const now = performance.now();
      const final = fraction >= 1 || fraction === 0;
      if (fraction === lastFraction || (!final && now - last < interval)) return;
      last = now;
      lastFraction = fraction;
      this.options.emit({ type: 'import-progress', importId, fraction });
    };
  }

  /** The raw splits of a dataset (the two most recently used are kept). */
  private rawView(id: string): Promise<RawView> {
    const at = this.raw.findIndex((r) => r.id === id);
    if (at >= 0) {
      const [hit] = this.raw.splice(at, 1);
      this.raw.unshift(hit!);
      return hit!.view;
    }
    const view = this.isBuiltIn(id)
      ? Promise.resolve().then(() => builtInView(id))
      : this.entry(id).then((entry) => this.libraryView(entry));
    this.raw.unshift({ id, view });
    this.raw.length = Math.min(this.raw.length, RAW_CACHE);
    view.catch(() => this.forget(id));
    return view;
  }

  private async libraryView(entry: DatasetEntry): Promise<RawView> {
    const folder = join(this.root, entry.id);
    try {
      const manifest = await readStoredManifest(folder, entry.id);
      const splits = await readSplits(folder, entry.id, manifest.arrays, manifest.inputShape);
      const view: RawView = { kind: manifest.kind, inputShape: manifest.inputShape, classes: manifest.classes, splits };
      if (manifest.features) view.features = manifest.features;
      return view;
    } catch (err) {
      throw asLabError(err, `The dataset "${entry.name}" could not be read`);
    }
  }

  private forget(id: string): void {
    const at = this.raw.findIndex((r) => r.id === id);
    if (at >= 0) this.raw.splice(at, 1);
    for (const key of [...this.overviews.keys()]) if (key.startsWith(`${id}:`)) this.overviews.delete(key);
  }
}

function builtInView(id: string): RawView {
  const dataset = findDataset(id);
  const { train, test } = dataset.raw();
  return {
    kind: dataset.info.kind,
    inputShape: [...dataset.info.inputShape],
    classes: [...dataset.info.classes],
    splits: {
      train: { count: train.count, inputs: train.pixels, labels: train.labels },
      test: { count: test.count, inputs: test.pixels, labels: test.labels },
    },
  };
}

/** The window's view of a library entry: with its validation split, which MNIST does not have. */
function infoOf(entry: DatasetEntry): DatasetInfo {
  const info = labDatasetInfo(entry);
  info.sizes = { train: entry.sizes.train, validation: entry.sizes.validation, test: entry.sizes.test };
  if (entry.targets) info.targets = structuredClone(entry.targets);
  return info;
}

/** A data-layer failure as the message the window shows; other errors pass through. */
function asLabError(err: unknown, what: string): unknown {
  if (err instanceof LabError) return err;
  if (err instanceof DataError) {
    const code = err.code === 'not-found' ? 'not-found' : 'invalid';
    return new LabError(code, `${what}: ${err.message}`, { cause: err });
  }
  return err;
}
