/**
 * Samples as the dataset browser and picker draw them: images larger than MAX_DRAWN_SIDE a side
 * are averaged down (each drawn pixel the mean of a step × step box), so a page of ten 1024 × 1024
 * imports costs 128 × 128 values a sample, not a million. Pure.
 */
import { MAX_DRAWN_SIDE, type RawValues } from '../../lab/contract';

export interface DrawnSize {
  /** The sample's own size. */
  width: number;
  height: number;
  /** Source pixels per drawn pixel along each side (1: full size). */
  step: number;
  drawnWidth: number;
  drawnHeight: number;
}

/** The smallest step that brings both sides within MAX_DRAWN_SIDE. */
export function drawnSizeOf(width: number, height: number): DrawnSize {
  const step = Math.max(1, Math.ceil(width / MAX_DRAWN_SIDE), Math.ceil(height / MAX_DRAWN_SIDE));
  return { width, height, step, drawnWidth: Math.ceil(width / step), drawnHeight: Math.ceil(height / step) };
}

/** Values of drawn samples as they travel: bytes for byte images (means rounded), float32 otherwise. */
export function drawnValues(source: ArrayLike<number>, length: number): RawValues {
  return source instanceof Uint8Array ? new Uint8Array(length) : new Float32Array(length);
}

/**
 * Writes sample `index` of `values` (rows of width × height) at `out[at…]`, averaged down by the
 * size's step; a box at the right or bottom edge averages the pixels it has.
 */
export function drawSample(values: ArrayLike<number>, index: number, size: DrawnSize, out: RawValues | Float64Array, at: number): void {
  const { width, height, step, drawnWidth, drawnHeight } = size;
  const from = index * width * height;
  if (step === 1) {
    for (let k = 0; k < width * height; k++) out[at + k] = values[from + k]!;
    return;
  }
  const round = out instanceof Uint8Array;
  for (let y = 0; y < drawnHeight; y++) {
    const y1 = Math.min(height, (y + 1) * step);
    for (let x = 0; x < drawnWidth; x++) {
      const x1 = Math.min(width, (x + 1) * step);
      let sum = 0;
      for (let sy = y * step; sy < y1; sy++) for (let sx = x * step; sx < x1; sx++) sum += values[from + sy * width + sx]!;
      const mean = sum / ((y1 - y * step) * (x1 - x * step));
      out[at + y * drawnWidth + x] = round ? Math.round(mean) : mean;
    }
  }
}
