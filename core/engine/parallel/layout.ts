/**
 * The shared memory of one data-parallel run: every buffer the coordinator and its workers both
 * see, carved out of one SharedArrayBuffer (with the wasm kernels: a stretch of the run's shared
 * wasm memory, so the kernels read it without copies) in a fixed order, so each side can rebuild
 * the views from the buffer, an offset and a few sizes. No worker_threads here.
 */
import type { FloatArray } from '../activations';
import type { Gradients } from '../network';

/** Slots of the Int32 control block. */
export const Slot = {
  /** Bumped by the coordinator for every command; workers wait on it. */
  Generation: 0,
  Command: 1,
  /** Workers that finished the current command. */
  Done: 2,
  /** 1 when a worker failed; its message is in the error bytes. */
  Failed: 3,
  ErrorLength: 4,
  /** Rows in the current batch, and the shards it is cut into. */
  Rows: 5,
  Shards: 6,
  /** The batch's dropout seed (as int32): each shard draws its masks from a Rng seeded by it and the shard's number. */
  Seed: 7,
  Count: 8,
} as const;

export const Command = { None: 0, Compute: 1, Quit: 3 } as const;
export type Command = (typeof Command)[keyof typeof Command];

const ERROR_BYTES = 2048;

/** The sizes both sides need to lay the buffer out identically. */
export interface LayoutSizes {
  /** Values per sample of every layer l = 0…L (a batch row holds sizes[0] inputs and sizes[L] targets). */
  sizes: number[];
  /** Weights and biases of every layer l = 0…L (index 0 empty): a dense layer's n_l·n_{l−1} and n_l, a conv layer's kernels and biases, batchnorm's γ and β, 0 for pooling and dropout. */
  weights: number[];
  biases: number[];
  /** Most rows one batch can have. */
  maxRows: number;
  /** Most shards one batch is cut into. */
  shards: number;
}

export interface SharedLayout {
  buffer: SharedArrayBuffer;
  /** Bytes from `at` that the layout uses. */
  bytes: number;
  control: Int32Array;
  /** w[l], b[l] as in Network (index 0 empty). */
  w: Float32Array[];
  b: Float32Array[];
  /** Every parameter gradient of shard s, flat: nablaW[1…L] then nablaB[1…L]; `shardGrads[s]` views it per layer. */
  shardFlat: Float32Array[];
  shardGrads: Gradients[];
  /** Σ_x C_x and the correct count of every shard. */
  shardCost: Float64Array;
  shardCorrect: Int32Array;
  /** The batch: inputs, targets, labels (−1 without labels). */
  x: Float32Array;
  y: Float32Array;
  labels: Int32Array;
  errorBytes: Uint8Array;
  /** Number of parameters (weights + biases). */
  parameters: number;
}

// 16-byte aligned: SIMD loads of the shards' gradients are fastest on whole vectors.
const align16 = (n: number): number => (n + 15) & ~15;

/** The layout sizes of a network's parameters, for batches of at most `maxRows` rows cut into at most `shards`. */
export function layoutSizesOf(
  net: { sizes: number[]; w: ArrayLike<number>[]; b: ArrayLike<number>[] },
  maxRows: number,
  shards: number,
): LayoutSizes {
  return { sizes: net.sizes, weights: net.w.map((w) => w.length), biases: net.b.map((b) => b.length), maxRows, shards };
}

/** Bytes the layout of these sizes takes. */
export function layoutBytes(s: LayoutSizes): number {
  return sharedLayout(s, undefined, 0, true).bytes;
}

