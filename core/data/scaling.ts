/**
 * Input scaling (feature scaling), as the seed article introduces it: min-max, L2 unit norm and
 * z-score. Statistics are fitted once on training data and stored as plain JSON in
 * `ScalingParams`, so a saved model rescales new inputs (a digit drawn on a canvas) exactly
 * as it saw its training data. Pure: no Node API.
 */
import { DataError } from './errors';

export const SCALINGS = ['none', 'min-max', 'min-max-symmetric', 'z-score', 'unit-norm'] as const;
export type ScalingKind = (typeof SCALINGS)[number];

/**
 * 'global': one statistic over every value (right for images: per-pixel statistics of border
 * pixels that are always 0 are degenerate). 'feature': one per column (right for tables whose
 * columns have different units).
 */
export const SCALING_PERS = ['global', 'feature'] as const;
export type ScalingPer = (typeof SCALING_PERS)[number];

export interface NoScaling {
  kind: 'none';
}

/** x' = (x − min) / (max − min) into [0, 1], or 2·that − 1 into [−1, 1] for the symmetric kind. */
export interface MinMaxScaling {
  kind: 'min-max' | 'min-max-symmetric';
  per: ScalingPer;
  /** One value when per = 'global', one per feature otherwise. A zero range is treated as 1. */
  min: number[];
  max: number[];
}

/** x' = (x − mean) / std, population std (divide by N). */
export interface ZScoreScaling {
  kind: 'z-score';
  per: ScalingPer;
  /** One value when per = 'global', one per feature otherwise. A zero std is treated as 1. */
  mean: number[];
  std: number[];
}

/** Each sample divided by its own L2 norm; needs no statistics. A zero sample stays zero. */
export interface UnitNormScaling {
  kind: 'unit-norm';
}

export type ScalingParams = NoScaling | MinMaxScaling | ZScoreScaling | UnitNormScaling;

function checkSize(raw: ArrayLike<number>, count: number, width: number): void {
  if (!Number.isInteger(count) || !Number.isInteger(width) || count < 0 || width < 1 || raw.length < count * width) {
    throw new DataError(
      'bad-shape',
      undefined,
      `scaling expected ${count} samples × ${width} features = ${count * width} values, found ${raw.length}`,
    );
  }
}

/** Fits the statistics `kind` needs on `count` rows of `width` values: pass TRAINING data only. */
export function fitScaling(
  kind: ScalingKind,
  raw: ArrayLike<number>,
  count: number,
  width: number,
  per: ScalingPer = 'global',
): ScalingParams {
  checkSize(raw, count, width);
  if (kind === 'none' || kind === 'unit-norm') return { kind };
  if (count < 1) {
    throw new DataError('bad-shape', undefined, `scaling '${kind}' expected at least one training sample to fit on, found none`);
  }
  if (kind === 'z-score') {
    const { mean, std } = per === 'global' ? globalMeanStd(raw, count * width) : meanStd(raw, count, width);
    return { kind, per, mean, std };
  }
  const { min, max } = per === 'global' ? globalMinMax(raw, count * width) : minMax(raw, count, width);
  return { kind, per, min, max };
}

