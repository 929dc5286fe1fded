/**
 * The main-process lab service behind window.lab: datasets, and training runs that each train in
 * their own worker thread. At most `maxConcurrent` runs train at once (a paused run keeps its slot:
 * its worker holds the data and the weights); the rest wait in a queue. Runs are remembered in
 * `dataDir/runs/` (see checkpoints.ts for the layout and the checkpoint policy).
 *
 * Models opened for inspection (from a file or a run's checkpoint) are held by a ModelInspector
 * (model-inspector.ts); the inspect verbs below hand over to it.
 *
 * Plain Node: no Electron here. Electron's main process and the end-to-end test harness both start
 * one with a data folder, dialogs and a worker factory.
 */
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { mkdir, rm, unlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { Network } from '../engine/network';
import type { EpochReport } from '../engine/trainer';
import type { BackendName } from '../engine/wasm/select';
import { dataProblems, specProblems, throwIfProblems, trainingProblems } from '../engine/validate';
import { lossTargetProblem } from '../engine/losses';
import type {
  DatasetInfo,
  GradientCheckRequest,
  GradientCheckResult,
  LabHandlers,
  LayerWeights,
  ModelEvaluation,
  ModelIdRequest,
  ModelSummary,
  OpenModelResult,
  OpenRunModelRequest,
  RunEvent,
  RunIdRequest,
  RunStatus,
  RunSummary,
  SampleImages,
  SamplesRequest,
  SaveResult,
  SetLearningRateRequest,
  StartRunRequest,
  TestImages,
  TestImagesRequest,
  TraceRequest,
  TraceResult,
  WeightsRequest,
} from '../lab/contract';
import type { ModelFile, DatasetInfo as ModelDatasetInfo } from '../model/format';
import { buildModelFile } from '../model/model-file';
import { loadModelFile, saveModelFile, sha256File } from '../model/model-files';
import { APP_VERSION } from '../version';
import { BEST_MODEL, LAST_STEP_MODEL, checkpointName, keepsEveryCheckpoint, runFilesDir, runRecordPath, runsDir } from './checkpoints';
import { findDataset } from './datasets';
import { DatasetService, libraryRoot } from './dataset-service';
import type {
  DatasetIdRequest,
  DatasetOverview,
  DatasetOverviewRequest,
  ImportDatasetRequest,
  ImportIdRequest,
  ImportKind,
  ImportResult,
  LabEvent,
  RegressionPredictions,
  RenameDatasetRequest,
} from '../lab/contract';
import { LabError } from './errors';
import { ModelInspector, type RunModelFiles } from './model-inspector';
import { readRunRecords, writeRunRecord, RUN_FORMAT, RUN_VERSION, type RunRecord } from './run-store';
import type { TrainWorkerData, WeightsSnapshot, WorkerCommand, WorkerMessage } from './worker-protocol';
import type { SplitSizes } from './worker-protocol';

export interface LabDialogs {
  /** Where to save a model; null when the user cancels. */
  chooseSavePath(defaultName: string): Promise<string | null>;
  /** A model file to open; null when the user cancels. */
  chooseOpenPath(): Promise<string | null>;
  /**
   * Files or a folder to import as a dataset (IDX files, a CSV file, a folder of class folders);
   * null when the user cancels. Without it the lab cannot import.
   */
  chooseImportPaths?(kind: ImportKind): Promise<string[] | null>;
}

export type WorkerFactory = (workerData: TrainWorkerData) => Worker;

export interface LabServiceOptions {
  dataDir: string;
  dialogs: LabDialogs;
  workerFactory: WorkerFactory;
  /** Runs training at once; default os.availableParallelism(). */
  maxConcurrent?: number;
  /** The clock for createdAt stamps. */
  now?: () => Date;
  /** Passed to every worker (see TrainWorkerData); tests shorten them. */
  progressIntervalMs?: number;
  sliceMs?: number;
  /** Which kernels the workers train with; default 'auto' (wasm where it can run, else js). */
  backend?: BackendName;
  /** Where the compiled kernels.wasm is, when bundled away from core/engine/wasm/build (the app's copy). */
  wasmPath?: string;
  /** How long dispose() lets a worker stop cleanly before terminating it; default 3000 ms. */
  stopTimeoutMs?: number;
}

type Listener = (event: LabEvent) => void;
type Ack = Extract<WorkerMessage, { type: 'ack' }>;
type CommandBody = WorkerCommand extends infer C ? (C extends WorkerCommand ? Omit<C, 'seq'> : never) : never;

const ENDED: ReadonlySet<RunStatus> = new Set(['finished', 'stopped', 'failed']);

interface Run {
  record: RunRecord;
  worker?: Worker;
  exited?: Promise<void>;
  workerError?: string;
  seq: number;
  pending: Map<number, { resolve(ack: Ack): void; reject(error: Error): void }>;
  /** Every file write of this run, in order. */
  writes: Promise<void>;
  recordWriteQueued: boolean;
  deleted: boolean;
}

export class LabService implements LabHandlers {
  private readonly dataDir: string;
  private readonly dialogs: LabDialogs;
  private readonly workerFactory: WorkerFactory;
  private readonly maxConcurrent: number;
  private readonly now: () => Date;
  private readonly options: LabServiceOptions;
  private readonly runs = new Map<string, Run>();
  private readonly queue: Run[] = [];
  private readonly listeners = new Set<Listener>();
  private readonly hashes = new Map<string, Promise<string>>();
  private readonly loaded: Promise<void>;
  private readonly models: ModelInspector;
  private readonly datasets: DatasetService;
  private problems: string[] = [];
  private disposing: Promise<void> | undefined;

  constructor(options: LabServiceOptions) {
    this.options = options;
    this.dataDir = options.dataDir;
    this.dialogs = options.dialogs;
    this.workerFactory = options.workerFactory;
    this.maxConcurrent = Math.max(1, options.maxConcurrent ?? availableParallelism());
    this.now = options.now ?? (() => new Date());
    this.models = new ModelInspector({
      chooseOpenPath: () => this.dialogs.chooseOpenPath(),
      runFiles: (runId) => this.runModelFiles(runId),
      sha256: (path) => this.sha256(path),
      library: { match: (info) => this.datasets.matchModel(info), testSplit: (id) => this.datasets.testSplit(id) },
    });
    this.datasets = new DatasetService({
      root: libraryRoot(this.dataDir),
      emit: (event) => this.emit(event),
      ...(options.dialogs.chooseImportPaths ? { chooseImportPaths: (kind: ImportKind) => this.dialogs.chooseImportPaths!(kind) } : {}),
    });
    this.loaded = this.load();
    this.loaded.catch(() => undefined); // surfaced by every method through ready()
  }

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
    return [...this.problems];
  }

  // ── datasets ──────────────────────────────────────────────────────────────────────────────

  /** MNIST, then the imported datasets of the library (dataset-service.ts), oldest first. */
  async listDatasets(): Promise<DatasetInfo[]> {
    await this.ready();
    return this.datasets.list();
  }

  async getSamples(request: SamplesRequest): Promise<SampleImages> {
    await this.ready();
    return this.datasets.samples(request);
  }

  /** Per-class counts, mean images and samples, or a regression table's columns and rows, for the dataset browser. */
  async datasetOverview(request: DatasetOverviewRequest): Promise<DatasetOverview> {
    await this.ready();
    return this.datasets.overview(request);
  }

  /** Asks for files in a dialog and imports them into the library, with import-progress events; a bad file gives its specific message and changes nothing. */
  async importDataset(request: ImportDatasetRequest): Promise<ImportResult> {
    await this.ready();
    return this.datasets.import(request);
  }

  async cancelImport(request: ImportIdRequest): Promise<void> {
    await this.ready();
    this.datasets.cancelImport(request);
  }

  async renameDataset(request: RenameDatasetRequest): Promise<DatasetInfo> {
    await this.ready();
    return this.datasets.rename(request);
  }

  /** A regression run's latest weights on its dataset's test split: predicted against actual. */
  async regressionPredictions({ runId }: RunIdRequest): Promise<RegressionPredictions> {
    const files = await this.runModelFiles(runId);
    const { datasetId, name } = this.getRun(runId).record.summary;
    if (!files.latestModel) throw new LabError('no-weights', `Run "${name}" has no saved weights yet: its first checkpoint is written at the end of epoch 1.`);
    return this.datasets.predictions(runId, datasetId, await loadModelFile(join(files.dir, files.latestModel)));
  }

  /** Deletes an imported dataset, unless a run that has not ended still needs it. */
  async deleteDataset(request: DatasetIdRequest): Promise<void> {
    await this.ready();
    const user = [...this.runs.values()].find((run) => run.record.summary.datasetId === request.datasetId && !ENDED.has(run.record.summary.status));
    if (user) throw new LabError('bad-state', `Run "${user.record.summary.name}" is ${user.record.summary.status} on this dataset: stop it before deleting the dataset.`);
    await this.datasets.delete(request);
  }

  // ── runs ──────────────────────────────────────────────────────────────────────────────────

  async startRun(request: StartRunRequest): Promise<RunSummary> {
    await this.ready();
    const dataset = { info: await this.datasets.info(request.datasetId) };
    const { spec, settings } = request;
    const inputs = dataset.info.inputShape.reduce((p, d) => p * d, 1);
    throwIfProblems([...specProblems(spec), ...trainingProblems(spec, settings), ...dataProblems(spec, inputs, dataset.info.classes.length)]);
    // The engine's check of the targets against the loss (MAPE on one-hot labels divides by 0), before the run is queued.
    const targetProblem = lossTargetProblem(spec.loss, await this.datasets.trainTargets(request.datasetId, request.trainLimit));
    if (targetProblem) throwIfProblems([{ field: 'loss', message: targetProblem }]);
    if (request.validation && dataset.info.sizes.validation === 0)
      throw new LabError('invalid', `${dataset.info.name} has no validation split (it was imported with a validation share of 0): turn validation off.`);
    if (settings.stop.kind === 'early-stopping' && !request.validation)
      throw new LabError('invalid', 'Early stopping watches the validation set: turn the validation split on, or choose another stopping rule.');
    const id = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
    const sizes = [spec.inputSize, ...spec.layers.map((l) => l.units)].join('-');
    const record: RunRecord = {
      format: RUN_FORMAT,
      version: RUN_VERSION,
      summary: {
        id,
        name: request.name?.trim() || `${sizes} ${settings.optimizer} η=${settings.learningRate}`,
        createdAt: this.now().toISOString(),
        spec: structuredClone(spec),
        settings: structuredClone(settings),
        datasetId: request.datasetId,
        scaling: request.scaling,
        status: 'queued',
        history: [],
      },
      validation: request.validation,
      checkpoints: [],
    };
    if (request.trainLimit !== undefined) record.trainLimit = request.trainLimit;
    if (request.testLimit !== undefined) record.testLimit = request.testLimit;
    const run = this.addRun(record);
    this.queue.push(run);
    this.setStatus(run, 'queued', undefined, this.queue.length);
    this.schedule();
    return this.summaryOf(run);
  }

  async listRuns(): Promise<RunSummary[]> {
    await this.ready();
    return [...this.runs.values()].map((run) => this.summaryOf(run));
  }

  async pauseRun({ runId }: RunIdRequest): Promise<void> {
    const run = await this.liveRun(runId, 'paused');
    if (run.record.summary.status === 'paused') return;
    await this.command(run, { type: 'pause' });
  }

  async resumeRun({ runId }: RunIdRequest): Promise<void> {
    const run = await this.liveRun(runId, 'resumed');
    if (run.record.summary.status === 'running') return;
    await this.command(run, { type: 'resume' });
  }

  /** Exactly one mini-batch of a paused run; it stays paused. */
  async stepRun({ runId }: RunIdRequest): Promise<void> {
    const run = await this.liveRun(runId, 'stepped');
    if (run.record.summary.status !== 'paused') throw new LabError('bad-state', `Run "${run.record.summary.name}" is running: pause it before stepping.`);
    await this.command(run, { type: 'step' });
  }

  /** Ends the run for good, keeping the weights of its last finished step. */
  async stopRun({ runId }: RunIdRequest): Promise<void> {
    await this.ready();
    const run = this.getRun(runId);
    const status = run.record.summary.status;
    if (ENDED.has(status)) return;
    if (status === 'queued') {
      this.queue.splice(this.queue.indexOf(run), 1);
      this.setStatus(run, 'stopped', 'Stopped before it started.');
      this.updateQueuePositions();
      return;
    }
    const ack = await this.command(run, { type: 'stop' }, false);
    if (ack.error && !ENDED.has(run.record.summary.status)) throw new LabError('bad-state', `Run "${run.record.summary.name}" could not stop: ${ack.error}.`);
    await run.writes;
  }

  /** Changes η between two batches; the next progress events carry the new value. */
  async setLearningRate({ runId, learningRate }: SetLearningRateRequest): Promise<void> {
    await this.ready();
    const run = this.getRun(runId);
    const { summary } = run.record;
    if (ENDED.has(summary.status)) throw new LabError('bad-state', `Run "${summary.name}" has ${summary.status}; its learning rate can no longer change.`);
    if (run.worker) await this.command(run, { type: 'set-learning-rate', learningRate });
    summary.settings.learningRate = learningRate;
    this.persist(run);
  }

  async deleteRun({ runId }: RunIdRequest): Promise<void> {
    await this.ready();
    const run = this.getRun(runId);
    run.deleted = true;
    this.runs.delete(runId);
    const queued = this.queue.indexOf(run);
    if (queued >= 0) this.queue.splice(queued, 1);
    if (run.worker) {
      await run.worker.terminate();
      await run.exited;
    }
    await run.writes;
    await rm(runFilesDir(this.dataDir, runId), { recursive: true, force: true });
    await unlink(runRecordPath(this.dataDir, runId)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
    this.schedule();
  }

  /** Asks where to save, then writes the run's latest weights as a model file. */
  async saveModel({ runId }: RunIdRequest): Promise<SaveResult> {
    await this.ready();
    const run = this.getRun(runId);
    const { summary } = run.record;
    let file: ModelFile;
    if (run.worker && (summary.status === 'running' || summary.status === 'paused')) {
      if (!run.record.fittedScaling) throw new LabError('no-weights', `Run "${summary.name}" is still loading its data; save it once training has started.`);
      const ack = await this.command(run, { type: 'snapshot' });
      if (!ack.weights) throw new LabError('no-weights', `Run "${summary.name}" sent no weights.`);
      file = await this.modelFile(run, ack.weights, summary.history.slice());
    } else {
      await run.writes;
      const latest = run.record.latestModel;
      if (!latest) throw new LabError('no-weights', `Run "${summary.name}" has no trained weights to save (it ${summary.status === 'queued' ? 'has not started' : 'ended before its first epoch'}).`);
      file = (await loadModelFile(join(runFilesDir(this.dataDir, runId), latest))).file;
    }
    const path = await this.dialogs.chooseSavePath(`${fileSafe(summary.name)}.fathom.json`);
    if (path === null) return { saved: false };
    await saveModelFile(path, file);
    return { saved: true, fileName: basename(path) };
  }

  // ── inspecting models (model-inspector.ts) ────────────────────────────────────────────────

  /** Asks for a model file in a dialog and opens it; a damaged file is reported with its specific reason and changes nothing. */
  async openModel(): Promise<OpenModelResult> {
    await this.ready();
    return this.models.openFile();
  }

  /** Opens a run's latest checkpoint (or its best, or a given epoch's). */
  async openRunModel(request: OpenRunModelRequest): Promise<ModelSummary> {
    await this.ready();
    return this.models.openRun(request);
  }

  async closeModel(request: ModelIdRequest): Promise<void> {
    await this.ready();
    this.models.close(request);
  }

  async getWeights(request: WeightsRequest): Promise<LayerWeights> {
    await this.ready();
    return this.models.weights(request);
  }

  async evaluateModel(request: ModelIdRequest): Promise<ModelEvaluation> {
    await this.ready();
    return this.models.evaluate(request);
  }

  async getTestImages(request: TestImagesRequest): Promise<TestImages> {
    await this.ready();
    return this.models.testImages(request);
  }

  async traceActivations(request: TraceRequest): Promise<TraceResult> {
    await this.ready();
    return this.models.trace(request);
  }

  async gradientCheck(request: GradientCheckRequest): Promise<GradientCheckResult> {
    await this.ready();
    return this.models.gradientCheck(request);
  }

  /** Resolves once every file write asked for so far (run records, checkpoints) has finished. */
  async settled(): Promise<void> {
    await this.loaded.catch(() => undefined);
    let pending: Promise<void>[];
    do {
      pending = [...this.runs.values()].map((run) => run.writes);
      await Promise.all(pending);
    } while ([...this.runs.values()].some((run, i) => run.writes !== pending[i]));
  }

  /** Stops every run (keeping its weights), waits for the files to be written, and forgets the listeners. */
  dispose(): Promise<void> {
    this.disposing ??= this.shutDown();
    return this.disposing;
  }

  // ── internals ─────────────────────────────────────────────────────────────────────────────

  private async shutDown(): Promise<void> {
    await this.loaded.catch(() => undefined);
    for (const run of this.queue.splice(0)) this.setStatus(run, 'stopped', 'The lab closed before this run started.');
    const live = [...this.runs.values()].filter((run) => run.worker);
    await Promise.all(
      live.map(async (run) => {
        const timeout = new Promise<'timeout'>((resolve) => setTimeout(resolve, this.options.stopTimeoutMs ?? 3000, 'timeout').unref());
        const stopped = this.command(run, { type: 'stop' }, false).catch(() => undefined);
        if ((await Promise.race([stopped, timeout])) === 'timeout') await run.worker?.terminate();
        await run.exited;
      }),
    );
    await Promise.all([...this.runs.values()].map((run) => run.writes));
    this.listeners.clear();
    this.models.closeAll();
  }

  private async ready(): Promise<void> {
    if (this.disposing) throw new LabError('disposed', 'The lab service has shut down.');
    await this.loaded;
  }

  private async load(): Promise<void> {
    await mkdir(runsDir(this.dataDir), { recursive: true });
    const { records, problems } = await readRunRecords(this.dataDir);
    this.problems = problems;
    for (const record of records) {
      const run = this.addRun(record);
      const { summary } = record;
      if (ENDED.has(summary.status)) continue;
      // The app closed (or crashed) while this run was alive: its trainer state is gone.
      summary.status = 'stopped';
      summary.message =
        summary.history.length > 0 || record.latestModel
          ? 'The lab closed while this run was training; the weights of its last checkpoint are kept.'
          : 'The lab closed before this run finished its first epoch.';
      this.persist(run);
    }
  }

  private addRun(record: RunRecord): Run {
    const run: Run = { record, seq: 0, pending: new Map(), writes: Promise.resolve(), recordWriteQueued: false, deleted: false };
    this.runs.set(record.summary.id, run);
    return run;
  }

  private getRun(runId: string): Run {
    const run = this.runs.get(runId);
    if (!run) throw new LabError('not-found', `There is no run "${runId}".`);
    return run;
  }

  /** A run whose worker can take a command. */
  private async liveRun(runId: string, verb: string): Promise<Run> {
    await this.ready();
    const run = this.getRun(runId);
    const { status, name } = run.record.summary;
    if (status === 'queued') throw new LabError('bad-state', `Run "${name}" is still queued; it can be ${verb} once it has started.`);
    if (ENDED.has(status) || !run.worker) throw new LabError('bad-state', `Run "${name}" has ${status}; it can no longer be ${verb}.`);
    return run;
  }

  /** Where a run's model files are, once its pending writes have landed. */
  private async runModelFiles(runId: string): Promise<RunModelFiles> {
    await this.ready();
    const run = this.getRun(runId);
    await run.writes;
    const { summary, latestModel, bestModel, checkpoints } = run.record;
    return { runName: summary.name, dir: runFilesDir(this.dataDir, runId), latestModel, bestModel, checkpoints: [...checkpoints] };
  }

  private summaryOf(run: Run): RunSummary {
    return structuredClone(run.record.summary);
  }

  private setStatus(run: Run, status: RunStatus, message?: string, queuePosition?: number): void {
    const summary = run.record.summary;
    summary.status = status;
    if (message === undefined) delete summary.message;
    else summary.message = message;
    if (status === 'queued' && queuePosition !== undefined) summary.queuePosition = queuePosition;
    else delete summary.queuePosition;
    const event: RunEvent = { type: 'status', runId: summary.id, status };
    if (summary.queuePosition !== undefined) event.queuePosition = summary.queuePosition;
    if (message !== undefined) event.message = message;
    this.emit(event);
    this.persist(run);
  }

  private schedule(): void {
    if (this.disposing) return;
    let active = 0;
    for (const run of this.runs.values()) if (run.worker) active++;
    while (active < this.maxConcurrent && this.queue.length > 0) {
      this.launch(this.queue.shift()!);
      active++;
    }
    this.updateQueuePositions();
  }

  private updateQueuePositions(): void {
    this.queue.forEach((run, i) => {
      if (run.record.summary.queuePosition !== i + 1) this.setStatus(run, 'queued', undefined, i + 1);
    });
  }

  private launch(run: Run): void {
    const { record } = run;
    const { summary } = record;
    const data: TrainWorkerData = {
      runId: summary.id,
      spec: summary.spec,
      settings: summary.settings,
      datasetId: summary.datasetId,
      scaling: summary.scaling,
      validation: record.validation,
    };
    if (record.trainLimit !== undefined) data.trainLimit = record.trainLimit;
    if (record.testLimit !== undefined) data.testLimit = record.testLimit;
    if (!this.datasets.isBuiltIn(summary.datasetId)) data.libraryRoot = this.datasets.root;
    if (this.options.progressIntervalMs !== undefined) data.progressIntervalMs = this.options.progressIntervalMs;
    if (this.options.sliceMs !== undefined) data.sliceMs = this.options.sliceMs;
    if (this.options.backend !== undefined) data.backend = this.options.backend;
    if (this.options.wasmPath !== undefined) data.wasmPath = this.options.wasmPath;
    let worker: Worker;
    try {
      worker = this.workerFactory(data);
    } catch (err) {
      this.setStatus(run, 'failed', `The training worker could not start: ${(err as Error).message}`);
      return;
    }
    run.worker = worker;
    worker.on('message', (message: WorkerMessage) => this.onWorkerMessage(run, message));
    worker.on('error', (error) => (run.workerError ??= error.message));
    worker.on('messageerror', (error) => (run.workerError ??= `a message could not be read (${error.message})`));
    run.exited = new Promise((resolve) =>
      worker.once('exit', (code) => {
        this.onWorkerExit(run, code);
        resolve();
      }),
    );
    this.setStatus(run, 'running');
  }

  private onWorkerExit(run: Run, code: number): void {
    run.worker = undefined;
    const why = run.workerError ? `it crashed: ${run.workerError}` : `it exited with code ${code}`;
    for (const { reject } of run.pending.values()) reject(new LabError('bad-state', `The training worker of run "${run.record.summary.name}" stopped before answering (${why}).`));
    run.pending.clear();
    if (!run.deleted && !ENDED.has(run.record.summary.status)) {
      if (this.disposing) this.setStatus(run, 'stopped', 'The lab closed while this run was training.');
      else this.setStatus(run, 'failed', `The training worker stopped unexpectedly: ${why}.`);
    }
    this.schedule();
  }

  private onWorkerMessage(run: Run, message: WorkerMessage): void {
    if (run.deleted) return;
    const { record } = run;
    const runId = record.summary.id;
    switch (message.type) {
      case 'ready':
        record.fittedScaling = message.scaling;
        record.sizes = message.sizes;
        record.summary.backend = message.backend;
        if (message.backendNote === undefined) delete record.summary.backendNote;
        else record.summary.backendNote = message.backendNote;
        this.persist(run);
        return;
      case 'progress':
        this.emit({ type: 'progress', runId, ...message.progress });
        return;
      case 'epoch':
        record.summary.history.push(message.report);
        this.emit({ type: 'epoch', runId, report: message.report });
        this.writeCheckpoint(run, message.report, message.weights);
        this.persist(run);
        return;
      case 'non-finite':
        this.emit({ type: 'non-finite', runId, detail: message.detail });
        return;
      case 'status':
        this.setStatus(run, message.status, message.message);
        return;
      case 'ack': {
        const waiter = run.pending.get(message.seq);
        run.pending.delete(message.seq);
        waiter?.resolve(message);
        return;
      }
      case 'finished':
        this.setStatus(run, 'finished', message.reason);
        return;
      case 'stopped':
        this.writeModel(run, LAST_STEP_MODEL, message.weights, record.summary.history.slice());
        this.setStatus(run, 'stopped', this.disposing ? 'The lab closed while this run was training.' : undefined);
        return;
      case 'failed':
        this.setStatus(run, 'failed', `Training failed: ${message.message}`);
        return;
    }
  }

  /** Sends a command and waits for the worker's ack; `strict` turns an ack with an error into a LabError. */
  private command(run: Run, body: CommandBody, strict = true): Promise<Ack> {
    const worker = run.worker;
    if (!worker) return Promise.reject(new LabError('bad-state', `Run "${run.record.summary.name}" is not training.`));
    const seq = ++run.seq;
    return new Promise<Ack>((resolve, reject) => {
      run.pending.set(seq, { resolve, reject });
      worker.postMessage({ ...body, seq } as WorkerCommand);
    }).then((ack) => {
      if (strict && ack.error) throw new LabError('bad-state', `Run "${run.record.summary.name}": ${ack.error}.`);
      return ack;
    });
  }

  /** Queues a file write of this run after the ones before it; a failure is reported on the run. */
  private queueWrite(run: Run, task: () => Promise<void>, isRecord = false): void {
    // A record write already waiting runs before this task and would miss what it changes (latestModel…): the next persist() queues a new one.
    if (!isRecord) run.recordWriteQueued = false;
    run.writes = run.writes
      .then(() => (run.deleted ? undefined : task()))
      .catch((err: unknown) => {
        if (run.deleted) return;
        const summary = run.record.summary;
        summary.message = `Could not save this run's files: ${(err as Error).message}`;
        this.emit({ type: 'status', runId: summary.id, status: summary.status, message: summary.message });
      });
  }

  /** Writes the run record; writes asked for while one is waiting (with no other file write queued after it) are merged into it. */
  private persist(run: Run): void {
    if (run.recordWriteQueued) return;
    run.recordWriteQueued = true;
    this.queueWrite(
      run,
      async () => {
        run.recordWriteQueued = false;
        await writeRunRecord(this.dataDir, run.record);
      },
      true,
    );
  }

  private writeCheckpoint(run: Run, report: EpochReport, weights: WeightsSnapshot): void {
    const { record } = run;
    const name = checkpointName(report.epoch);
    const keepAll = keepsEveryCheckpoint(record.summary.spec, record.summary.settings.epochs);
    const history = record.summary.history.slice();
    this.queueWrite(run, async () => {
      const dir = runFilesDir(this.dataDir, record.summary.id);
      const file = await this.modelFile(run, weights, history);
      await mkdir(dir, { recursive: true });
      await saveModelFile(join(dir, name), file);
      record.latestModel = name;
      if (report.isBest) {
        await saveModelFile(join(dir, BEST_MODEL), file);
        record.bestModel = BEST_MODEL;
      }
      const old = keepAll ? [] : record.checkpoints.filter((n) => n !== name);
      record.checkpoints = keepAll ? [...record.checkpoints.filter((n) => n !== name), name] : [name];
      for (const n of old) await rm(join(dir, n), { force: true });
    });
    this.persist(run);
  }

  private writeModel(run: Run, name: string, weights: WeightsSnapshot, history: EpochReport[]): void {
    const { record } = run;
    if (!record.fittedScaling) return; // stopped before the data was loaded: no trained weights
    this.queueWrite(run, async () => {
      const dir = runFilesDir(this.dataDir, record.summary.id);
      await mkdir(dir, { recursive: true });
      await saveModelFile(join(dir, name), await this.modelFile(run, weights, history));
      record.latestModel = name;
    });
    this.persist(run);
  }

  /** A model file of these weights, with what the run knows about its data and training. */
  private async modelFile(run: Run, weights: WeightsSnapshot, history: EpochReport[]): Promise<ModelFile> {
    const { summary, fittedScaling, sizes } = run.record;
    if (!fittedScaling || !sizes) throw new LabError('no-weights', `Run "${summary.name}" has not loaded its data yet.`);
    const net = new Network(summary.spec);
    const empty = new Float32Array(0);
    net.setParameters([empty, ...weights.w], [empty, ...weights.b]);
    const info = this.datasets.isBuiltIn(summary.datasetId) ? await this.builtInIdentity(summary.datasetId, sizes) : await this.datasets.identity(summary.datasetId, sizes);
    return buildModelFile(net, {
      scaling: fittedScaling,
      settings: summary.settings,
      dataset: info,
      history,
      appVersion: APP_VERSION,
      createdAt: this.now().toISOString(),
    });
  }

  /** How a model file names a built-in dataset: its source files, hashed (once per path). */
  private async builtInIdentity(datasetId: string, sizes: SplitSizes): Promise<ModelDatasetInfo> {
    const dataset = findDataset(datasetId);
    const files = await Promise.all(dataset.files().map(async (path) => ({ name: basename(path), sha256: await this.sha256(path) })));
    return {
      name: dataset.info.name,
      inputShape: [...dataset.info.inputShape],
      classes: [...dataset.info.classes],
      sizes: { ...sizes },
      files,
    };
  }

  private sha256(path: string): Promise<string> {
    let hash = this.hashes.get(path);
    if (!hash) {
      hash = sha256File(path);
      hash.catch(() => this.hashes.delete(path));
      this.hashes.set(path, hash);
    }
    return hash;
  }
}

/** A file name from a run name: letters, digits, '-', '_' and '.', at most 80 characters. */
function fileSafe(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '');
  return (safe || 'model').slice(0, 80);
}
