/**
 * A stand-in for a training worker that the test drives by hand: it posts what a real worker would
 * (ready, epochs, status, finished) when told to, writes the run's model files with the real
 * worker's Checkpointer (on the test's clock), and answers commands as the real session does
 * (pause and resume post the new status, a step is refused unless paused, stop saves the last
 * step's weights and exits). For tests of the service's bookkeeping that must not depend on how
 * fast the real engine trains.
 */
import { EventEmitter } from 'node:events';
import type { Worker } from 'node:worker_threads';
import type { NetworkSpec } from '@core/engine/spec';
import type { ScalingParams } from '@core/data/scaling';
import type { EpochReport } from '@core/engine/reports';
import type { WorkerFactory } from '@core/service/lab-service';
import type { TrainWorkerData, WeightsSnapshot, WorkerCommand, WorkerMessage } from '@core/service/worker/protocol';
import { Checkpointer } from '@core/service/worker/checkpointer';
import { checkpointPolicy } from '@core/service/runs/checkpoints';
import { describeSaveFailure } from '@core/service/worker/training-session';
import type { AtomicWriteFs } from '@core/files/atomic-write';
import type { DenseLayerSpec } from '../../../core/engine/spec';

export interface FakeOptions {
  /** The checkpoint clock (ms); default performance.now. */
  clock?: () => number;
  /** The file-system calls of the fake's writes (a full disk). */
  fs?: AtomicWriteFs;
}

/** Every weight and bias of `spec` set to `value`, so a saved file shows which epoch it came from. */
export function filledWeights(spec: NetworkSpec, value: number): WeightsSnapshot {
  const sizes = [spec.inputSize, ...spec.layers.map((l) => (l as DenseLayerSpec).units)];
  return {
    w: spec.layers.map((l, i) => new Float32Array((l as DenseLayerSpec).units * sizes[i]!).fill(value)),
    b: spec.layers.map((l) => new Float32Array((l as DenseLayerSpec).units).fill(value)),
  };
}

export function fakeReport(spec: NetworkSpec, epoch: number, testAccuracy: number, isBest: boolean): EpochReport {
  return {
    epoch,
    trainLoss: 1 / epoch,
    trainAccuracy: testAccuracy,
    testLoss: 1 / epoch,
    testAccuracy,
    samplesPerSecond: 100_000,
    seconds: 0.01,
    layers: spec.layers.map((_, i) => ({ layer: i + 1, gradientNorm: 1, weightNorm: 1, saturated: null, dead: null })),
    isBest,
  };
}

const FAKE_SCALING = { kind: 'min-max', per: 'global', min: [0], max: [255] } as const satisfies ScalingParams;

export class FakeWorker extends EventEmitter {
  readonly commands: WorkerCommand[] = [];
  private exited = false;
  private state: 'running' | 'paused' = 'running';
  /** How many times terminate() was called. */
  terminations = 0;
  /** Set to keep the thread alive after terminate() until releaseTermination(): to act while a worker is being ended. */
  holdTermination = false;
  private release: (() => void) | undefined;

  /** Every epoch reported so far (a resumed run's earlier ones first). */
  readonly history: EpochReport[];
  readonly checkpointer: Checkpointer | undefined;
  private described = false;
  private terminated = false;

  constructor(
    readonly data: TrainWorkerData,
    options: FakeOptions = {},
  ) {
    super();
    this.history = data.resume ? [...data.resume.history] : [];
    this.checkpointer =
      data.runDir === undefined
        ? undefined
        : new Checkpointer({
            dir: data.runDir,
            spec: data.spec,
            policy: data.checkpoints ?? checkpointPolicy(undefined, data.spec, data.settings.epochs),
            settings: () => data.settings,
            scaling: FAKE_SCALING,
            history: this.history,
            ...(data.startedFrom ? { startedFrom: data.startedFrom } : {}),
            ...(data.checkpointIntervalMs !== undefined ? { intervalMs: data.checkpointIntervalMs } : {}),
            ...(options.clock ? { now: options.clock } : {}),
            ...(options.fs ? { fs: options.fs } : {}),
            onSaved: (files) => this.post({ type: 'saved', files }),
            onFailure: (problem) => this.post({ type: 'status', status: 'paused', message: describeSaveFailure(problem) }),
          });
  }

