/**
 * The training runs: a queue, one worker thread per running run, the run records and their files.
 * At most `maxConcurrent` runs train at once (a paused run keeps its slot: its worker holds the data
 * and the weights); the rest wait in the queue. Runs are remembered in `dataDir/runs/` (run-files.ts
 * writes them, run-store.ts reads them back at startup).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { BackendName } from '../../engine/wasm/select';
import type { LabEvent, RollbackPoints, RunEvent, RunStatus, RunSummary, StartRunRequest } from '../../lab/contract';
import type { ModelFile } from '../../model/format';
import { loadModelFile } from '../../model/model-files';
import { checkpointEpoch, LAST_STEP_MODEL, runFilesDir, runRecordPath, runsDir } from './checkpoints';
import type { DatasetService } from '../datasets/dataset-service';
import { LabError } from '../errors';
import { fileProblem } from '../file-problem';
import type { RunModelFiles } from '../models/model-inspector';
import { ENDED, newRun, type Ack, type Run } from './run';
import { RunFiles } from './run-files';
import { readRunRecords, RUN_FORMAT, RUN_VERSION, type RunRecord } from './run-store';
import { threadsAtLaunch } from './threads';
import { canResume, epochsDone, interruptedNotice } from './resume';
import { rollbackEpochs, suggestEpoch } from './rollback';
import { initialWeightNorms, loadRollbackWeights, rollbackCut } from './rollback-files';
import { snapshotWeights, type TrainWorkerData, type WeightsSnapshot, type WorkerCommand, type WorkerMessage } from '../worker/protocol';

export type WorkerFactory = (workerData: TrainWorkerData) => Worker;

/** What every worker is started with besides the run (see TrainWorkerData). */
export interface WorkerSettings {
  progressIntervalMs?: number;
  sliceMs?: number;
  backend?: BackendName;
  wasmPath?: string;
  parallelEntry?: string;
}

export interface RunManagerOptions {
  dataDir: string;
  workerFactory: WorkerFactory;
  maxConcurrent: number;
  /** Cores of the machine, for resolving a run's 'auto' threads. */
  cores: number;
  now(): Date;
  /** Milliseconds, for the checkpoint rate limit. */
  clock(): number;
  checkpointIntervalMs: number;
  emit(event: LabEvent): void;
  datasets: DatasetService;
  sha256(path: string): Promise<string>;
  worker: WorkerSettings;
  /** How long shutDown() lets a worker stop cleanly before terminating it. */
  stopTimeoutMs: number;
}

type CommandBody = WorkerCommand extends infer C ? (C extends WorkerCommand ? Omit<C, 'seq'> : never) : never;

export class RunManager {
  private readonly runs = new Map<string, Run>();
  private readonly queue: Run[] = [];
  private readonly files: RunFiles;
  private closing = false;
  /** Run files that could not be read back by load(), one line each. */
  problems: string[] = [];

  constructor(private readonly options: RunManagerOptions) {
    this.files = new RunFiles(options);
  }

  // ── startup and shutdown ──────────────────────────────────────────────────────────────────

