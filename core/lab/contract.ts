/**
 * The one contract between the window and the main process: `window.lab`.
 * The preload exposes exactly these methods; the main process validates each payload with the
 * schema of the same name (core/lab/schemas.ts) before the lab service sees it. Everything that
 * crosses is plain JSON data, so the same contract works over Electron IPC and in the test harness.
 */
import type { z } from 'zod';
import type { DataErrorCode } from '../data/errors';
import type { ScalingKind, ScalingParams } from '../data/scaling';
import type { NonFinite, EpochReport } from '../engine/reports';
import type { ActivationName, NetworkSpec, TrainSettings } from '../engine/spec';
import type { LayerGradientCheck } from '../engine/gradcheck';
import type { TargetProfile } from '../engine/target-profile';
import type { ActivationTrace } from '../inspect/activations-trace';
import type { ModelFileErrorCode } from '../model/errors';
import type { DatasetInfo as ModelDatasetInfo, SavedEpoch } from '../model/format';
import type {
  gradientCheckRequestSchema,
  modelIdSchema,
  openRunModelSchema,
  resumeFromEpochSchema,
  runIdSchema,
  samplesRequestSchema,
  setLearningRateSchema,
  startRunSchema,
  testImagesRequestSchema,
  traceRequestSchema,
  weightsRequestSchema,
} from './schemas';
import type { datasetIdSchema, datasetOverviewSchema, importDatasetSchema, importIdSchema, renameDatasetSchema } from './schemas';

export type StartRunRequest = z.infer<typeof startRunSchema>;
export type RunIdRequest = z.infer<typeof runIdSchema>;
export type SetLearningRateRequest = z.infer<typeof setLearningRateSchema>;
export type ResumeFromEpochRequest = z.infer<typeof resumeFromEpochSchema>;
export type SamplesRequest = z.infer<typeof samplesRequestSchema>;
export type OpenRunModelRequest = z.infer<typeof openRunModelSchema>;
export type ModelIdRequest = z.infer<typeof modelIdSchema>;
export type WeightsRequest = z.infer<typeof weightsRequestSchema>;
export type TestImagesRequest = z.infer<typeof testImagesRequestSchema>;
export type TraceRequest = z.infer<typeof traceRequestSchema>;
export type GradientCheckRequest = z.infer<typeof gradientCheckRequestSchema>;
export type ImportDatasetRequest = z.infer<typeof importDatasetSchema>;
export type ImportIdRequest = z.infer<typeof importIdSchema>;
export type RenameDatasetRequest = z.infer<typeof renameDatasetSchema>;
export type DatasetIdRequest = z.infer<typeof datasetIdSchema>;
export type DatasetOverviewRequest = z.infer<typeof datasetOverviewSchema>;

export interface DatasetInfo {
  id: string;
  name: string;
  kind: 'classification' | 'regression';
  inputShape: number[];
  classes: string[];
  /** `validation`: a library dataset's fixed validation split (absent for MNIST, which holds out 10,000 training images on request). */
  sizes: { train: number; validation?: number; test: number };
  builtIn: boolean;
  /** What the training targets look like (absent if they could not be read): lets the designer flag a loss that cannot use them. */
  targets?: TargetProfile;
}

/** A page of raw (unscaled, 0–255) images for the dataset picker. */
export interface SampleImages {
  width: number;
  height: number;
  labels: number[];
  /** count × width × height grey levels, row-major. */
  pixels: number[];
}

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

export interface RunSummary {
  id: string;
  name: string;
  createdAt: string;
  spec: NetworkSpec;
  settings: TrainSettings;
  datasetId: string;
  scaling: ScalingKind;
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
      /** The kernels the run trains with. */
      backend?: KernelBackend;
      /** The threads computing its gradients. */
      threads?: number;
    }
  | { type: 'epoch'; runId: string; report: EpochReport }
  /** The NaN guard paused the run: the weights are the last finite ones. */
  | { type: 'non-finite'; runId: string; detail: NonFinite };

export type SaveResult = { saved: false } | { saved: true; fileName: string };

// ── inspecting a model ──────────────────────────────────────────────────────────────────────

/** Where an open model's weights came from. */
export type ModelSource =
  { kind: 'file'; fileName: string } | { kind: 'run'; runId: string; runName: string; checkpoint: 'latest' | 'best' | 'epoch' };

