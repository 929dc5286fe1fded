/**
 * Data-parallel training of one run over threads. Each batch is cut into shards that depend only
 * on its size (never on the thread count); every thread — the coordinator included — computes the
 * gradients of its shards into shared buffers, then the coordinator sums them in shard order
 * straight into its Trainer's gradients and applies the optimiser step once. So 1, 2 or N threads
 * give bit-identical weights for the same seed. One barrier per batch.
 *
 * With the wasm kernels the whole run lives in ONE shared WebAssembly.Memory (see memory.ts) that
 * every thread instantiates the kernels over: weights, shards' gradients and the batch are read
 * by the kernels where they are, with no copies. With the js kernels it is a SharedArrayBuffer.
 *
 * Convolution, pooling, dropout and batchnorm layers shard like dense ones (shard-worker.ts says
 * how dropout's masks and batchnorm's statistics are taken per shard).
 *
 * The coordinator blocks in Atomics.wait while the workers finish, so step() stays synchronous:
 * use it from Node's main thread or a worker, not from a browser's main thread.
 */
import { inputRowReader, type InputRowReader } from '../../data/rows';
import { SpecError } from '../errors';
import type { Gradients, Network } from '../network';
import type { TrainSettings } from '../spec';
import type { BatchReport, EpochReport } from '../reports';
import { Trainer, type TrainData, type TrainerOptions } from '../trainer';
import { createWasmKernels, type WasmKernels } from '../wasm/kernels-wasm';
import { wasmApi } from '../wasm/wasm-api';
import { Command, layoutSizesOf, readError, sharedLayout, type SharedLayout, shardCount, Slot } from './layout';
import { layerScratchPerRow, planMemory, SCRATCH_SHARE } from './memory';
import { DEFAULT_MIN_SHARD_ROWS, DEFAULT_SHARDS } from './policy';
import type { ParallelWorker, ParallelWorkerData, ParallelWorkerFactory } from './protocol';
import { sumShards } from './reduce';
import { ShardWorker } from './shard-worker';
import { waitWhileEquals } from './sync';

export interface ParallelOptions extends Omit<TrainerOptions, 'gradients'> {
  /** Threads in all, the coordinator's included (so N − 1 worker threads are started). */
  workers: number;
  /** Starts a worker thread; needed when workers > 1. */
  factory?: ParallelWorkerFactory;
  /**
   * Most shards a batch is cut into (default 4) and fewest rows per shard (default 16): a batch of
   * 10 makes 1 shard, of 32 makes 2, of 64+ makes 4. Part of the result, unlike `workers`. Few, big
   * shards because each shard streams every weight matrix once more: on 2 cores 8 shards of a
   * batch of 256 trained slower than 4, and 4 slower than 2 (policy.ts).
   */
  shards?: number;
  minShardRows?: number;
  /** Polls of the control block before a waiting thread sleeps (default 20,000: a few µs–tens of µs). */
  spin?: number;
  /** How long the coordinator waits for a silent worker before it gives up (default 120 s). */
  silenceMs?: number;
}

/** A worker failed, or could not start. */
export class ParallelError extends Error {
  override name = 'ParallelError';
}

export class ParallelTrainer {
  readonly trainer: Trainer;
  /** Threads in all (coordinator included). */
  readonly workers: number;
  private readonly layout: SharedLayout;
  private readonly maxShards: number;
  private readonly minShardRows: number;
  private readonly spin: number;
  private readonly silenceMs: number;
  private readonly own: ShardWorker;
  private readonly wasm?: WasmKernels;
  private readonly workerData: Omit<ParallelWorkerData, 'index' | 'wasm'> & {
    wasm?: Omit<NonNullable<ParallelWorkerData['wasm']>, 'region'>;
  };
  private readonly regions: { start: number; end: number }[] = [];
  private threads: ParallelWorker[] = [];
  private exits: Promise<unknown>[] = [];
  private quitSent = false;
  private readInput?: InputRowReader;
  /** The network has dropout: each batch draws a seed for its shards' masks from the run's Rng. */
  private readonly dropout: boolean;