  /**
   * Reads the run records of the data folder. A run that was alive when the lab closed (or crashed)
   * comes back paused, to be resumed from its newest saved weights (resume.ts); one that had saved
   * none comes back stopped.
   */
  async load(): Promise<void> {
    const { dataDir } = this.options;
    const read = async () => {
      await mkdir(runsDir(dataDir), { recursive: true });
      return readRunRecords(dataDir);
    };
    // Every verb waits for this: say what is wrong with the folder rather than a bare errno.
    const { records, problems } = await read().catch((err: unknown) => {
      throw new LabError('invalid', `The lab cannot use its runs folder ${runsDir(dataDir)}: ${fileProblem(err)}.`, { cause: err });
    });
    this.problems = problems;
    for (const record of records) {
      const run = this.add(record);
      const { summary } = record;
      // A clean close stopped it and said so in `interrupted`; after a crash its status still says what it was doing.
      const wasAlive = ENDED.has(summary.status)
        ? record.interrupted
        : summary.status === 'queued'
          ? undefined
          : { status: summary.status as 'running' | 'paused', ...(summary.message ? { message: summary.message } : {}) };
      if (!wasAlive && ENDED.has(summary.status)) continue;
      if (wasAlive && canResume(record)) {
        record.interrupted = wasAlive;
        // After a crash the record may hold epochs past its last checkpoint: resuming trains them again.
        const done = epochsDone(record);
        summary.history = summary.history.slice(0, done);
        record.checkpoints = record.checkpoints.filter((name) => (checkpointEpoch(name) ?? 0) <= done);
        summary.status = 'paused';
        summary.message = interruptedNotice(record);
      } else {
        delete record.interrupted;
        summary.status = 'stopped';
        summary.message = 'The lab closed before this run finished its first epoch.';
      }
      this.files.persist(run);
    }
  }

  /** Stops every run (keeping its weights) and waits for the files to be written; nothing new starts from the call on. */
  async shutDown(loaded: Promise<void>): Promise<void> {
    this.closing = true;
    await loaded.catch(() => undefined);
    for (const run of this.queue.splice(0)) this.setStatus(run, 'stopped', 'The lab closed before this run started.');
    const live = [...this.runs.values()].filter((run) => run.worker);
    await Promise.all(
      live.map(async (run) => {
        const timeout = new Promise<'timeout'>((resolve) => setTimeout(resolve, this.options.stopTimeoutMs, 'timeout').unref());
        const stopped = this.command(run, { type: 'stop' }, false).catch(() => undefined);
        if ((await Promise.race([stopped, timeout])) === 'timeout') await run.worker?.terminate();
        await run.exited;
      }),
    );
    await Promise.all([...this.runs.values()].map((run) => run.writes));
  }

  /** Resolves once every file write asked for so far (run records, checkpoints) has finished. */
  async settled(): Promise<void> {
    let pending: Promise<void>[];
    do {
      pending = [...this.runs.values()].map((run) => run.writes);
      await Promise.all(pending);
    } while ([...this.runs.values()].some((run, i) => run.writes !== pending[i]));
  }

  // ── the runs ──────────────────────────────────────────────────────────────────────────────

