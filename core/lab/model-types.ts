/** The inspecting side of window.lab: models opened for inspection and what is shown of them (verbs.ts). */
import type { ScalingParams } from '../data/scaling';
import type { ActivationName, NetworkSpec, TrainSettings } from '../engine/spec';
import type { LayerGradientCheck } from '../engine/gradcheck';
import type { ActivationTrace } from '../inspect/activations-trace';
import type { LayerBackendAgreement } from '../engine/backend-check';
import type { ModelFileErrorCode } from '../model/errors';
import type { DatasetInfo as ModelDatasetInfo, SavedEpoch } from '../model/format';
import { MAX_REPLY_BYTES, type SampleImages } from './dataset-types';

/** Where an open model's weights came from (a file by its name and its full path, shown in Inspect). */
export type ModelSource =
  | { kind: 'file'; fileName: string; path: string }
  | { kind: 'run'; runId: string; runName: string; checkpoint: 'latest' | 'best' | 'epoch' };

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
  w: Float32Array;
  b: Float32Array;
  /** BatchNorm only (w = γ, b = β): the running mean and variance used at inference, one per channel. */
  running?: { mean: Float32Array; variance: Float32Array };
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

/** Bytes the list of mistakes may take in an evaluation's reply: half the reply budget, the rest for the confusion matrix. */
export const MISTAKES_REPLY_BYTES = MAX_REPLY_BYTES / 2;

/** Mistakes of a model with `classCount` outputs that fit MISTAKES_REPLY_BYTES (each costs its outputs and four numbers, 8 bytes each once cloned). */
export function mistakesPerReply(classCount: number, budget = MISTAKES_REPLY_BYTES): number {
  return Math.floor(budget / (8 * (classCount + 4)));
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
  /**
   * The test images the model gets wrong, in test-set order: every one, unless they would not fit
   * MISTAKES_REPLY_BYTES (a large test split with many classes), then the first that fit.
   */
  misclassified: MisclassifiedSample[];
  /** How many test images the model gets wrong in all (more than listed when the list was cut). */
  misclassifiedCount: number;
  seconds: number;
}

/** Test images per getTestImages call (and never more bytes than MAX_REPLY_BYTES): the renderer pages through more. */
export const MAX_IMAGES_PER_CALL = 1000;

/** Raw test images by index, full size (step 1), for thumbnails. */
export interface TestImages extends SampleImages {
  /** The distinct indices asked for, in the order first asked (a repeated index is sent once). */
  indices: number[];
}

/** How many test images of `size` values one getTestImages reply may carry (at least 1: one image is always within the budget of the schemas' largest input). */
export function testImagesPerCall(size: number, bytesPerValue = 4): number {
  return Math.max(1, Math.min(MAX_IMAGES_PER_CALL, Math.floor(MAX_REPLY_BYTES / (size * bytesPerValue))));
}

export interface TraceResult extends ActivationTrace {
  modelId: string;
  /** The raw 0–255 image that was fed in (before the model's scaling). */
  raw: number[];
  /** Set when the input was a test image. */
  testIndex: number | null;
  label: number | null;
}

/** Below this a float32 gradient agrees with the float64 one as well as float32 allows (generous: deep nets round more). */
export const FLOAT32_AGREEMENT = 1e-3;

export interface GradientCheckResult {
  modelId: string;
  testIndex: number;
  label: number;
  /** The finite-difference step h of (C(θ+h) − C(θ−h)) / 2h. */
  h: number;
  layers: LayerGradientCheck[];
  /**
   * The same backprop on the kernels runs train with (wasm SIMD in float32, where it runs) against
   * the float64 reference: a fault in those kernels shows here, where the finite differences (which
   * run in float64 on the plain kernels) cannot see it.
   */
  kernels: { label: string; precision: 'float32'; layers: LayerBackendAgreement[] };
}

/**
 * A model file opened from outside the page (the command line, a second launch, the OS opening a
 * `*.fathom.json`): the page shows it in Inspect, or says why it could not be opened.
 */
export interface ModelOpenedEvent {
  type: 'model-opened';
  result: Exclude<OpenModelResult, { status: 'cancelled' }>;
}
