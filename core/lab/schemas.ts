/**
 * The schemas every request from the renderer is checked against before the service sees it.
 * The renderer is untrusted: sizes are bounded, strings are short, unknown keys are refused.
 */
import { z } from 'zod';
import { SCALINGS } from '../data/scaling';
import { ACTIVATIONS, INITS, LOSSES, OPTIMIZERS } from '../engine/spec';
import { SCHEDULES } from '../engine/schedules';
import { SWEEP_SETTINGS } from '../engine/sweep';
import { IMPORT_KINDS } from './dataset-types';
import { MAX_IMAGES_PER_CALL } from './model-types';
import { MAX_SWEEP_RUNS } from './recipe-types';
import { MAX_TRAIN_THREADS, RUN_STATUSES } from './run-types';
import { APP_TABS, MAX_PNG_BYTES } from './shell-types';
import { START_SCALINGS } from './start-model-types';

const id = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9_-]+$/, 'ids are letters, digits, "-" and "_"');
const count = (max: number) => z.number().int().min(1).max(max);
/** Names shown in lists and written to terminals and files: NUL, newline, ESC, DEL and the other control characters (C0 and C1) are refused. */
// eslint-disable-next-line no-control-regex
const PRINTABLE = /^[^\u0000-\u001f\u007f-\u009f]*$/;

/** Any of the five layer kinds; a dense layer may leave `kind` out (specs made before CNNs). Shapes are checked by specProblems. */
const layerSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('dense').optional(), units: count(100_000), activation: z.enum(ACTIVATIONS) }),
  z.strictObject({
    kind: z.literal('conv'),
    filters: count(4096),
    kernel: count(64),
    stride: count(64),
    padding: z.enum(['valid', 'same']),
    activation: z.enum(ACTIVATIONS),
  }),
  z.strictObject({ kind: z.literal('maxpool'), size: count(64), stride: count(64) }),
  z.strictObject({ kind: z.literal('dropout'), rate: z.number().min(0).lt(1) }),
  z.strictObject({ kind: z.literal('batchnorm') }),
]);

export const networkSpecSchema = z.strictObject({
  inputSize: count(1_000_000),
  inputShape: z.strictObject({ channels: count(1_000_000), height: count(1_000_000), width: count(1_000_000) }).optional(),
  layers: z.array(layerSchema).min(1).max(64),
  loss: z.enum(LOSSES),
  init: z.enum(INITS),
});

export const stopRuleSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('epochs') }),
  z.strictObject({ kind: z.literal('loss-plateau'), minImprovement: z.number().min(0).max(1) }),
  z.strictObject({ kind: z.literal('early-stopping'), patience: count(10_000) }),
]);

export const scheduleSchema = z.strictObject({
  kind: z.enum(SCHEDULES),
  warmupEpochs: z.number().min(0).max(100_000),
  decay: z.number().gt(0).lt(1),
  every: count(100_000),
  minLearningRate: z.number().min(0).finite(),
  patience: z.number().int().min(0).max(100_000),
});

export const trainSettingsSchema = z.strictObject({
  batchSize: count(10_000_000),
  learningRate: z.number().positive().finite().max(1e6),
  epochs: count(100_000),
  optimizer: z.enum(OPTIMIZERS),
  momentum: z.number().min(0).lt(1),
  l2: z.number().min(0).finite(),
  seed: z
    .number()
    .int()
    .min(-(2 ** 31))
    .max(2 ** 32),
  stop: stopRuleSchema,
  schedule: scheduleSchema.optional(),
});

export const runIdSchema = z.strictObject({ runId: id });

const threadsMessage = `threads must be "auto" or a whole number from 1 to ${MAX_TRAIN_THREADS}`;
/** 'auto' or 1…MAX_TRAIN_THREADS (more threads than a desktop has cores only slow a run down); one message for every wrong value. */
export const threadsSchema = z.union(
  [z.literal('auto'), z.number().int(threadsMessage).min(1, threadsMessage).max(MAX_TRAIN_THREADS, threadsMessage)],
  { error: threadsMessage },
);

/** Which checkpoints a run keeps (run-types.ts CheckpointSetting); every n epochs with n from 1 to 100,000. */
export const checkpointSettingSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.enum(['auto', 'every', 'best-and-last']) }),
  z.strictObject({ kind: z.literal('every-n'), n: count(100_000) }),
]);

/** A model opened with openStartModel to train on from (its layers must be the spec's), its inputs scaled as chosen. */
const startFromSchema = z.strictObject({ startId: id, scaling: z.enum(START_SCALINGS) });

