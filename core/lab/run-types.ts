/** The runs' side of window.lab: what the window is told about training runs, and their events (verbs.ts). */
import type { ScalingKind } from '../data/scaling';
import type { NetworkSpec, TrainSettings } from '../engine/spec';
import type { NonFinite, EpochReport } from '../engine/reports';
import type { RunSweepTag } from './recipe-types';
import type { StartedFrom } from './start-model-types';

export const RUN_STATUSES = ['queued', 'running', 'paused', 'finished', 'stopped', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** The kernels a run's maths runs on: plain TypeScript, or WebAssembly SIMD (used where the runtime supports it). */
export const KERNEL_BACKENDS = ['js', 'wasm'] as const;
export type KernelBackend = (typeof KERNEL_BACKENDS)[number];

/**
 * How many threads compute one run's gradients (data-parallel, core/engine/parallel): 'auto' lets
 * the service decide when the run starts. A compute setting like the kernels, not a hyperparameter:
 * any count ≥ 2 gives the same weights; 1 differs from them by float32 rounding.
 */
export const MAX_TRAIN_THREADS = 16;
export type TrainThreads = 'auto' | number;

/**
 * Which checkpoints a run keeps (run setting `checkpoints`). 'auto': every epoch when all of them fit
 * in a few MB, else best and last. 'every' and 'every-n' also keep epoch 0 (the initial weights);
 * every run keeps its last epoch (to resume from) and its best one.
 */
export const CHECKPOINT_KINDS = ['auto', 'every', 'every-n', 'best-and-last'] as const;
export type CheckpointKind = (typeof CHECKPOINT_KINDS)[number];
export type CheckpointSetting = { kind: 'auto' | 'every' | 'best-and-last' } | { kind: 'every-n'; n: number };
/** What a run keeps once 'auto' is decided (when it is queued). */
export type CheckpointPolicy = { kind: 'every' | 'best-and-last' } | { kind: 'every-n'; n: number };

export interface RunSummary {
  id: string;
  /** #1, #2…: given when the run is created (one more than the highest run kept), never changed; absent only in records read before numbers existed (run-store.ts gives them one). */
  number?: number;
  name: string;
  createdAt: string;
  /** When its first worker had loaded the data and began training (absent while queued). */
  startedAt?: string;
  spec: NetworkSpec;
  settings: TrainSettings;
  datasetId: string;
  /** The design's input scaling; a run from a model file may train with another (`startedFrom.scaling`). */
  scaling: ScalingKind;
  /** Set on a run started from a model file: which, and the scaling it trains with. */
  startedFrom?: StartedFrom;
  status: RunStatus;
  /** Position in the queue while queued (1 = next). */
  queuePosition?: number;
  /** Per-epoch metrics so far. */
  history: EpochReport[];
  /** Why it failed or paused itself. */
  message?: string;
  /** The kernels its worker trains with; set once the worker has started. */
  backend?: KernelBackend;
  /** Why the worker runs js although wasm was wanted. */
  backendNote?: string;
  /** The threads setting it was started with (absent: 'auto'). */
  threadsSetting?: TrainThreads;
  /** The threads that compute its gradients (1 = the run's own worker alone); set once the worker has started. */
  threads?: number;
  /** Every time the run was rolled back to a saved epoch (resumeFromEpoch), oldest first. */
  rollbacks?: Rollback[];
  /** Set on a run a sweep queued: the sweep, its varied settings and this run's values. */
  sweep?: RunSweepTag;
  /** The checkpoints it keeps: the setting asked for and what it means for this run ('auto' decided); absent in records made before the setting existed (then 'auto'). */
  checkpointPolicy?: { setting: CheckpointSetting; policy: CheckpointPolicy };
  /** What a person did to the run while it trained, oldest first (absent in records made before events existed). */
  events?: RunRecordEvent[];
}

/** What can happen to a run mid-way that its charts mark: η changed by hand, a pause, a resume, a single step, a roll-back. */
export const RUN_RECORD_EVENT_KINDS = ['learning-rate', 'pause', 'resume', 'step', 'rollback'] as const;
export type RunRecordEventKind = (typeof RUN_RECORD_EVENT_KINDS)[number];

/**
 * One thing that happened to a run, where it happened: at `batch` batches into epoch `epoch`
 * (1-based; batch 0 = the epoch's start), that is at x = epoch − 1 + batch / batchesPerEpoch on
 * the charts. `detail` says it in plain words.
 */
export interface RunRecordEvent {
  kind: RunRecordEventKind;
  epoch: number;
  batch: number;
  /** Batches in an epoch of the run, to place the event on an epoch axis (absent before the run knew it). */
  batchesPerEpoch?: number;
  /** ISO time. */
  time: string;
  detail: string;
  /** learning-rate and rollback: η before (what the run was training with) and the η chosen. */
  from?: number;
  to?: number;
  /** learning-rate and rollback: η the schedule alone would have given at that point (base η and schedule, no change by hand); `to / scheduled` scales the rest of the schedule. */
  scheduled?: number;
}

/** A roll-back: the epochs after `toEpoch` were discarded and training went on from its weights. */
export interface Rollback {
  at: string;
  /** Epochs the run had done before (their history and checkpoints after `toEpoch` were deleted). */
  fromEpoch: number;
  /** 0 = the run's initial weights (re-made from its seed). */
  toEpoch: number;
  learningRate: number;
}

/** The saved epochs a paused run can be rolled back to, and the one the lab suggests. */
export interface RollbackPoints {
  runId: string;
  /** Ascending; 0 = the initial weights (always available). */
  epochs: number[];
  /** The latest saved epoch whose weights look healthy (its loss finite and not exploded). */
  suggested: number;
  /** Why that one, in plain words. */
  reason: string;
}

export interface LossPoint {
  /** Batch number counted from the start of the run. */
  step: number;
  loss: number;
}

/** ‖∂C/∂w^l‖ of one batch at its step, layer by layer as a progress event's gradientNorms. */
export interface GradientSample {
  step: number;
  norms: number[];
}

/** The most gradient samples one progress event carries: enough for an epoch's quartiles in a fast run, whatever its batch count. */
export const GRADIENT_SAMPLES_PER_EVENT = 32;

export type RunEvent =
  | { type: 'status'; runId: string; status: RunStatus; queuePosition?: number; message?: string }
  | {
      type: 'progress';
      runId: string;
      epoch: number;
      batch: number;
      batchesPerEpoch: number;
      samplesPerSecond: number;
      learningRate: number;
      /** Every batch loss since the previous progress event. */
      points: LossPoint[];
      /** ‖∂C/∂w^l‖ of the latest batch, l = 1…L. */
      gradientNorms: number[];
      /** Batches since the previous progress event, evenly chosen (at most GRADIENT_SAMPLES_PER_EVENT), with their ‖∂C/∂w^l‖. */
      gradientSamples?: GradientSample[];
      /** The kernels the run trains with. */
      backend?: KernelBackend;
      /** The threads computing its gradients. */
      threads?: number;
    }
  /**
   * Epochs ended: `report` the newest, `before` the ones that ended since the previous epoch event
   * (oldest first). A fast run's epochs come coalesced, at most one event per progress interval;
   * the receiver appends them to the history it holds (the history is never resent).
   */
  | { type: 'epoch'; runId: string; report: EpochReport; before?: EpochReport[] }
  /** The NaN guard paused the run: the weights are the last finite ones. */
  | { type: 'non-finite'; runId: string; detail: NonFinite }
  /** Something happened to the run that its record keeps (appended to the summary's `events`), and the run's name after it (a change of η renames a run under its automatic name). */
  | { type: 'record'; runId: string; event: RunRecordEvent; name: string };

/** A save through main's dialog: cancelled, or written (its name, and its full path for the notice that says where). */
export type SaveResult = { saved: false } | { saved: true; fileName: string; path: string };
