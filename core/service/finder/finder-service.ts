/**
 * Learning-rate finders started from the window: each runs the range test (core/engine/lr-finder.ts)
 * in its own worker thread, on a fresh network made from the design's seed (or the weights of the model
 * file the design starts from, with its scaling), so no run, checkpoint or file is touched. The window names each finder (like an import) to follow its progress events and
 * to cancel it; a cancelled finder answers `cancelled`, not an error.
 */
import type { Worker } from 'node:worker_threads';
import type { FinderReply, FindLearningRateRequest, FinderIdRequest, LabEvent } from '../../lab/contract';
import type { DatasetService } from '../datasets/dataset-service';
import { LabError } from '../errors';
import type { StartPoint } from '../models/start-models';
import type { WorkerFactory, WorkerSettings } from '../runs/run-worker';
import type { TrainWorkerData } from '../worker/protocol';
import { finderMessageSchema, type FinderMessage } from './finder-protocol';

export interface LrFindersOptions {
  workerFactory: WorkerFactory;
  worker: WorkerSettings;
  datasets: Pick<DatasetService, 'isBuiltIn' | 'root'>;
  emit(event: LabEvent): void;
}

interface Finder {
  worker: Worker;
  cancelled: boolean;
}

export class LrFinders {
  private readonly finders = new Map<string, Finder>();

  constructor(private readonly options: LrFindersOptions) {}

  /**
   * Runs the range test for a design already checked against its dataset (`from`: the model file it
   * starts from, its weights and scaling, as a run from it would); resolves with the result, or `cancelled`.
   */
  find(request: FindLearningRateRequest, from?: StartPoint): Promise<FinderReply> {
    const { finderId } = request;
    if (this.finders.has(finderId)) throw new LabError('bad-state', `A learning-rate finder "${finderId}" is already running.`);
    const worker = this.options.workerFactory(this.workerData(request, from));
    const finder: Finder = { worker, cancelled: false };
    this.finders.set(finderId, finder);
    return new Promise<FinderReply>((resolve, reject) => {
      let settled = false;
      let error: string | undefined;
      const settle = (outcome: () => void): void => {
        if (settled) return;
        settled = true;
        outcome();
      };
      worker.on('message', (raw: unknown) => {
        if (finder.cancelled) return;
        const parsed = finderMessageSchema.safeParse(raw);
        if (!parsed.success) {
          settle(() => reject(new LabError('invalid', 'The learning-rate finder sent a message of the wrong shape.')));
          void worker.terminate();
          return;
        }
        const message = parsed.data as FinderMessage;
        if (message.type === 'finder-progress')
          this.options.emit({ type: 'finder-progress', finderId, fraction: message.done / message.total });
        else if (message.type === 'finder-result') settle(() => resolve({ status: 'found', finderId, result: message.result }));
        else settle(() => reject(new LabError('invalid', `The learning-rate finder could not run: ${message.message}`)));
      });
      worker.on('error', (err: Error) => (error ??= err.message));
      worker.once('exit', (code: number) => {
        if (this.finders.get(finderId) === finder) this.finders.delete(finderId);
        if (finder.cancelled) return settle(() => resolve({ status: 'cancelled', finderId }));
        const why = error ? `it crashed: ${error}` : `it exited with code ${code}`;
        settle(() => reject(new LabError('bad-state', `The learning-rate finder stopped before it had a result (${why}).`)));
      });
    });
  }

  /** Ends a finder; one that has already finished (or never was) is no error: the window may cancel as it ends. */
  async cancel({ finderId }: FinderIdRequest): Promise<void> {
    const finder = this.finders.get(finderId);
    if (!finder) return;
    finder.cancelled = true;
    await finder.worker.terminate();
  }

  /** Ends every finder (the lab is closing). */
  async closeAll(): Promise<void> {
    await Promise.all([...this.finders.keys()].map((finderId) => this.cancel({ finderId })));
  }

  private workerData(request: FindLearningRateRequest, from: StartPoint | undefined): TrainWorkerData {
    const { worker: settings, datasets } = this.options;
    const data: TrainWorkerData = {
      runId: `finder-${request.finderId}`,
      spec: request.spec,
      settings: request.settings,
      datasetId: request.datasetId,
      scaling: request.scaling,
      validation: request.validation,
      finder: request.batches !== undefined ? { batches: request.batches } : {},
    };
    if (request.trainLimit !== undefined) data.trainLimit = request.trainLimit;
    if (from) data.resume = from.resume;
    if (from?.startedFrom.scaling) data.scalingParams = from.startedFrom.scaling;
    if (!datasets.isBuiltIn(request.datasetId)) data.libraryRoot = datasets.root;
    for (const key of ['progressIntervalMs', 'backend', 'wasmPath', 'mnistDir'] as const)
      if (settings[key] !== undefined) Object.assign(data, { [key]: settings[key] });
    return data;
  }
}
