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
import { layerShapes, parameterCounts, shapeProblems } from '../engine/shapes';
import { isDense, networkSizes, type NetworkSpec } from '../engine/spec';

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
  return footprintBytes({ parameters: parameterCount(sizes), perRow: 3 * sizes.reduce((a, b) => a + b, 0) }, settings, threads);
}

/** What training a network holds: its parameters, and the values it keeps per row fed at once. */
interface Footprint {
  parameters: number;
  perRow: number;
}

function footprintBytes({ parameters: p, perRow }: Footprint, settings: { batchSize: number; optimizer: string }, threads: number): number {
  const optimiserCopies = settings.optimizer === 'adam' ? 2 : settings.optimizer === 'momentum' ? 1 : 0;
  const activations = Math.min(settings.batchSize, ROWS_AT_ONCE) * perRow * FLOAT;
  const shared = (3 + optimiserCopies) * p * FLOAT + base64Length(p);
  return shared + (threads - 1) * 2 * p * FLOAT + threads * activations;
}

/**
 * A network with convolution, pooling, dropout or batchnorm layers: its parameters, and per row z,
 * a and δ of every layer plus a mask or index per value (dropout, pooling) and the largest im2col
 * matrix (one column of channelsIn·k·k values per output position). Undefined for a spec whose
 * shapes do not fit (its own problems say why).
 */
function spatialFootprint(spec: NetworkSpec): Footprint | undefined {
  try {
    if (shapeProblems(spec).length > 0) return undefined;
    const shapes = layerShapes(spec);
    let im2col = 0;
    spec.layers.forEach((layer, i) => {
      if (layer.kind !== 'conv') return;
      const input = shapes[i]!;
      const output = shapes[i + 1]!;
      im2col = Math.max(im2col, input.channels * layer.kernel * layer.kernel * output.height * output.width);
    });
    const values = shapes.reduce((sum, shape) => sum + shape.size, 0);
    return { parameters: parameterCounts(spec).reduce((a, b) => a + b, 0), perRow: 4 * values + 2 * im2col };
  } catch {
    return undefined;
  }
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
  const spatial = sizes || !Array.isArray(spec.layers) || spec.layers.every(isDense) ? undefined : spatialFootprint(spec);
  if (!sizes && !spatial) return [];
  const footprint: Footprint = spatial ?? { parameters: parameterCount(sizes!), perRow: 3 * sizes!.reduce((a, b) => a + b, 0) };
  const bytesFor = (threads: number): number => footprintBytes(footprint, settings, threads);
  const parameters = footprint.parameters;
  const name = spatial ? networkSizes(spec) : sizes!.join('-');
  if (parameters > MAX_MODEL_PARAMETERS)
    return [
      {
        field: 'layers',
        message: `${name} has ${parameters.toLocaleString('en')} weights and biases; Fathom trains at most ${MAX_MODEL_PARAMETERS.toLocaleString('en')} (a model file holds no more): training it would need about ${gb(bytesFor(1))} of memory. Use fewer units.`,
      },
    ];
  if (!machine) return [];
  const count = threads === undefined || threads === 'auto' ? Math.max(1, machine.cores) : threads;
  const bytes = bytesFor(count);
  if (bytes <= machine.memoryBytes) return [];
  const alone = count > 1 ? bytesFor(1) : bytes;
  const fewer = count > 1 && alone <= machine.memoryBytes ? ', or train on fewer threads (1 thread: ' + gb(alone) + ')' : '';
  return [
    {
      field: 'layers',
      message: `Training ${name} (${parameters.toLocaleString('en')} parameters, batches of ${settings.batchSize}, ${count} thread${count === 1 ? '' : 's'}) would need about ${gb(bytes)} of memory (weights, gradients, optimiser state, activations); this machine allows training ${gb(machine.memoryBytes)} (half its memory). Use fewer ${spatial ? 'filters or units' : 'units'} or a smaller batch${fewer}.`,
    },
  ];
}
