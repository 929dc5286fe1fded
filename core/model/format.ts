/**
 * The `*.fathom.json` model file: one self-contained JSON document holding a network's spec, its
 * weights and biases, the input scaling it was trained with, the training settings and history,
 * and which dataset it saw. docs/model-format.md describes it for other programs.
 * Pure: types and the zod schema only; reading and writing live in model-file.ts / model-files.ts.
 */
import { z } from 'zod';
import { scalingParamsSchema } from '../data/scaling-schema';
import type { ScalingParams } from '../data/scaling';
import { ACTIVATIONS, INITS, LOSSES, OPTIMIZERS, type NetworkSpec, type TrainSettings } from '../engine/spec';
import { SCHEDULES, type ScheduleSettings } from '../engine/schedules';

export const MODEL_FORMAT = 'fathom-model';
/**
 * The newest format version this code reads and writes. Version 2 adds convolution, pooling,
 * dropout and batchnorm layers (and `spec.inputShape`, batchnorm's running statistics); a network
 * of dense layers only is still written as version 1, which older Fathoms read.
 */
export const MODEL_VERSION = 2;
/** Suggested file name ending. */
export const MODEL_EXTENSION = '.fathom.json';

/** Which data the model was trained on, so a reader can tell whether it has the same data. */
export interface DatasetInfo {
  name: string;
  /** e.g. [28, 28] for MNIST; the product is the network's inputSize. */
  inputShape: number[];
  /** Class (or target column) names, one per output unit. */
  classes: string[];
  /** Samples in each split as used in training (after any limits). */
  sizes: { train: number; validation?: number; test: number };
  /** The source files and their SHA-256 (lowercase hex); empty for data made in memory. */
  files: { name: string; sha256: string }[];
}

export interface SavedLayerMetrics {
  layer: number;
  /** Mean over the epoch of ‖∂C/∂w^l‖; null if it was not a finite number. */
  gradientNorm: number | null;
  /** ‖w^l‖ at the end of the epoch; null if it was not a finite number. */
  weightNorm: number | null;
  saturated: number | null;
  dead: number | null;
}

/**
 * One epoch of training history: the engine's EpochReport as stored. JSON has no NaN or
 * Infinity, so a loss or norm that was not finite is stored as null.
 */
export interface SavedEpoch {
  epoch: number;
  trainLoss: number | null;
  trainAccuracy: number | null;
  validationLoss?: number | null;
  validationAccuracy?: number | null;
  testLoss?: number | null;
  testAccuracy?: number | null;
  samplesPerSecond: number;
  seconds: number;
  layers: SavedLayerMetrics[];
  isBest?: boolean;
  stopReason?: string;
  nonFinite?: { what: 'loss' | 'gradient' | 'weight'; layer?: number; epoch: number; batch: number };
}

/** Weights and biases of one layer l = 1…L, each base64 of little-endian float32. */
export interface SavedLayerParameters {
  /** units(l) × units(l−1), row-major: w^l_jk at index j·units(l−1) + k (exactly Network.w[l]). */
  weights: string;
  /** units(l) values: b^l_j at index j. */
  biases: string;
  /** Batchnorm layers only (version 2): the running mean and variance used at inference, one per feature. */
  runningMean?: string;
  runningVariance?: string;
}

/** The model file a run started from (a run's model files name it; absent for a run from random weights). */
export interface ModelOrigin {
  name: string;
  format: 'fathom' | 'onnx';
}

export interface ModelFile {
  format: typeof MODEL_FORMAT;
  version: 1 | typeof MODEL_VERSION;
  spec: NetworkSpec;
  scaling: ScalingParams;
  settings: TrainSettings;
  dataset: DatasetInfo;
  history: SavedEpoch[];
  /** ISO 8601 date and time the file was written. */
  createdAt: string;
  /** Version of the Fathom that wrote the file. */
  appVersion: string;
  /** parameters[i] belongs to layer l = i + 1 (spec.layers[i]). */
  parameters: SavedLayerParameters[];
  /** Set in the files of a run started from a model file: which. */
  startedFrom?: ModelOrigin;
}

