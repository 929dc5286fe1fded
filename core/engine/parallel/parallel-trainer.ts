/**
 * Data-parallel training of one run over worker threads. The network's weights move into a
 * SharedArrayBuffer that every worker's Network views; each batch is cut into shards that depend
 * only on its size (never on the worker count), the workers compute the shards' gradients into
 * shared buffers, then sum them in shard order, and the coordinator's Trainer applies the
 * optimiser step once. So 1, 2 or N workers give bit-identical weights for the same seed.
 *
 * The coordinator blocks in Atomics.wait while the workers run, so step() stays synchronous:
 * use it from Node's main thread or a worker, not from a browser's main thread.
 */
import { SpecError } from '../errors';
import type { Gradients, Network } from '../network';
import type { TrainSettings } from '../spec';
import { type BatchReport, type EpochReport, Trainer, type TrainData, type TrainerOptions } from '../trainer';
import { Command, readError, sharedLayout, type SharedLayout, shardCount, Slot } from './layout';
import type { ParallelWorker, ParallelWorkerFactory } from './protocol';

export interface ParallelOptions extends Omit<TrainerOptions, 'gradients'> {
  workers: number;
  factory: ParallelWorkerFactory;
  /** Most shards a batch is cut into (default 8); part of the result, unlike `workers`. */
  shards?: number;
  /** Fewest rows per shard (default 4): a batch of 10 makes 2 shards, of 64 makes 8. */
  minShardRows?: number;
}

/** A worker failed, or could not start. */
export class ParallelError extends Error {
  override name = 'ParallelError';
}

/** How long the coordinator waits for the workers to finish one command before it gives up. */
const WORKER_SILENCE_MS = 120_000;

export class ParallelTrainer {
  readonly trainer: Trainer;
  readonly workers: number;
  private readonly layout: SharedLayout;
  private readonly maxShards: number;
  private readonly minShardRows: number;
  private threads: ParallelWorker[] = [];
  private exits: Promise<unknown>[] = [];
  private quitSent = false;

  private constructor(
    readonly net: Network,
    readonly data: TrainData,
    readonly settings: TrainSettings,
    options: ParallelOptions,
  ) {
    if (net.precision !== 'float32') throw new SpecError('Parallel training shares float32 weights; this network is float64.', 'precision');
    if (!Number.isInteger(options.workers) || options.workers < 1) throw new SpecError(`workers must be a whole number ≥ 1, got ${options.workers}.`, 'workers');
    this.workers = options.workers;
    this.maxShards = options.shards ?? 8;
    this.minShardRows = options.minShardRows ?? 4;
    const maxRows = Math.min(settings.batchSize, data.train.count);
    this.layout = sharedLayout({ sizes: net.sizes, maxRows, shards: this.maxShards });
    // The network's weights move into shared memory (values kept); the caller's `net` stays the model.
    for (let l = 1; l <= net.L; l++) {
      this.layout.w[l]!.set(net.w[l]!);
      this.layout.b[l]!.set(net.b[l]!);
      net.w[l] = this.layout.w[l]!;
      net.b[l] = this.layout.b[l]!;
    }
    const { now } = options;
    this.trainer = new Trainer(net, data, settings, { ...(now ? { now } : {}), gradients: (indices, grads) => this.gradients(indices, grads) });
  }

  /** Starts the workers and resolves once every one is ready. */
  static async start(net: Network, data: TrainData, settings: TrainSettings, options: ParallelOptions): Promise<ParallelTrainer> {
    const pt = new ParallelTrainer(net, data, settings, options);
    await pt.startWorkers(options.factory);
    return pt;
  }