  /** An epoch ended with these weights: its report goes to main, its weights to the checkpointer. */
  epoch(report: EpochReport, weights: WeightsSnapshot): void {
    this.history.push(report);
    this.post({ type: 'epochs', reports: [report] });
    this.checkpointer?.offer(report, weights);
  }

  /** The initial weights, as the real worker offers them before its first batch (written as epoch 0 by a run that keeps every epoch or every n). */
  initial(weights: WeightsSnapshot): void {
    this.checkpointer?.offerInitial(weights);
  }

  /** Writes the held epochs now and resolves once they are on disk (as the real session does when it pauses or ends). */
  async saves(): Promise<void> {
    await this.checkpointer?.flush();
  }

  /** Resolves once the writes under way are done, without writing what the rate limit holds (time passing in a real run). */
  async written(): Promise<void> {
    await this.checkpointer?.idle();
  }

  /** As the real session ends a run by its stopping rule: the held epochs saved first, then `finished`, then the exit. */
  async finish(reason: string): Promise<void> {
    await this.saves();
    this.post({ type: 'finished', reason });
    this.exit(0);
  }

  /** As the NaN guard pauses: the status (with its reason), then the held epochs saved. */
  async pauseItself(message?: string): Promise<void> {
    this.state = 'paused';
    this.post(message === undefined ? { type: 'status', status: 'paused' } : { type: 'status', status: 'paused', message });
    await this.saves();
  }

  /** As the worker's parentPort.postMessage: the service receives it synchronously. */
  post(message: WorkerMessage): void {
    this.emit('message', message);
  }

  ready(): void {
    this.post({
      type: 'ready',
      scaling: FAKE_SCALING,
      sizes: { train: 2000, test: 500 },
      batchesPerEpoch: 1,
      backend: 'js',
      threads: 1,
    } as WorkerMessage);
  }

  /** The weights the fake holds now (what a stop or a snapshot sends back). */
  weights: WeightsSnapshot | undefined;

  postMessage(command: WorkerCommand): void {
    // The dataset's description main sends every worker once it is ready is not one of the commands tests check.
    if (this.terminated) return; // a thread ended hears nothing
    if (command.type !== 'dataset-info') this.commands.push(command);
    const weights = this.weights ?? filledWeights(this.data.spec, 0);
    const { seq } = command;
    switch (command.type) {
      case 'stop':
        void (async () => {
          await this.checkpointer?.flush();
          const problem = await this.checkpointer?.writeLastStep(weights);
          this.post(problem ? { type: 'stopped', saveError: problem } : { type: 'stopped' });
          this.post({ type: 'ack', seq });
          this.exit(0);
        })();
        return;
      case 'dataset-info':
        this.described = true;
        this.checkpointer?.setDatasetInfo(command.info);
        return this.post({ type: 'ack', seq });
      case 'snapshot':
        return this.post({ type: 'ack', seq, weights });
      case 'pause':
      case 'resume': {
        const next = command.type === 'pause' ? 'paused' : 'running';
        const was = this.state;
        if (was !== next) this.post({ type: 'status', status: (this.state = next) });
        if (next === 'paused' && was !== 'paused') return void this.saves().then(() => this.post({ type: 'ack', seq }));
        return this.post({ type: 'ack', seq });
      }
      case 'step':
        return this.post(this.state === 'paused' ? { type: 'ack', seq } : { type: 'ack', seq, error: 'only a paused run can be stepped' });
      default:
        return this.post({ type: 'ack', seq });
    }
  }

  exit(code: number): void {
    if (this.exited) return;
    this.exited = true;
    setImmediate(() => this.emit('exit', code));
  }

  async terminate(): Promise<number> {
    this.terminations++;
    this.terminated = true;
    // A real thread's writes end with it; the fake's finish first (those waiting for the dataset's description never start).
    if (this.described) await this.written();
    if (this.holdTermination) await new Promise<void>((resolve) => (this.release = resolve));
    this.exit(1);
    return 1;
  }

  releaseTermination(): void {
    this.release?.();
  }
}

/** A factory of fake workers, and the workers it made by run id. */
export function fakeWorkers(options: FakeOptions = {}): { factory: WorkerFactory; workers: Map<string, FakeWorker> } {
  const workers = new Map<string, FakeWorker>();
  return {
    workers,
    factory: (data) => {
      const worker = new FakeWorker(data, options);
      workers.set(data.runId, worker);
      return worker as unknown as Worker;
    },
  };
}