  private constructor(
    readonly net: Network,
    readonly data: TrainData,
    readonly settings: TrainSettings,
    options: ParallelOptions,
  ) {
    if (net.precision !== 'float32') throw new SpecError('Parallel training shares float32 weights; this network is float64.', 'precision');
    if (!Number.isInteger(options.workers) || options.workers < 1)
      throw new SpecError(`workers must be a whole number ≥ 1, got ${options.workers}.`, 'workers');
    this.workers = options.workers;
    this.maxShards = options.shards ?? DEFAULT_SHARDS;
    this.minShardRows = options.minShardRows ?? DEFAULT_MIN_SHARD_ROWS;
    this.spin = options.spin ?? 20_000;
    this.silenceMs = options.silenceMs ?? 120_000;
    const sizes = layoutSizesOf(net, Math.min(settings.batchSize, data.train.count), this.maxShards);
    const source = net.kernels as Partial<WasmKernels>;
    if (net.kernels.name === 'wasm' && source.module) {
      // One memory for the whole run; the coordinator's kernels take region 0, each worker its own.
      const plan = planMemory(sizes, this.workers, this.minShardRows, layerScratchPerRow(net.spec));
      const memory = new (wasmApi()!.Memory)({ initial: plan.pages, maximum: plan.pages, shared: true });
      const buffer = memory.buffer as unknown as SharedArrayBuffer;
      this.layout = sharedLayout(sizes, buffer, plan.layoutAt);
      this.regions = plan.regions;
      this.wasm = createWasmKernels(source.module, { memory, region: plan.regions[0]!, scratchShare: SCRATCH_SHARE, fma: source.fma });
      this.workerData = {
        ...this.common(sizes, buffer, plan.layoutAt),
        wasm: { module: source.module, memory, scratchShare: SCRATCH_SHARE },
      };
      // The Trainer's gradients, undo copy and optimiser state are then allocated in this memory too
      // (and its layers' buffers: they reach the kernels through the network).
      net.kernels = this.wasm;
    } else {
      this.layout = sharedLayout(sizes);
      this.workerData = this.common(sizes, this.layout.buffer, 0);
    }
    // The network's weights move into shared memory (values kept); the caller's `net` stays the model.
    for (let l = 1; l <= net.L; l++) {
      this.layout.w[l]!.set(net.w[l]!);
      this.layout.b[l]!.set(net.b[l]!);
      net.w[l] = this.layout.w[l]!;
      net.b[l] = this.layout.b[l]!;
    }
    this.own = new ShardWorker(net.spec, net.kernels, this.layout, 0, this.workers, net);
    this.dropout = net.spec.layers.some((layer) => layer.kind === 'dropout');
    const { now } = options;
    this.trainer = new Trainer(net, data, settings, {
      ...(now ? { now } : {}),
      gradients: (indices, grads) => this.gradients(indices, grads),
    });
  }

  private common(
    layout: ParallelWorkerData['layout'],
    buffer: SharedArrayBuffer,
    layoutAt: number,
  ): Omit<ParallelWorkerData, 'index' | 'wasm'> {
    return {
      spec: this.net.spec,
      backend: this.net.kernels.name === 'wasm' ? 'wasm' : 'js',
      buffer,
      layout,
      layoutAt,
      threads: this.workers,
      spin: this.spin,
    };
  }

  /** Starts the N − 1 worker threads and resolves once every one is ready. */
  static async start(net: Network, data: TrainData, settings: TrainSettings, options: ParallelOptions): Promise<ParallelTrainer> {
    if (options.workers > 1 && !options.factory)
      throw new SpecError('Parallel training over several threads needs a worker factory.', 'workers');
    const pt = new ParallelTrainer(net, data, settings, options);
    if (options.factory) await pt.startWorkers(options.factory);
    return pt;
  }

