/**
 * A stand-in for a training worker that the test drives by hand: it posts what a real worker would
 * (ready, epochs with weights, status, finished) when told to, and answers stop and snapshot. For
 * tests of the service's bookkeeping that must not depend on how fast the real engine trains.
 */
import { EventEmitter } from 'node:events';
import type { Worker } from 'node:worker_threads';
import type { NetworkSpec } from '@core/engine/spec';
import type { EpochReport } from '@core/engine/trainer';
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
    if (command.type === 'stop') {
      this.post({ type: 'stopped', weights });
      this.post({ type: 'ack', seq: command.seq });
      this.exit(0);
    } else if (command.type === 'snapshot') this.post({ type: 'ack', seq: command.seq, weights });
    else this.post({ type: 'ack', seq: command.seq });
  }

  exit(code: number): void {
    if (this.exited) return;
    this.exited = true;
    setImmediate(() => this.emit('exit', code));
  }

  async terminate(): Promise<number> {
    this.exit(1);
    return 1;
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