/** A model the service holds open for inspection; `modelId` names it in the other inspect verbs. */
export interface ModelSummary {
  modelId: string;
  name: string;
  source: ModelSource;
  spec: NetworkSpec;
  settings: TrainSettings;
  /** Per-epoch metrics up to these weights, as saved in the file. */
  history: SavedEpoch[];
  /** The data the model was trained on, as the file records it (name, shape, classes, split sizes, file hashes). */
  dataset: ModelDatasetInfo;
  /** The lab classification dataset (built in or in the library) with the same files (its test split is the one evaluated), or null if the lab has none. */
  datasetId: string | null;
  /** The input scaling saved with the model; the service applies it to every input it feeds the network. */
  scaling: ScalingParams;
  parameterCount: number;
  /** The last epoch in the history (null for an untrained model). */
  epoch: number | null;
  /** Epochs whose checkpoint is saved, ascending (the weights slider's stops); [] for a model from a file. */
  checkpoints: number[];
  createdAt: string;
  appVersion: string;
}

export type OpenModelResult =
  | { status: 'cancelled' }
  /** The file was refused; nothing changed. `message` says exactly what is wrong with it. */
  | { status: 'failed'; code: ModelFileErrorCode; message: string }
  | { status: 'opened'; model: ModelSummary };

/** One layer's parameters: w is rows × cols row-major (w^l_jk at j·cols + k), b has rows values. */
export interface LayerWeights {
  modelId: string;
  layer: number;
  /** The checkpoint the weights are from; null = the open model's own weights. */
  epoch: number | null;
  activation: ActivationName;
  rows: number;
  cols: number;
  w: number[];
  b: number[];
}

export interface MisclassifiedSample {
  /** Index in the test split. */
  index: number;
  label: number;
  predicted: number;
  /** outputs[predicted]: how sure the network was of its mistake. */
  confidence: number;
  outputs: number[];
}

export interface ModelEvaluation {
  modelId: string;
  datasetId: string;
  split: 'test';
  count: number;
  loss: number;
  accuracy: number;
  /** confusion[true][predicted] counts. */
  confusion: number[][];
  /** Every test image the model gets wrong, in test-set order. */
  misclassified: MisclassifiedSample[];
  seconds: number;
}

/** Test images per getTestImages call (1,000 × 784 grey levels ≈ 3 MB of JSON): the renderer pages through more. */
export const MAX_IMAGES_PER_CALL = 1000;

/** Raw test images by index, for thumbnails. */
export interface TestImages extends SampleImages {
  indices: number[];
}

export interface TraceResult extends ActivationTrace {
  modelId: string;
  /** The raw 0–255 image that was fed in (before the model's scaling). */
  raw: number[];
  /** Set when the input was a test image. */
  testIndex: number | null;
  label: number | null;
}

export interface GradientCheckResult {
  modelId: string;
  testIndex: number;
  label: number;
  /** The finite-difference step h of (C(θ+h) − C(θ−h)) / 2h. */
  h: number;
  layers: LayerGradientCheck[];
}

// ── datasets: importing, browsing and managing the library ──────────────────────────────────