/** Lays out `buffer` from byte `at` (16-aligned), or a new buffer of the right size. */
export function sharedLayout(s: LayoutSizes, buffer?: SharedArrayBuffer, at = 0, measureOnly = false): SharedLayout {
  const L = s.sizes.length - 1;
  const wLen = s.weights.map((n, l) => (l === 0 ? 0 : n));
  const bLen = s.biases.map((n, l) => (l === 0 ? 0 : n));
  const parameters = wLen.reduce((a, n) => a + n, 0) + bLen.reduce((a, n) => a + n, 0);
  const nIn = s.sizes[0]!;
  const nOut = s.sizes[L]!;
  // Byte offsets, in order (aligned, so the Float64 block can sit anywhere).
  let top = at;
  const take = (bytes: number): number => {
    const start = top;
    top = align16(top + bytes);
    return start;
  };
  const controlAt = take(Slot.Count * 4);
  // Right after the control block, so a worker can report a failure whatever else went wrong.
  const errorAt = take(ERROR_BYTES);
  const wAt = wLen.map((n) => take(n * 4));
  const bAt = bLen.map((n) => take(n * 4));
  const shardAt = Array.from({ length: s.shards }, () => take(parameters * 4));
  const costAt = take(s.shards * 8);
  const correctAt = take(s.shards * 4);
  const xAt = take(s.maxRows * nIn * 4);
  const yAt = take(s.maxRows * nOut * 4);
  const labelsAt = take(s.maxRows * 4);
  if (measureOnly) return { bytes: top - at } as SharedLayout;
  const buf = buffer ?? new SharedArrayBuffer(top);
  if (buf.byteLength < top) throw new RangeError(`The shared buffer has ${buf.byteLength} bytes; this layout needs ${top}.`);
  const gradients = (flat: Float32Array): Gradients => {
    let at = 0;
    const view = (n: number): FloatArray => {
      const v = flat.subarray(at, at + n);
      at += n;
      return v;
    };
    const nablaW = wLen.map(view);
    const nablaB = bLen.map(view);
    return { nablaW, nablaB };
  };
  const shardFlat = shardAt.map((at) => new Float32Array(buf, at, parameters));
  return {
    buffer: buf,
    bytes: top - at,
    control: new Int32Array(buf, controlAt, Slot.Count),
    w: wLen.map((n, l) => new Float32Array(buf, wAt[l]!, n)),
    b: bLen.map((n, l) => new Float32Array(buf, bAt[l]!, n)),
    shardFlat,
    shardGrads: shardFlat.map(gradients),
    shardCost: new Float64Array(buf, costAt, s.shards),
    shardCorrect: new Int32Array(buf, correctAt, s.shards),
    x: new Float32Array(buf, xAt, s.maxRows * nIn),
    y: new Float32Array(buf, yAt, s.maxRows * nOut),
    labels: new Int32Array(buf, labelsAt, s.maxRows),
    errorBytes: new Uint8Array(buf, errorAt, ERROR_BYTES),
    parameters,
  };
}

/**
 * The shards of a batch of `rows`: at most `maxShards`, each at least `minRows` rows (one shard
 * when the batch is smaller). Depends on the batch only — never on the number of workers — so
 * the summed gradient is the same for any worker count.
 */
export function shardCount(rows: number, maxShards: number, minRows: number): number {
  return Math.max(1, Math.min(maxShards, Math.floor(rows / minRows)));
}

/** Row range [start, end) of shard s of `shards` over `rows` rows: contiguous, sizes differ by ≤ 1. */
export function shardRows(s: number, shards: number, rows: number): [number, number] {
  return [Math.floor((s * rows) / shards), Math.floor(((s + 1) * rows) / shards)];
}

/** Writes a failure message into the shared error bytes (truncated to fit). */
export function writeError(layout: SharedLayout, message: string): void {
  const bytes = new TextEncoder().encode(message).subarray(0, layout.errorBytes.length);
  layout.errorBytes.set(bytes);
  Atomics.store(layout.control, Slot.ErrorLength, bytes.length);
  Atomics.store(layout.control, Slot.Failed, 1);
}

export function readError(layout: SharedLayout): string {
  const n = Atomics.load(layout.control, Slot.ErrorLength);
  // TextDecoder refuses views on shared memory: copy first.
  return new TextDecoder().decode(layout.errorBytes.slice(0, n));
}