  /** Queues a new run of a request already checked against its dataset. */
  start(request: StartRunRequest): RunSummary {
    const { spec, settings } = request;
    const id = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
    const sizes = [spec.inputSize, ...spec.layers.map((l) => l.units)].join('-');
    const record: RunRecord = {
      format: RUN_FORMAT,
      version: RUN_VERSION,
      summary: {
        id,
        name: request.name?.trim() || `${sizes} ${settings.optimizer} η=${settings.learningRate}`,
        createdAt: this.options.now().toISOString(),
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
    if (request.threads !== undefined) record.summary.threadsSetting = request.threads;
    const run = this.add(record);
    this.queue.push(run);
    this.setStatus(run, 'queued', undefined, this.queue.length);
    this.schedule();
    return this.summaryOf(run);
  }

  list(): RunSummary[] {
    return [...this.runs.values()].map((run) => this.summaryOf(run));
  }

  /** A run that has not ended and uses this dataset, if any. */
  activeOn(datasetId: string): RunSummary | undefined {
    const run = [...this.runs.values()].find((r) => r.record.summary.datasetId === datasetId && !ENDED.has(r.record.summary.status));
    return run && this.summaryOf(run);
  }

  summary(runId: string): RunSummary {
    return this.summaryOf(this.get(runId));
  }

  async pause(runId: string): Promise<void> {
    if (this.get(runId).record.summary.status === 'paused') return;
    await this.command(this.liveRun(runId, 'paused'), { type: 'pause' });
  }

  /** Resumes a paused run; one interrupted by the lab closing is queued for a new worker that starts from its saved weights. */
  async resume(runId: string): Promise<void> {
    const interrupted = this.get(runId);
    if (!interrupted.worker && interrupted.record.interrupted && interrupted.record.summary.status === 'paused')
      return this.restart(interrupted);
    const run = this.liveRun(runId, 'resumed');
    if (run.record.summary.status === 'running') return;
    await this.command(run, { type: 'resume' });
  }

  /** The saved epochs a paused run can go back to, and the healthy one the lab suggests (rollback.ts). */
  async rollbackPoints(runId: string): Promise<RollbackPoints> {
    const run = this.get(runId);
    await run.writes; // checkpoints queued when it paused count
    const { record } = run;
    const epochs = rollbackEpochs(record);
    const { epoch, reason } = suggestEpoch(record.summary.history, epochs, initialWeightNorms(record));
    return { runId, epochs, suggested: epoch, reason };
  }

  /**
   * Rolls a paused run back to a saved epoch and trains on from it at η = learningRate, in a new
   * worker (as a resume after a restart: the optimiser state and shuffle order start afresh). Every
   * check and the read of the weights come first, so a refused request changes nothing; then the
   * old worker ends, the history and files after the epoch go, and the record says what happened.
   */
  async resumeFromEpoch(runId: string, epoch: number, learningRate: number): Promise<void> {
    const run = this.get(runId);
    const { record } = run;
    const { summary } = record;
    const paused = () => summary.status === 'paused' && !run.rollingBack && !run.deleted;
    if (!paused())
      throw new LabError(
        'bad-state',
        `Run "${summary.name}" is ${summary.status}: only a paused run can go back to a saved epoch (pause it first).`,
      );
    const epochs = rollbackEpochs(record);
    if (!epochs.includes(epoch))
      throw new LabError(
        'invalid',
        `Run "${summary.name}" has no saved weights for epoch ${epoch}: it can go back to epoch ${epochs.join(', ')} (0 = its initial weights).`,
      );
    await this.options.datasets.info(summary.datasetId).catch((err: unknown) => {
      if (err instanceof LabError && err.code === 'not-found')
        throw new LabError(
          'not-found',
          `Run "${summary.name}" cannot train on: its dataset "${summary.datasetId}" is no longer in the library. Its saved weights are kept.`,
        );
      throw err;
    });
    await run.writes; // the checkpoint to read is on disk
    const weights = await loadRollbackWeights(this.options.dataDir, record, epoch);
    if (!paused())
      throw new LabError(
        'bad-state',
        `Run "${summary.name}" changed while its epoch ${epoch} was read (it is ${summary.status}); nothing was rolled back.`,
      );
    run.rollingBack = true;
    try {
      if (run.worker) {
        await run.worker.terminate();
        await run.exited;
      }
      await run.writes;
    } finally {
      run.rollingBack = false;
    }
    if (run.deleted) return;
    const fromEpoch = summary.history.length;
    const doomed = rollbackCut(record, epoch);
    summary.settings.learningRate = learningRate;
    (summary.rollbacks ??= []).push({ at: this.options.now().toISOString(), fromEpoch, toEpoch: epoch, learningRate });
    // A failed launch leaves it paused and resumable from the epoch it went back to (endLaunch).
    const notice = `Went back to epoch ${epoch} and trains on at η = ${learningRate}; epochs ${epoch + 1}–${fromEpoch} were discarded.`;
    delete record.interrupted;
    run.restarting = { status: 'paused', message: notice };
    run.resumeFrom = { weights, history: summary.history.slice() };
    run.unsaved = {};
    run.lastCheckpointAt = undefined;
    this.files.persist(run); // the record no longer names the files deleted next
    this.files.remove(run, doomed);
    this.queue.unshift(run); // it takes the slot its old worker freed
    this.setStatus(run, 'queued', notice, 1);
    this.schedule();
  }

  /** Exactly one mini-batch of a paused run; it stays paused. */
  async step(runId: string): Promise<void> {
    const { record } = this.get(runId);
    if (record.interrupted && record.summary.status === 'paused')
      throw new LabError(
        'bad-state',
        `Run "${record.summary.name}" has no training worker since the lab closed: resume it, then pause it to step.`,
      );
    const run = this.liveRun(runId, 'stepped');
    if (run.record.summary.status !== 'paused')
      throw new LabError('bad-state', `Run "${run.record.summary.name}" is running: pause it before stepping.`);
    await this.command(run, { type: 'step' });
  }

  /** Ends the run for good, keeping the weights of its last finished step. */
  async stop(runId: string): Promise<void> {
    const run = this.get(runId);
    const status = run.record.summary.status;
    if (ENDED.has(status)) return;
    if (status === 'queued') {
      this.queue.splice(this.queue.indexOf(run), 1);
      this.setStatus(run, 'stopped', 'Stopped before it started.');
      this.updateQueuePositions();
      return;
    }
    if (!run.worker) {
      // Interrupted by the lab closing: nothing to stop, its saved weights stay.
      delete run.record.interrupted;
      this.setStatus(run, 'stopped');
      return;
    }
    const ack = await this.command(run, { type: 'stop' }, false);
    if (ack.error && !ENDED.has(run.record.summary.status))
      throw new LabError('bad-state', `Run "${run.record.summary.name}" could not stop: ${ack.error}.`);
    await run.writes;
  }

  /** Changes η between two batches; the next progress events carry the new value. */
  async setLearningRate(runId: string, learningRate: number): Promise<void> {
    const run = this.get(runId);
    const { summary } = run.record;
    if (ENDED.has(summary.status))
      throw new LabError('bad-state', `Run "${summary.name}" has ${summary.status}; its learning rate can no longer change.`);
    if (run.worker) await this.command(run, { type: 'set-learning-rate', learningRate });
    summary.settings.learningRate = learningRate;
    this.files.persist(run);
  }

  async delete(runId: string): Promise<void> {
    const run = this.get(runId);
    run.deleted = true;
    this.runs.delete(runId);
    const queued = this.queue.indexOf(run);
    if (queued >= 0) this.queue.splice(queued, 1);
    if (run.worker) {
      await run.worker.terminate();
      await run.exited;
    }
    await run.writes;
    const { dataDir } = this.options;
    await rm(runFilesDir(dataDir, runId), { recursive: true, force: true });
    await unlink(runRecordPath(dataDir, runId)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
    this.schedule();
  }

  /** The run's current weights as a model file: from its worker while it trains, else its newest saved model. */
  async latestModelFile(runId: string): Promise<ModelFile> {
    const run = this.get(runId);
    const { summary } = run.record;
    if (run.worker && (summary.status === 'running' || summary.status === 'paused')) {
      if (!run.record.fittedScaling)
        throw new LabError('no-weights', `Run "${summary.name}" is still loading its data; save it once training has started.`);
      const ack = await this.command(run, { type: 'snapshot' });
      if (!ack.weights) throw new LabError('no-weights', `Run "${summary.name}" sent no weights.`);
      return this.files.modelFile(run, ack.weights, summary.history.slice());
    }
    await run.writes;
    const latest = run.record.latestModel;
    if (!latest)
      throw new LabError(
        'no-weights',
        `Run "${summary.name}" has no trained weights to save (it ${summary.status === 'queued' ? 'has not started' : 'ended before its first epoch'}).`,
      );
    return (await loadModelFile(join(runFilesDir(this.options.dataDir, runId), latest))).file;
  }

  /** Where a run's model files are, once its pending writes have landed. */
  async modelFiles(runId: string): Promise<RunModelFiles> {
    const run = this.get(runId);
    await run.writes;
    const { summary, latestModel, bestModel, checkpoints } = run.record;
    return { runName: summary.name, dir: runFilesDir(this.options.dataDir, runId), latestModel, bestModel, checkpoints: [...checkpoints] };
  }

  /** Queues an interrupted run for a new worker: its saved weights, the epochs they had done, and the settings as they are now (η included). */
  private async restart(run: Run): Promise<void> {
    const { record } = run;
    const { summary } = record;
    await this.options.datasets.info(summary.datasetId).catch((err: unknown) => {
      // Said here, before anything changes: the run stays paused and resumable once the dataset is back.
      if (err instanceof LabError && err.code === 'not-found')
        throw new LabError(
          'not-found',
          `Run "${summary.name}" cannot resume: its dataset "${summary.datasetId}" is no longer in the library. Its saved weights are kept.`,
        );
      throw err;
    });
    // Only a run sent back to epoch 0 whose new worker then failed has no saved weights: it can go back again.
    if (!record.latestModel)
      throw new LabError(
        'bad-state',
        `Run "${summary.name}" has no saved weights to resume from: go back to epoch 0 (its initial weights) again, or stop it.`,
      );
    const file = join(runFilesDir(this.options.dataDir, summary.id), record.latestModel);
    let weights: WeightsSnapshot;
    try {
      weights = snapshotWeights((await loadModelFile(file)).net);
    } catch (err) {
      throw new LabError(
        'bad-state',
        `Run "${summary.name}" cannot resume: its saved weights (${record.latestModel}) could not be read: ${(err as Error).message}`,
      );
    }
    if (run.worker || !record.interrupted) return; // resumed twice at once: the first one won
    run.resumeFrom = { weights, history: summary.history.slice() };
    run.restarting = record.interrupted;
    delete record.interrupted;
    run.lastCheckpointAt = undefined;
    this.queue.push(run);
    this.setStatus(run, 'queued', undefined, this.queue.length);
    this.schedule();
  }

  // ── internals ─────────────────────────────────────────────────────────────────────────────

  private add(record: RunRecord): Run {
    const run = newRun(record);
    this.runs.set(record.summary.id, run);
    return run;
  }

  private get(runId: string): Run {
    const run = this.runs.get(runId);
    if (!run) throw new LabError('not-found', `There is no run "${runId}".`);
    return run;
  }

  /** A run whose worker can take a command. */
  private liveRun(runId: string, verb: string): Run {
    const run = this.get(runId);
    const { status, name } = run.record.summary;
    if (status === 'queued') throw new LabError('bad-state', `Run "${name}" is still queued; it can be ${verb} once it has started.`);
    if (ENDED.has(status) || !run.worker) throw new LabError('bad-state', `Run "${name}" has ${status}; it can no longer be ${verb}.`);
    return run;
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
    this.options.emit(event);
    this.files.persist(run);
  }

  private schedule(): void {
    if (this.closing) return;
    let active = 0;
    for (const run of this.runs.values()) if (run.worker) active++;
    while (active < this.options.maxConcurrent && this.queue.length > 0) {
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
    const { datasets, worker: settings } = this.options;
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
    if (!datasets.isBuiltIn(summary.datasetId)) data.libraryRoot = datasets.root;
    if (settings.progressIntervalMs !== undefined) data.progressIntervalMs = settings.progressIntervalMs;
    if (settings.sliceMs !== undefined) data.sliceMs = settings.sliceMs;
    if (settings.backend !== undefined) data.backend = settings.backend;
    if (settings.wasmPath !== undefined) data.wasmPath = settings.wasmPath;
    if (settings.parallelEntry !== undefined) data.parallelEntry = settings.parallelEntry;
    // 'auto' is decided now, not when queued: it depends on what else trains at this moment.
    data.threads = threadsAtLaunch(summary.threadsSetting, [...this.runs.values()].filter((r) => r.worker).length);
    data.cores = this.options.cores;
    if (run.resumeFrom) data.resume = run.resumeFrom;
    delete run.resumeFrom;
    let worker: Worker;
    try {
      worker = this.options.workerFactory(data);
    } catch (err) {
      this.endLaunch(run, `The training worker could not start: ${(err as Error).message}`);
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
    if (!run.deleted) this.files.flushCheckpoints(run);
    const why = run.workerError ? `it crashed: ${run.workerError}` : `it exited with code ${code}`;
    for (const { reject } of run.pending.values())
      reject(new LabError('bad-state', `The training worker of run "${run.record.summary.name}" stopped before answering (${why}).`));
    run.pending.clear();
    // A run whose resume failed is already back to paused and resumable (endLaunch): nothing more to say.
    if (!run.deleted && !run.rollingBack && !ENDED.has(run.record.summary.status) && !run.record.interrupted) {
      if (this.closing) {
        this.noteInterrupted(run);
        this.setStatus(run, 'stopped', 'The lab closed while this run was training.');
      } else this.endLaunch(run, `The training worker stopped unexpectedly: ${why}.`);
    }
    this.schedule();
  }

  private onWorkerMessage(run: Run, message: WorkerMessage): void {
    if (run.deleted) return;
    const { record } = run;
    const runId = record.summary.id;
    const { emit } = this.options;
    switch (message.type) {
      case 'ready':
        delete run.restarting; // the resumed worker has its data and weights: from here it is an ordinary run
        record.fittedScaling = message.scaling;
        record.sizes = message.sizes;
        record.summary.backend = message.backend;
        record.summary.threads = message.threads;
        if (message.backendNote === undefined) delete record.summary.backendNote;
        else record.summary.backendNote = message.backendNote;
        this.files.persist(run);
        return;
      case 'progress':
        emit({ type: 'progress', runId, ...message.progress });
        return;
      case 'epoch':
        record.summary.history.push(message.report);
        emit({ type: 'epoch', runId, report: message.report });
        this.files.offerEpoch(run, message.report, message.weights);
        return;
      case 'non-finite':
        emit({ type: 'non-finite', runId, detail: message.detail });
        return;
      case 'status':
        if (message.status === 'paused') this.files.flushCheckpoints(run);
        this.setStatus(run, message.status, message.message);
        return;
      case 'ack': {
        const waiter = run.pending.get(message.seq);
        run.pending.delete(message.seq);
        waiter?.resolve(message);
        return;
      }
      case 'finished':
        this.files.flushCheckpoints(run);
        this.setStatus(run, 'finished', message.reason);
        return;
      case 'stopped':
        this.files.flushCheckpoints(run);
        this.files.writeModel(run, LAST_STEP_MODEL, message.weights, record.summary.history.slice());
        if (this.closing) this.noteInterrupted(run);
        this.setStatus(run, 'stopped', this.closing ? 'The lab closed while this run was training.' : undefined);
        return;
      case 'failed':
        this.files.flushCheckpoints(run);
        this.endLaunch(run, `Training failed: ${message.message}`);
        return;
    }
  }

  /**
   * A worker that could not train. A run resuming after a restart goes back to paused and resumable
   * (its files are untouched until the new worker is ready), so a passing problem loses nothing.
   */
  private endLaunch(run: Run, why: string): void {
    if (!run.restarting) return this.setStatus(run, 'failed', why);
    run.record.interrupted = run.restarting;
    delete run.restarting;
    this.setStatus(
      run,
      'paused',
      `Could not resume. ${why.replace(/\.?$/, '.')} Nothing was lost: the run is paused with its saved weights; resume it again, or stop it.`,
    );
  }

  /** Remembers, as the lab closes, what the run was doing (and why it had paused itself), so the next lab offers to resume it. */
  private noteInterrupted(run: Run): void {
    const { status, message } = run.record.summary;
    if (status !== 'running' && status !== 'paused') return;
    run.record.interrupted = { status, ...(message ? { message } : {}) };
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
}