  private async startWorkers(factory: ParallelWorkerFactory): Promise<void> {
    const ready: Promise<void>[] = [];
    for (let index = 1; index < this.workers; index++) {
      const { wasm, ...rest } = this.workerData;
      const worker = factory({ ...rest, index, ...(wasm ? { wasm: { ...wasm, region: this.regions[index]! } } : {}) });
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
  setLearningRate(eta: number): void {
    this.trainer.setLearningRate(eta);
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
    this.post(Command.Quit);
  }

  /** Stops the workers and resolves once all have exited (terminating any that do not leave within a second). */
  async close(): Promise<void> {
    this.quit();
    const all = Promise.all(this.exits);
    const timeout = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), 1000).unref());
    if ((await Promise.race([all, timeout])) === 'late') await Promise.all(this.threads.map((t) => t.terminate()));
    await all;
  }

  /** The Trainer's gradient hook: gather the batch, compute the shards (ours and the workers'), sum them in shard order. */
  private gradients(indices: Uint32Array, grads: Gradients): { cost: number; correct: number } {
    const { layout } = this;
    const { targets, labels, inputSize, outputSize } = this.data.train;
    const readInput = (this.readInput ??= inputRowReader(this.data.train));
    const rows = indices.length;
    for (let r = 0; r < rows; r++) {
      const s = indices[r]!;
      readInput(s, layout.x, r * inputSize);
      layout.y.set(targets.subarray(s * outputSize, (s + 1) * outputSize), r * outputSize);
      layout.labels[r] = labels ? labels[s]! : -1;
    }
    const shards = shardCount(rows, this.maxShards, this.minShardRows);
    layout.control[Slot.Rows] = rows;
    layout.control[Slot.Shards] = shards;
    // The Trainer handed the network the run's seeded Rng: one draw a batch, whatever the thread count.
    if (this.dropout) layout.control[Slot.Seed] = this.net.rng.nextUint32() | 0;
    // One shard (small batches) is the coordinator's alone: the workers sleep on.
    const share = shards > 1 && this.threads.length > 0;
    if (share) this.post(Command.Compute);
    let ownError: unknown;
    try {
      this.own.computeShards();
    } catch (error) {
      ownError = error;
    }
    if (share) this.awaitWorkers();
    if (ownError !== undefined) throw ownError;
    sumShards(grads, layout.shardGrads, shards, this.wasm);
    let cost = 0;
    let correct = 0;
    for (let s = 0; s < shards; s++) {
      cost += layout.shardCost[s]!;
      correct += layout.shardCorrect[s]!;
    }
    return { cost, correct };
  }

  /** Posts a command to every worker (the control block's generation moves on). */
  private post(command: Command): void {
    if (this.threads.length === 0) return;
    const control = this.layout.control;
    Atomics.store(control, Slot.Done, 0);
    Atomics.store(control, Slot.Command, command);
    Atomics.add(control, Slot.Generation, 1);
    Atomics.notify(control, Slot.Generation);
  }

  /** Blocks until every worker has done the current command; throws what one reported. */
  private awaitWorkers(): void {
    const control = this.layout.control;
    const workers = this.threads.length;
    for (;;) {
      const done = Atomics.load(control, Slot.Done);
      if (done >= workers) break;
      // The event loop is blocked here, so a worker that dies cannot tell us: give up after a long silence.
      if (!waitWhileEquals(control, Slot.Done, done, this.spin, this.silenceMs)) {
        this.quit();
        throw new ParallelError(`Parallel training failed: a worker did not answer for ${this.silenceMs / 1000} s (it may have crashed).`);
      }
    }
    if (Atomics.load(control, Slot.Failed)) {
      this.quit();
      throw new ParallelError(`Parallel training failed: ${readError(this.layout)}`);
    }
  }
}
