/**
 * Keeps the current design between app starts. What comes back from storage is untrusted: it is
 * checked for shape here (names from the known lists, numbers where numbers belong), while
 * whether the design can train is left to the validators, so a half-finished design survives.
 */
import { z } from 'zod';
import { SCALINGS } from '@core/data/scaling';
import { SCHEDULES } from '@core/engine/schedules';
import { ACTIVATIONS, INITS, LOSSES, OPTIMIZERS } from '@core/engine/spec';
import { defaultDesign } from './presets';
import type { Design } from './types';

export const STORAGE_KEY = 'fathom.design.v1';

const num = z.number().finite();

const activation = z.enum(ACTIVATIONS);
/** Every kind of layer; a layer stored before CNNs has no kind and is dense. */
const layerSchema = z.union([
  z.object({ kind: z.literal('dense').optional(), units: num, activation }),
  z.object({ kind: z.literal('conv'), filters: num, kernel: num, stride: num, padding: z.enum(['valid', 'same']), activation }),
  z.object({ kind: z.literal('maxpool'), size: num, stride: num }),
  z.object({ kind: z.literal('dropout'), rate: num }),
  z.object({ kind: z.literal('batchnorm') }),
]);

const designSchema = z.object({
  spec: z.object({
    inputSize: num,
    inputShape: z.object({ channels: num, height: num, width: num }).optional(),
    layers: z.array(layerSchema).max(64),
    loss: z.enum(LOSSES),
    init: z.enum(INITS),
  }),
  settings: z.object({
    batchSize: num,
    learningRate: num,
    epochs: num,
    optimizer: z.enum(OPTIMIZERS),
    momentum: num,
    l2: num,
    seed: num,
    stop: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('epochs') }),
      z.object({ kind: z.literal('loss-plateau'), minImprovement: num }),
      z.object({ kind: z.literal('early-stopping'), patience: num }),
    ]),
    schedule: z
      .object({ kind: z.enum(SCHEDULES), warmupEpochs: num, decay: num, every: num, minLearningRate: num, patience: num })
      .optional(),
  }),
  scaling: z.enum(SCALINGS),
  datasetId: z.string().max(100),
  validation: z.boolean(),
  trainLimit: num.optional(),
  testLimit: num.optional(),
});

export interface Loaded {
  design: Design;
  /** Set when something was stored but could not be used. */
  notice: string | null;
}

/** The stored design, or the default preset (with a notice) when it is missing or unreadable. */
export function loadDesign(storage: Pick<Storage, 'getItem'> | null): Loaded {
  let text: string | null;
  try {
    text = storage?.getItem(STORAGE_KEY) ?? null;
  } catch {
    text = null;
  }
  if (text === null) return { design: defaultDesign(), notice: null };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = designSchema.safeParse(json);
  if (parsed.success) return { design: parsed.data as Design, notice: null };
  return { design: defaultDesign(), notice: 'The saved design could not be read, so Nielsen’s network.py preset was loaded instead.' };
}

/** Writes the design; storage that is full or unavailable only costs persistence. */
export function saveDesign(storage: Pick<Storage, 'setItem'> | null, design: Design): boolean {
  try {
    storage?.setItem(STORAGE_KEY, JSON.stringify(design));
    return storage !== null;
  } catch {
    return false;
  }
}