// zod 4's z.number() already refuses NaN and ±Infinity.
const int = (min: number) => z.number().int().min(min);
const share = z.number().min(0).max(1);
/** A metric that may be missing (null) because it does not apply or was not finite. */
const metric = z.number().nullable();

const layerSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('dense').optional(), units: int(1), activation: z.enum(ACTIVATIONS) }),
  z.object({
    kind: z.literal('conv'),
    filters: int(1),
    kernel: int(1),
    stride: int(1),
    padding: z.enum(['valid', 'same']),
    activation: z.enum(ACTIVATIONS),
  }),
  z.object({ kind: z.literal('maxpool'), size: int(1), stride: int(1) }),
  z.object({ kind: z.literal('dropout'), rate: z.number().min(0).lt(1) }),
  z.object({ kind: z.literal('batchnorm') }),
]);

export const networkSpecSchema = z.object({
  inputSize: int(1),
  inputShape: z.object({ channels: int(1), height: int(1), width: int(1) }).optional(),
  layers: z.array(layerSchema).min(1),
  loss: z.enum(LOSSES),
  init: z.enum(INITS),
}) satisfies z.ZodType<NetworkSpec>;

export const stopRuleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('epochs') }),
  z.object({ kind: z.literal('loss-plateau'), minImprovement: z.number().min(0) }),
  z.object({ kind: z.literal('early-stopping'), patience: int(1) }),
]);

export const scheduleSchema = z.object({
  kind: z.enum(SCHEDULES),
  warmupEpochs: z.number().min(0),
  decay: z.number().gt(0).lt(1),
  every: int(1),
  minLearningRate: z.number().min(0),
  patience: int(0),
}) satisfies z.ZodType<ScheduleSettings>;

export const trainSettingsSchema = z.object({
  batchSize: int(1),
  learningRate: z.number().positive(),
  epochs: int(1),
  optimizer: z.enum(OPTIMIZERS),
  momentum: z.number().min(0).lt(1),
  l2: z.number().min(0),
  seed: z.number().int(),
  stop: stopRuleSchema,
  schedule: scheduleSchema.optional(),
}) satisfies z.ZodType<TrainSettings>;

export const datasetInfoSchema = z.object({
  name: z.string(),
  inputShape: z.array(int(1)).min(1),
  classes: z.array(z.string()),
  sizes: z.object({ train: int(0), validation: int(0).optional(), test: int(0) }),
  files: z.array(z.object({ name: z.string().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits') })),
}) satisfies z.ZodType<DatasetInfo>;

export const savedEpochSchema = z.object({
  epoch: int(1),
  trainLoss: metric,
  trainAccuracy: share.nullable(),
  validationLoss: metric.optional(),
  validationAccuracy: share.nullable().optional(),
  testLoss: metric.optional(),
  testAccuracy: share.nullable().optional(),
  samplesPerSecond: z.number().min(0),
  seconds: z.number().min(0),
  learningRate: z.number().positive().optional(),
  layers: z.array(
    z.object({ layer: int(1), gradientNorm: metric, weightNorm: metric, saturated: share.nullable(), dead: share.nullable() }),
  ),
  isBest: z.boolean().optional(),
  stopReason: z.string().optional(),
  nonFinite: z.object({ what: z.enum(['loss', 'gradient', 'weight']), layer: int(1).optional(), epoch: int(1), batch: int(0) }).optional(),
}) satisfies z.ZodType<SavedEpoch>;

/** Checks structure and value ranges; model-file.ts then checks what a schema cannot (shapes, weights). */
export const modelFileSchema = z.object({
  format: z.literal(MODEL_FORMAT),
  version: z.union([z.literal(1), z.literal(MODEL_VERSION)]),
  spec: networkSpecSchema,
  scaling: scalingParamsSchema,
  settings: trainSettingsSchema,
  dataset: datasetInfoSchema,
  history: z.array(savedEpochSchema),
  createdAt: z.iso.datetime({ offset: true }),
  appVersion: z.string().min(1),
  parameters: z.array(
    z.object({ weights: z.string(), biases: z.string(), runningMean: z.string().optional(), runningVariance: z.string().optional() }),
  ),
  startedFrom: z.object({ name: z.string().min(1).max(1000), format: z.enum(['fathom', 'onnx']) }).optional(),
}) satisfies z.ZodType<ModelFile>;
