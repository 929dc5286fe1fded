/**
 * A stand-in for a training worker that the test drives by hand: it posts what a real worker would
 * (ready, epochs with weights, status, finished) when told to, and answers commands as the real
 * session does (pause and resume post the new status, a step is refused unless paused, stop sends
 * the weights and exits). For tests of the service's bookkeeping that must not depend on how fast
 * the real engine trains.
 */
import { EventEmitter } from 'node:events';
import type { Worker } from 'node:worker_threads';
import type { NetworkSpec } from '@core/engine/spec';
import type { EpochReport } from '@core/engine/reports';
import type { WorkerFactory } from '@core/service/lab-service';
import type { TrainWorkerData, WeightsSnapshot, WorkerCommand, WorkerMessage } from '@core/service/worker/protocol';

/** Every weight and bias of `spec` set to `value`, so a saved file shows which epoch it came from. */
export function filledWeights(spec: NetworkSpec, value: number): WeightsSnapshot {
  const sizes = [spec.inputSize, ...spec.layers.map((l) => l.units)];
  return {
    w: spec.layers.map((l, i) => new Float32Array(l.units * sizes[i]!).fill(value)),
    b: spec.layers.map((l) => new Float32Array(l.units).fill(value)),
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

export class FakeWorker extends EventEmitter {
  readonly commands: WorkerCommand[] = [];
  private exited = false;
  private state: 'running' | 'paused' = 'running';
  /** How many times terminate() was called. */
  terminations = 0;
  /** Set to keep the thread alive after terminate() until releaseTermination(): to act while a worker is being ended. */
  holdTermination = false;
  private release: (() => void) | undefined;

  constructor(readonly data: TrainWorkerData) {
    super();
  }

  /** As the worker's parentPort.postMessage: the service receives it synchronously. */
  post(message: WorkerMessage): void {
    this.emit('message', message);
  }

  ready(): void {
    this.post({
      type: 'ready',
      scaling: { kind: 'min-max', per: 'global', min: [0], max: [255] },
      sizes: { train: 2000, test: 500 },
      batchesPerEpoch: 1,
      backend: 'js',
      threads: 1,
    } as WorkerMessage);
  }

  /** The weights the fake holds now (what a stop or a snapshot sends back). */
  weights: WeightsSnapshot | undefined;

  postMessage(command: WorkerCommand): void {
    this.commands.push(command);
    const weights = this.weights ?? filledWeights(this.data.spec, 0);
    const { seq } = command;
    switch (command.type) {
      case 'stop':
        this.post({ type: 'stopped', weights });
        this.post({ type: 'ack', seq });
        return this.exit(0);
      case 'snapshot':
        return this.post({ type: 'ack', seq, weights });
      case 'pause':
      case 'resume': {
        const next = command.type === 'pause' ? 'paused' : 'running';
        if (this.state !== next) this.post({ type: 'status', status: (this.state = next) });
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
    if (this.holdTermination) await new Promise<void>((resolve) => (this.release = resolve));
    this.exit(1);
    return 1;
  }

  releaseTermination(): void {
    this.release?.();
  }
}

/** A factory of fake workers, and the workers it made by run id. */
export function fakeWorkers(): { factory: WorkerFactory; workers: Map<string, FakeWorker> } {
  const workers = new Map<string, FakeWorker>();
  return {
    workers,
    factory: (data) => {
      const worker = new FakeWorker(data);
      workers.set(data.runId, worker);
      return worker as unknown as Worker;
    },
  };
}
