/**
 * How large a model file may be, and how large a network may be trained (the README's "Limits"
 * states the same). Pure: the machine's memory is read at the edge (the service, the CLI).
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

// ── training: the memory a network needs, bounded before anything is allocated ──────────────

/** Rows fed forward and back at once (core/engine/batch-gradients.ts CHUNK_ROWS): a larger batch is summed in chunks this size. */
const ROWS_AT_ONCE = 1000;
const FLOAT = 4;

/** What the bound is checked against: the memory training may take, and the threads 'auto' may use. */
export interface TrainingMachine {
  /** Bytes training may take (the service and the CLI give half the machine's memory: trainingMemoryBudget). */
  memoryBytes: number;
  /** Threads an 'auto' run may train with (the machine's cores, at most MAX_TRAIN_THREADS). */
  cores: number;
}

/** Half the machine's memory: the rest is the OS's, the window's and the other programs'. Read at the edge (os.totalmem). */
export const trainingMemoryBudget = (totalMemoryBytes: number): number => Math.floor(totalMemoryBytes / 2);

/**
 * About how many bytes training a network with these layer sizes takes, before any data: its
 * weights and biases, their gradients, the optimiser's state (momentum one copy, Adam two), the
 * best epoch's copy and a checkpoint being written (base64 text); each extra thread holds its own
 * weights and gradients; every thread holds z, a and δ for the rows it feeds at once.
 */
export function trainingBytesFor(sizes: readonly number[], settings: { batchSize: number; optimizer: string }, threads: number): number {
  const p = parameterCount(sizes);
  const optimiserCopies = settings.optimizer === 'adam' ? 2 : settings.optimizer === 'momentum' ? 1 : 0;
  const units = sizes.reduce((a, b) => a + b, 0);
  const activations = 3 * Math.min(settings.batchSize, ROWS_AT_ONCE) * units * FLOAT;
  const shared = (3 + optimiserCopies) * p * FLOAT + base64Length(p);
  return shared + (threads - 1) * 2 * p * FLOAT + threads * activations;
}

const gb = (bytes: number): string => (bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GB` : `${Math.ceil(bytes / 2 ** 20)} MB`);

/**
 * Why this network cannot be trained here, or an empty list: more parameters than a model file
 * may hold (checked everywhere, the designer included), or (given the machine) more memory than
 * training may take. `threads` is the run's setting (undefined = 'auto').
 */
export function trainingSizeProblems(
  spec: NetworkSpec,
  settings: { batchSize: number; optimizer: string },
  machine?: TrainingMachine,
  threads?: number | 'auto',
): { field: string; message: string }[] {
  const sizes = layerSizesOf(spec);
  if (!sizes) return [];
  const parameters = parameterCount(sizes);
  const name = sizes.join('-');
  if (parameters > MAX_MODEL_PARAMETERS)
    return [
      {
        field: 'layers',
        message: `${name} has ${parameters.toLocaleString('en')} weights and biases; Fathom trains at most ${MAX_MODEL_PARAMETERS.toLocaleString('en')} (a model file holds no more): training it would need about ${gb(trainingBytesFor(sizes, settings, 1))} of memory. Use fewer units.`,
      },
    ];
  if (!machine) return [];
  const count = threads === undefined || threads === 'auto' ? Math.max(1, machine.cores) : threads;
  const bytes = trainingBytesFor(sizes, settings, count);
  if (bytes <= machine.memoryBytes) return [];
  const alone = count > 1 ? trainingBytesFor(sizes, settings, 1) : bytes;
  const fewer = count > 1 && alone <= machine.memoryBytes ? ', or train on fewer threads (1 thread: ' + gb(alone) + ')' : '';
  return [
    {
      field: 'layers',
      message: `Training ${name} (${parameters.toLocaleString('en')} parameters, batches of ${settings.batchSize}, ${count} thread${count === 1 ? '' : 's'}) would need about ${gb(bytes)} of memory (weights, gradients, optimiser state, activations); this machine allows training ${gb(machine.memoryBytes)} (half its memory). Use fewer units or a smaller batch${fewer}.`,
    },
  ];
}