export const startRunSchema = z.strictObject({
  /** Default (absent or blank): the network's sizes, optimiser and η. */
  name: z.string().max(200).regex(PRINTABLE, 'no control characters').optional(),
  spec: networkSpecSchema,
  settings: trainSettingsSchema,
  datasetId: id,
  scaling: z.enum(SCALINGS),
  validation: z.boolean(),
  trainLimit: count(10_000_000).optional(),
  testLimit: count(10_000_000).optional(),
  /** Default 'auto'. */
  threads: threadsSchema.optional(),
  start: startFromSchema.optional(),
  /** Which checkpoints it keeps; default 'auto'. */
  checkpoints: checkpointSettingSchema.optional(),
});

/** A run's new name: printable, not blank (trimmed by the service). */
export const renameRunSchema = z.strictObject({
  runId: id,
  name: z
    .string()
    .max(200)
    .regex(PRINTABLE, 'no control characters')
    .refine((name) => name.trim().length > 0, 'a name cannot be blank'),
});

export const setLearningRateSchema = z.strictObject({ runId: id, learningRate: z.number().positive().finite().max(1e6) });

/** Roll a paused run back to a saved epoch (0 = its initial weights) and train on from there at this η. */
export const resumeFromEpochSchema = z.strictObject({
  runId: id,
  epoch: z.number().int('epoch must be a whole number').min(0, 'epoch must be 0 (the initial weights) or a saved epoch').max(100_000),
  learningRate: z.number().positive().finite().max(1e6),
});

export const samplesRequestSchema = z.strictObject({
  datasetId: id,
  split: z.enum(['train', 'test']),
  offset: z.number().int().min(0).max(100_000_000),
  count: count(500),
});

export const noPayloadSchema = z.undefined();

const sampleIndex = z.number().int().min(0).max(100_000_000);
/** A checkpoint's epoch: 0 is the initial weights (kept by a run that keeps every epoch, or every n). */
const epoch = z.number().int().min(0).max(100_000);

/** A run's checkpoint: the latest (default), the best, or a given epoch. */
export const openRunModelSchema = z
  .strictObject({ runId: id, epoch: epoch.optional(), best: z.boolean().optional() })
  .refine((r) => !(r.epoch !== undefined && r.best), 'ask for an epoch or for the best checkpoint, not both');

export const modelIdSchema = z.strictObject({ modelId: id });

/** A layer's weights; `epoch` asks for that checkpoint of the model's run instead of the open weights. */
export const weightsRequestSchema = z.strictObject({ modelId: id, layer: count(64), epoch: epoch.optional() });

export const testImagesRequestSchema = z.strictObject({
  /** Default 'mnist'. */
  datasetId: id.optional(),
  indices: z.array(sampleIndex).min(1).max(MAX_IMAGES_PER_CALL),
});

/** Either a prepared image (raw grey levels 0–255, the model's input size) or a test image by index. */
export const traceRequestSchema = z
  .strictObject({
    modelId: id,
    input: z.array(z.number().min(0).max(255)).min(1).max(1_000_000).optional(),
    testIndex: sampleIndex.optional(),
  })
  .refine((r) => (r.input === undefined) !== (r.testIndex === undefined), 'give either an input image or a testIndex');

export const gradientCheckRequestSchema = z.strictObject({ modelId: id, testIndex: sampleIndex });

// ── datasets ────────────────────────────────────────────────────────────────────────────────

/** A dataset or column name: printable, short. Paths never cross: the main process asks for them in a dialog. */
const label = (max: number) => z.string().min(1).max(max).regex(PRINTABLE, 'no control characters');
const share = z.number().min(0).lt(1);

/** How to import what the person will pick in the dialog. No path: the main process asks for it. */
export const importDatasetSchema = z.strictObject({
  kind: z.enum(IMPORT_KINDS),
  /** Names the progress events of this import (the window makes one up); default a new id. */
  importId: id.optional(),
  /** Default: the picked folder's or file's name, made unique in the library. */
  name: label(120).optional(),
  /** Shares held out where the files bring no split; default validation 0.1, test 0.2. */
  validation: share.optional(),
  test: share.optional(),
  seed: z
    .number()
    .int()
    .min(-(2 ** 31))
    .max(2 ** 31 - 1)
    .optional(),
  /** CSV regression: the target column(s); absent = classification. */
  targets: z.array(label(200)).min(1).max(100).optional(),
  /** CSV classification: the label column. */
  label: label(200).optional(),
  header: z.boolean().optional(),
  /** IDX: class names, index = label. */
  classes: z.array(label(100)).min(2).max(256).optional(),
  /** Image folders: resize every image to this size. */
  size: z.strictObject({ width: count(1024), height: count(1024) }).optional(),
  /**
   * Files main offered for import (dropped on the window, picked from Open Recent: an
   * `import-source` event), named by the id main gave them; absent = ask in the dialog.
   */
  sourceId: id.optional(),
});

