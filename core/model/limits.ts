/**
 * How large a model file may be (the README's "Limits" states the same). Pure.
 *
 * The network schemas bound each layer (≤ 100,000 units, ≤ 64 layers) but not their product, so
 * the bound here is on parameters: 50 million float32 weights and biases are 200 MB in memory, and
 * training keeps several buffers of that size (weights, gradients, two Adam moments, the best
 * epoch's copy, a checkpoint being written): about 1.5 GB before any data, the most a desktop lab
 * sensibly trains. A file holds them as base64 (4 characters per 3 bytes) plus everything else
 * (spec, scaling statistics of up to a million inputs, settings, dataset, per-epoch history).
 */
import type { NetworkSpec } from '../engine/spec';

/** The most weights and biases a model file may hold. */
export const MAX_MODEL_PARAMETERS = 50_000_000;

/** Room for everything in a model file but its weights and biases. */
export const MODEL_OTHER_BYTES = 128 * 1024 * 1024;

/** Characters of base64 for `floats` float32 values, padding included. */
const base64Length = (floats: number): number => 4 * Math.ceil((4 * floats) / 3);

/** The most bytes a model file with these layer sizes (inputs first) can need. */
export function modelFileBytesFor(sizes: readonly number[]): number {
  let bytes = MODEL_OTHER_BYTES;
  for (let l = 1; l < sizes.length; l++) bytes += base64Length(sizes[l]! * sizes[l - 1]!) + base64Length(sizes[l]!);
  return bytes;
}

/** Weights and biases of a network with these layer sizes (inputs first). */
export function parameterCount(sizes: readonly number[]): number {
  let count = 0;
  for (let l = 1; l < sizes.length; l++) count += sizes[l]! * (sizes[l - 1]! + 1);
  return count;
}

/** The largest model file Fathom opens: MAX_MODEL_PARAMETERS in one layer, and the room for the rest (≈ 395 MiB). */
export const MAX_MODEL_FILE_BYTES = MODEL_OTHER_BYTES + base64Length(MAX_MODEL_PARAMETERS) + 64 * 2 * 4;

/** The layer sizes of a spec that at least looks like one (numbers where they belong), else undefined. */
export function layerSizesOf(spec: unknown): number[] | undefined {
  const s = spec as Partial<NetworkSpec> | undefined;
  if (typeof s !== 'object' || s === null || !Number.isSafeInteger(s.inputSize) || !Array.isArray(s.layers)) return undefined;
  const units = s.layers.map((layer) => (layer as { units?: unknown } | null)?.units);
  if (!units.every((u) => Number.isSafeInteger(u) && (u as number) > 0)) return undefined;
  return [s.inputSize!, ...(units as number[])];
}