/** What an import asks the main process's dialog for: files of one format, or 'auto' (recognised from the names). */
export const IMPORT_KINDS = ['idx', 'csv', 'image-folder', 'auto'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/** Progress of an import (0…1), on the same event stream as the runs' events. */
export interface ImportProgressEvent {
  type: 'import-progress';
  importId: string;
  fraction: number;
}

/**
 * A model file opened from outside the page (the command line, a second launch, the OS opening a
 * `*.fathom.json`): the page shows it in Inspect, or says why it could not be opened.
 */
export interface ModelOpenedEvent {
  type: 'model-opened';
  result: Exclude<OpenModelResult, { status: 'cancelled' }>;
}

/** Everything window.lab.onEvent delivers. */
export type LabEvent = RunEvent | ImportProgressEvent | ModelOpenedEvent;

/** The events of one run (every one names its run), as opposed to an import's or the app's. */
export function isRunEvent(event: LabEvent): event is RunEvent {
  return 'runId' in event;
}

export type ImportResult =
  | { status: 'cancelled'; importId: string }
  /** Nothing was imported and the library is unchanged; `message` names the file and the row, byte or image at fault. */
  | { status: 'failed'; importId: string; code: DataErrorCode; message: string }
  | { status: 'imported'; importId: string; dataset: DatasetInfo; notes: string[] };

export interface ClassificationOverview {
  /** How one sample is drawn: the last dimension is the width (a table is one row of cells). */
  width: number;
  height: number;
  /** The range of the raw training inputs (0–255 for grey images). */
  min: number;
  max: number;
  /** Samples per class in each split (validation: all zero for MNIST). */
  counts: { train: number[]; validation: number[]; test: number[] };
  /** Per shown class, the mean of its training samples (raw values, width × height row-major); [] for an empty class. */
  means: number[][];
  /** Per shown class, its first few training samples (raw values). */
  samples: number[][][];
  /** Means and samples cover the first `shownClasses` classes (at most 64). */
  shownClasses: number;
}

export interface RegressionOverview {
  features: string[];
  targets: string[];
  /** Up to 500 training rows spread over the split, raw: for a scatter of a target against a column. */
  rows: { inputs: number[]; targets: number[] }[];
  /** Range and mean of every input and target column over the training split. */
  columns: { name: string; role: 'input' | 'target'; min: number; max: number; mean: number }[];
}

/** What the dataset browser shows of one dataset. */
export interface DatasetOverview {
  dataset: DatasetInfo;
  sizes: { train: number; validation: number; test: number };
  /** Where it was imported from (null for the built-in MNIST). */
  source: { format: string; path: string; files: { name: string; sha256: string; bytes: number }[] } | null;
  /** SHA-256 over the source files (null for MNIST). */
  fingerprint: string | null;
  createdAt: string | null;
  /** What the import noticed: a header row, images resized, files ignored… */
  notes: string[];
  classification?: ClassificationOverview;
  regression?: RegressionOverview;
}

/** A regression run's latest model on its dataset's test split: predicted against actual, for a scatter. */
export interface RegressionPredictions {
  runId: string;
  datasetId: string;
  /** The epoch of the model's weights (null: untrained). */
  epoch: number | null;
  targets: string[];
  /** Up to 500 test rows spread over the split, in target units. */
  actual: number[][];
  predicted: number[][];
  /** Root mean square error of each target over the test split. */
  rmse: number[];
  /** Test rows the error is computed over. */
  count: number;
}

/** The methods of window.lab: name → [request, response]. */
export interface LabMethods {
  listDatasets: [undefined, DatasetInfo[]];
  getSamples: [SamplesRequest, SampleImages];
  startRun: [StartRunRequest, RunSummary];
  pauseRun: [RunIdRequest, void];
  resumeRun: [RunIdRequest, void];
  stepRun: [RunIdRequest, void];
  stopRun: [RunIdRequest, void];
  setLearningRate: [SetLearningRateRequest, void];
  rollbackPoints: [RunIdRequest, RollbackPoints];
  resumeFromEpoch: [ResumeFromEpochRequest, void];
  listRuns: [undefined, RunSummary[]];
  deleteRun: [RunIdRequest, void];
  saveModel: [RunIdRequest, SaveResult];
  openModel: [undefined, OpenModelResult];
  openRunModel: [OpenRunModelRequest, ModelSummary];
  closeModel: [ModelIdRequest, void];
  getWeights: [WeightsRequest, LayerWeights];
  evaluateModel: [ModelIdRequest, ModelEvaluation];
  getTestImages: [TestImagesRequest, TestImages];
  traceActivations: [TraceRequest, TraceResult];
  gradientCheck: [GradientCheckRequest, GradientCheckResult];
  importDataset: [ImportDatasetRequest, ImportResult];
  cancelImport: [ImportIdRequest, void];
  renameDataset: [RenameDatasetRequest, DatasetInfo];
  deleteDataset: [DatasetIdRequest, void];
  datasetOverview: [DatasetOverviewRequest, DatasetOverview];
  regressionPredictions: [RunIdRequest, RegressionPredictions];
}

export type LabMethodName = keyof LabMethods;

/** Listed once here; the preload, the IPC adapter and the test harness all derive from it. */
export const LAB_METHODS = [
  'listDatasets',
  'getSamples',
  'startRun',
  'pauseRun',
  'resumeRun',
  'stepRun',
  'stopRun',
  'setLearningRate',
  'rollbackPoints',
  'resumeFromEpoch',
  'listRuns',
  'deleteRun',
  'saveModel',
  'openModel',
  'openRunModel',
  'closeModel',
  'getWeights',
  'evaluateModel',
  'getTestImages',
  'traceActivations',
  'gradientCheck',
  'importDataset',
  'cancelImport',
  'renameDataset',
  'deleteDataset',
  'datasetOverview',
  'regressionPredictions',
] as const satisfies readonly LabMethodName[];

export const LAB_EVENT_CHANNEL = 'lab:event';
export const labChannel = (method: LabMethodName): string => `lab:${method}`;

/** The main-process side: one async handler per method, taking the already-validated request. */
export type LabHandlers = {
  [K in LabMethodName]: (request: LabMethods[K][0]) => Promise<LabMethods[K][1]>;
};

/** What the renderer sees as window.lab. */
export type LabApi = {
  [K in LabMethodName]: LabMethods[K][0] extends undefined
    ? () => Promise<LabMethods[K][1]>
    : (request: LabMethods[K][0]) => Promise<LabMethods[K][1]>;
} & {
  /** Subscribes to run and import events; returns the unsubscribe function. */
  onEvent(listener: (event: LabEvent) => void): () => void;
};