// In these loops k < count·width ≤ raw.length (checkSize) and j < width (the length of every per-feature
// array), so the `!` on their indexed reads are in range.
// The global statistics get scalar loops: over 47 M MNIST values they are ~3× faster than width-1 columns.
function globalMinMax(raw: ArrayLike<number>, n: number): { min: number[]; max: number[] } {
  let min = Infinity;
  let max = -Infinity;
  for (let k = 0; k < n; k++) {
    const x = raw[k]!;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  return { min: [min], max: [max] };
}

function globalMeanStd(raw: ArrayLike<number>, n: number): { mean: number[]; std: number[] } {
  let sum = 0;
  for (let k = 0; k < n; k++) sum += raw[k]!;
  const mean = sum / n;
  let squares = 0;
  for (let k = 0; k < n; k++) {
    const d = raw[k]! - mean;
    squares += d * d;
  }
  return { mean: [mean], std: [Math.sqrt(squares / n)] };
}

/** Per-column min and max of `count` rows of `width`. */
function minMax(raw: ArrayLike<number>, count: number, width: number): { min: number[]; max: number[] } {
  const min = new Float64Array(width).fill(Infinity);
  const max = new Float64Array(width).fill(-Infinity);
  for (let i = 0, k = 0; i < count; i++) {
    for (let j = 0; j < width; j++, k++) {
      const x = raw[k]!;
      if (x < min[j]!) min[j] = x;
      if (x > max[j]!) max[j] = x;
    }
  }
  return { min: Array.from(min), max: Array.from(max) };
}

/** Per-column mean and population std, two passes for accuracy. */
function meanStd(raw: ArrayLike<number>, count: number, width: number): { mean: number[]; std: number[] } {
  const mean = new Float64Array(width);
  for (let i = 0, k = 0; i < count; i++) {
    for (let j = 0; j < width; j++, k++) mean[j]! += raw[k]!;
  }
  for (let j = 0; j < width; j++) mean[j]! /= count;
  const variance = new Float64Array(width);
  for (let i = 0, k = 0; i < count; i++) {
    for (let j = 0; j < width; j++, k++) {
      const d = raw[k]! - mean[j]!;
      variance[j]! += d * d;
    }
  }
  return { mean: Array.from(mean), std: Array.from(variance, (v) => Math.sqrt(v / count)) };
}

/**
 * Every scaling but unit-norm is x' = (x − offset[j]) / divisor[j] · mul + add; spelled with a
 * division (not a reciprocal) so that the max maps to exactly 1.
 */
interface Affine {
  offset: Float64Array;
  divisor: Float64Array;
  mul: number;
  add: number;
}

function statistic(values: number[], per: ScalingPer, width: number, name: string): Float64Array {
  const expected = per === 'global' ? 1 : width;
  if (values.length !== expected) {
    throw new DataError(
      'bad-shape',
      undefined,
      `scaling expected ${expected} ${per} ${name} value(s) for ${width} features, found ${values.length}`,
    );
  }
  return per === 'global' ? new Float64Array(width).fill(values[0]!) : Float64Array.from(values);
}

function affine(params: MinMaxScaling | ZScoreScaling, width: number): Affine {
  if (params.kind === 'z-score') {
    const offset = statistic(params.mean, params.per, width, 'mean');
    const divisor = statistic(params.std, params.per, width, 'std').map((s) => s || 1);
    return { offset, divisor, mul: 1, add: 0 };
  }
  const offset = statistic(params.min, params.per, width, 'min');
  const max = statistic(params.max, params.per, width, 'max');
  const divisor = max.map((m, j) => m - offset[j]! || 1);
  return params.kind === 'min-max' ? { offset, divisor, mul: 1, add: 0 } : { offset, divisor, mul: 2, add: -1 };
}

/** Scales `count` rows of `width` values into a new row-major Float32Array. */
export function applyScaling(params: ScalingParams, raw: ArrayLike<number>, count: number, width: number): Float32Array {
  checkSize(raw, count, width);
  const out = new Float32Array(count * width);
  const scaleRow = rowScaler(params, width, raw instanceof Uint8Array);
  for (let i = 0; i < count; i++) scaleRow(raw, i * width, out, i * width);
  return out;
}

/**
 * Scales the row raw[start…start + width) into out[at…at + width), exactly as applyScaling does
 * (applyScaling is made of it), so inputs kept as bytes can be scaled row by row as a batch reads them.
 */
export type RowScaler = (raw: ArrayLike<number>, start: number, out: Float32Array | Float64Array, at: number) => void;

/**
 * The RowScaler of `params` for rows of `width`. With `bytes` (raw values are whole numbers 0…255)
 * the affine kinds look each value up in a table of the same float64 formula rounded to float32,
 * which gives the same numbers faster.
 */
export function rowScaler(params: ScalingParams, width: number, bytes = false): RowScaler {
  switch (params.kind) {
    case 'none':
      return (raw, start, out, at) => {
        for (let j = 0; j < width; j++) out[at + j] = raw[start + j]!;
      };
    case 'unit-norm':
      return (raw, start, out, at) => unitNormRow(raw, start, out, at, width);
    default: {
      const { offset, divisor, mul, add } = affine(params, width);
      if (bytes && params.per === 'global') {
        const table = Float32Array.from({ length: 256 }, (_, v) => ((v - offset[0]!) / divisor[0]!) * mul + add);
        return (raw, start, out, at) => {
          for (let j = 0; j < width; j++) out[at + j] = table[raw[start + j]!]!;
        };
      }
      return (raw, start, out, at) => {
        for (let j = 0; j < width; j++) out[at + j] = Math.fround(((raw[start + j]! - offset[j]!) / divisor[j]!) * mul + add);
      };
    }
  }
}

function unitNormRow(raw: ArrayLike<number>, start: number, out: Float32Array | Float64Array, at: number, width: number): void {
  let sumSquares = 0;
  for (let k = start; k < start + width; k++) sumSquares += raw[k]! * raw[k]!;
  if (sumSquares === 0) {
    // a blank sample has no direction: it stays zero
    for (let j = 0; j < width; j++) out[at + j] = 0;
    return;
  }
  const norm = Math.sqrt(sumSquares);
  for (let j = 0; j < width; j++) out[at + j] = Math.fround(raw[start + j]! / norm);
}

/** Scales one input, e.g. a digit drawn on a canvas, with the parameters of the training data. */
export function scaleSample(params: ScalingParams, x: ArrayLike<number>): Float32Array {
  return applyScaling(params, x, 1, x.length);
}