  private async startWorkers(factory: ParallelWorkerFactory): Promise<void> {
    const backend = this.net.kernels.name === 'wasm' ? 'wasm' : 'js';
    const ready: Promise<void>[] = [];
    for (let index = 0; index < this.workers; index++) {
      const worker = factory({
        spec: this.net.spec,
        backend,
        buffer: this.layout.buffer,
        layout: { sizes: this.net.sizes, maxRows: this.layout.labels.length, shards: this.maxShards },
        index,
        workers: this.workers,
      });
      this.threads.push(worker);
      this.exits.push(new Promise((resolve) => worker.once('exit', resolve)));
      ready.push(
        new Promise((resolve, reject) => {
          const onMessage = (message: unknown): void => {
            if ((message as { type?: string } | null)?.type !== 'ready') return;
            worker.off('message', onMessage);
            resolve();
          };
          worker.on('message', onMessage);
          worker.once('error', (error) => reject(new ParallelError(`A training worker failed to start: ${error.message}`)));
          worker.once('exit', (code) => reject(new ParallelError(`A training worker exited (code ${code}) before it was ready.`)));
        }),
      );
    }
    try {
      await Promise.all(ready);
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  get epoch(): number {
    return this.trainer.epoch;
  }
  get batchesPerEpoch(): number {
    return this.trainer.batchesPerEpoch;
  }
  get history(): EpochReport[] {
    return this.trainer.history;
  }
  get finished(): boolean {
    return this.trainer.finished;
  }
  get learningRate(): number {
    return this.trainer.learningRate;
  }
  set learningRate(eta: number) {
    this.trainer.learningRate = eta;
  }

  step(): BatchReport {
    if (this.quitSent) throw new ParallelError('This parallel trainer is closed.');
    return this.trainer.step();
  }

  endEpoch(): EpochReport {
    return this.trainer.endEpoch();
  }

  /** Trains until a stopping rule fires (as Trainer.run), then lets the workers go. */
  run(callbacks: { onBatch?(r: BatchReport): void; onEpoch?(r: EpochReport): void } = {}): EpochReport[] {
    try {
      return this.trainer.run(callbacks);
    } finally {
      this.quit();
    }
  }

  /** Tells the workers to stop (they leave their loop and exit); synchronous. */
  quit(): void {
    if (this.quitSent) return;
    this.quitSent = true;
    this.command(Command.Quit, false);
  }

  /** Stops the workers and resolves once all have exited (terminating any that do not leave within a second). */
  async close(): Promise<void> {
    this.quit();
    const all = Promise.all(this.exits);
    const timeout = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), 1000).unref());
    if ((await Promise.race([all, timeout])) === 'late') await Promise.all(this.threads.map((t) => t.terminate()));
    await all;
  }

  /** The Trainer's gradient hook: gather the batch, compute its shards, sum them in shard order. */
  private gradients(indices: Uint32Array, grads: Gradients): { cost: number; correct: number } {
    const { layout } = this;
    const { inputs, targets, labels, inputSize, outputSize } = this.data.train;
    const rows = indices.length;
    for (let r = 0; r < rows; r++) {
      const s = indices[r]!;
      layout.x.set(inputs.subarray(s * inputSize, (s + 1) * inputSize), r * inputSize);
      layout.y.set(targets.subarray(s * outputSize, (s + 1) * outputSize), r * outputSize);
      layout.labels[r] = labels ? labels[s]! : -1;
    }
    const shards = shardCount(rows, this.maxShards, this.minShardRows);
    layout.control[Slot.Rows] = rows;
    layout.control[Slot.Shards] = shards;
    this.command(Command.Compute, true);
    this.command(Command.Reduce, true);
    for (let l = 1; l <= this.net.L; l++) {
      grads.nablaW[l]!.set(layout.sum.nablaW[l]!);
      grads.nablaB[l]!.set(layout.sum.nablaB[l]!);
    }
    let cost = 0;
    let correct = 0;
    for (let s = 0; s < shards; s++) {
      cost += layout.shardCost[s]!;
      correct += layout.shardCorrect[s]!;
    }
    return { cost, correct };
  }

  /** Posts a command to every worker and (when `wait`) blocks until all have done it. */
  private command(command: Command, wait: boolean): void {
    const control = this.layout.control;
    Atomics.store(control, Slot.Done, 0);
    Atomics.store(control, Slot.Command, command);
    Atomics.add(control, Slot.Generation, 1);
    Atomics.notify(control, Slot.Generation);
    if (!wait) return;
    for (;;) {
      const done = Atomics.load(control, Slot.Done);
      if (done >= this.workers) break;
      // The event loop is blocked here, so a worker that dies cannot tell us: give up after a long silence.
      if (Atomics.wait(control, Slot.Done, done, WORKER_SILENCE_MS) === 'timed-out' && Atomics.load(control, Slot.Done) === done) {
        this.quit();
        throw new ParallelError(`Parallel training failed: a worker did not answer for ${WORKER_SILENCE_MS / 1000} s (it may have crashed).`);
      }
    }
    if (Atomics.load(control, Slot.Failed)) {
      this.quit();
      throw new ParallelError(`Parallel training failed: ${readError(this.layout)}`);
    }
  }
}
