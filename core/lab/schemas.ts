/**
 * The schemas every request from the renderer is checked against before the service sees it.
 * The renderer is untrusted: sizes are bounded, strings are short, unknown keys are refused.
 */
import { z } from 'zod';
import { SCALINGS } from '../data/scaling';
import { ACTIVATIONS, INITS, LOSSES, OPTIMIZERS } from '../engine/spec';

const id = z.string().min(1).max(100).regex(/^[A-Za-z0-9_-]+$/, 'ids are letters, digits, "-" and "_"');
const count = (max: number) => z.number().int().min(1).max(max);

export const networkSpecSchema = z.strictObject({
  inputSize: count(1_000_000),
  layers: z.array(z.strictObject({ units: count(100_000), activation: z.enum(ACTIVATIONS) })).min(1).max(64),
  loss: z.enum(LOSSES),
  init: z.enum(INITS),
});

export const stopRuleSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('epochs') }),
  z.strictObject({ kind: z.literal('loss-plateau'), minImprovement: z.number().min(0).max(1) }),
  z.strictObject({ kind: z.literal('early-stopping'), patience: count(10_000) }),
]);

export const trainSettingsSchema = z.strictObject({
  batchSize: count(10_000_000),
  learningRate: z.number().positive().finite().max(1e6),
  epochs: count(100_000),
  optimizer: z.enum(OPTIMIZERS),
  momentum: z.number().min(0).lt(1),
  l2: z.number().min(0).finite(),
  seed: z.number().int().min(-(2 ** 31)).max(2 ** 32),
  stop: stopRuleSchema,
});

export const runIdSchema = z.strictObject({ runId: id });

export const startRunSchema = z.strictObject({
  name: z.string().max(200).optional(),
  spec: networkSpecSchema,
  settings: trainSettingsSchema,
  datasetId: id,
  scaling: z.enum(SCALINGS),
  validation: z.boolean(),
  trainLimit: count(10_000_000).optional(),
  testLimit: count(10_000_000).optional(),
});

export const setLearningRateSchema = z.strictObject({ runId: id, learningRate: z.number().positive().finite().max(1e6) });

export const samplesRequestSchema = z.strictObject({
  datasetId: id,
  split: z.enum(['train', 'test']),
  offset: z.number().int().min(0).max(100_000_000),
  count: count(500),
});

export const noPayloadSchema = z.undefined();

/** The request schema of every window.lab method, checked in the main process. */
export const requestSchemas = {
  listDatasets: noPayloadSchema,
  getSamples: samplesRequestSchema,
  startRun: startRunSchema,
  pauseRun: runIdSchema,
  resumeRun: runIdSchema,
  stepRun: runIdSchema,
  stopRun: runIdSchema,
  setLearningRate: setLearningRateSchema,
  listRuns: noPayloadSchema,
  deleteRun: runIdSchema,
  saveModel: runIdSchema,
} as const;