export const importIdSchema = z.strictObject({ importId: id });
export const datasetIdSchema = z.strictObject({ datasetId: id });
export const renameDatasetSchema = z.strictObject({ datasetId: id, name: label(120) });
/** New names for a classification dataset's classes, in label order (as many as it has). */
export const renameClassesSchema = z.strictObject({ datasetId: id, classes: z.array(label(100)).min(2).max(256) });
export const datasetOverviewSchema = z.strictObject({ datasetId: id, samplesPerClass: count(16).optional() });

// ── the desktop shell ───────────────────────────────────────────────────────────────────────

/** A run's latest weights (Train) or a model open in Inspect: what Save model and Export ONNX act on. */
export const modelSourceSchema = z.union([z.strictObject({ runId: id }), z.strictObject({ modelId: id })], {
  error: 'expected { runId } or { modelId }',
});

/** The page's state as the application menu needs it (core/lab/shell-types.ts AppState). */
export const appStateSchema = z.strictObject({
  tab: z.enum(APP_TABS),
  run: z.strictObject({ status: z.enum(RUN_STATUSES), epochs: z.number().int().min(0).max(100_000) }).nullable(),
  model: z.boolean(),
  canTrain: z.boolean(),
  canUndo: z.boolean(),
  canRedo: z.boolean(),
});

/** Base64 characters (with padding) of at most MAX_PNG_BYTES bytes. */
const MAX_PNG_BASE64 = Math.ceil(MAX_PNG_BYTES / 3) * 4;

/**
 * A picture the page rendered (a chart, a canvas), saved through main's save dialog. `name` only
 * suggests the file name in the dialog: letters, digits, spaces, '.', '-' and '_', no folders.
 */
/** A file the lab saved, to show in the file manager (the service checks that it wrote it: core/service/exports/revealable-paths.ts). */
export const revealPathSchema = z.strictObject({ path: z.string().min(1).max(4096) });

export const savePngSchema = z.strictObject({
  name: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[A-Za-z0-9 ._-]+$/, 'a file name of letters, digits, spaces, ".", "-" and "_"'),
  base64: z
    .string()
    .min(1)
    .max(MAX_PNG_BASE64, `at most ${MAX_PNG_BYTES.toLocaleString('en')} bytes of PNG`)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64 characters'),
});

// ── training recipes: the learning-rate finder and sweeps ──────────────────────────────────

/** The design to run the range test on (its spec, settings and data, as startRun takes them); `finderId` names its progress events. */
export const findLearningRateSchema = z.strictObject({
  finderId: id,
  spec: networkSpecSchema,
  settings: trainSettingsSchema,
  datasetId: id,
  scaling: z.enum(SCALINGS),
  validation: z.boolean(),
  trainLimit: count(10_000_000).optional(),
  /** Batches in the test; default 300. */
  batches: z.number().int().min(22).max(5000).optional(),
  /** The range test from a model file's weights (and its scaling), as a run from it would train. */
  start: startFromSchema.optional(),
});

export const finderIdSchema = z.strictObject({ finderId: id });

const sweepNumber = z.number().finite();
const sweepValuesSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('list'),
    values: z
      .array(z.union([sweepNumber, z.string().min(1).max(40)]))
      .min(1)
      .max(MAX_SWEEP_RUNS),
  }),
  z.strictObject({ kind: z.enum(['lin', 'log']), from: sweepNumber, to: sweepNumber, count: z.number().int().min(2).max(MAX_SWEEP_RUNS) }),
]);

export const sweepAxisSchema = z.strictObject({
  setting: z.enum(SWEEP_SETTINGS),
  layer: z.number().int().min(2).max(65).optional(),
  values: sweepValuesSchema,
});

/** A sweep: the base design (as startRun takes it; validation is always on), one or two settings to vary, and a random budget or the whole grid. */
export const startSweepSchema = z.strictObject({
  name: z.string().max(120).regex(PRINTABLE, 'no control characters').optional(),
  spec: networkSpecSchema,
  settings: trainSettingsSchema,
  datasetId: id,
  scaling: z.enum(SCALINGS),
  trainLimit: count(10_000_000).optional(),
  testLimit: count(10_000_000).optional(),
  threads: threadsSchema.optional(),
  axes: z.array(sweepAxisSchema).min(1, 'vary at least one setting').max(2, 'vary at most two settings'),
  /** A random search of this many points instead of the whole grid. */
  budget: count(MAX_SWEEP_RUNS).optional(),
  /** Every run of the sweep from a model file's weights (the same ones), as a run from it would train: its layers may not be varied. */
  start: startFromSchema.optional(),
});

export const sweepIdSchema = z.strictObject({ sweepId: id });
