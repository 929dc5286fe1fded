/**
 * Prepares a drawn digit the way the MNIST digits were prepared (LeCun et al.): the ink's bounding
 * box is scaled to fit a 20 × 20 box keeping its aspect ratio, with anti-aliasing, then placed in
 * a 28 × 28 field so that its centre of mass sits at the field's centre. Every step is returned so
 * the UI can show it. Pure: no Node API, no DOM.
 *
 * Coordinates run from the image's top-left corner; pixel (row i, column j) covers
 * [j, j+1] × [i, i+1], so its centre is (j + ½, i + ½) and the centre of the 28 × 28 field is (14, 14).
 */
import { scaleSample, type ScalingParams } from '../data/scaling';
import { InspectError } from './errors';

/** Side of the square field MNIST digits live in. */
export const FIELD = 28;
/** Side of the box the digit's bounding box is fitted into. */
export const BOX = 20;

/** A grey image, row-major; in every step below the values are ink in [0, 1]. */
export interface GreyImage {
  width: number;
  height: number;
  pixels: Float32Array;
}

/** A drawing as it comes from a canvas: any size, ink = high values. */
export interface GreyImageInput {
  width: number;
  height: number;
  pixels: ArrayLike<number>;
}

export interface PrepareOptions {
  /**
   * 'byte' = grey levels 0..255, 'unit' = 0..1, 'auto' (default) = 'byte' when any value exceeds 1.
   * A drawing in 0..255 whose brightest pixel is 1 would be read as full ink by 'auto': say 'byte'.
   */
  range?: 'auto' | 'byte' | 'unit';
  /** A pixel counts as ink for the bounding box when its value (in 0..1) is above this; default 0. */
  threshold?: number;
}

export interface Point {
  x: number;
  y: number;
}

export interface PreparedDigit {
  status: 'prepared';
  /** The drawing cut to the ink's bounding box, in 0..1. */
  cropped: GreyImage;
  /** `cropped` area-averaged so its longer side is 20 px and the aspect ratio is kept. */
  fitted20: GreyImage;
  /** `fitted20` placed in the 28 × 28 field with its centre of mass moved to (14, 14). */
  centred28: GreyImage;
  /** Centre of mass of `fitted20`, in its own coordinates. */
  centreOfMass: Point;
  /**
   * Where `fitted20`'s top-left corner lands in the field: round(14 − centre of mass), kept within
   * [0, 28 − size] so that no ink falls off the field (only a lopsided drawing needs that).
   */
  offset: Point;
}

export interface NothingDrawn {
  status: 'nothing-drawn';
  message: string;
}

export type DigitPreparation = PreparedDigit | NothingDrawn;

export const NOTHING_DRAWN: NothingDrawn = { status: 'nothing-drawn', message: 'Nothing drawn yet: draw a digit to see it prepared.' };

/** Runs every step on a drawing; a drawing with no ink gives `NOTHING_DRAWN`. */
export function prepareDigit(image: GreyImageInput, options: PrepareOptions = {}): DigitPreparation {
  const threshold = options.threshold ?? 0;
  if (!(threshold >= 0 && threshold < 1)) throw new InspectError('bad-option', `threshold must be in [0, 1), got ${threshold}`);
  const unit = toUnit(image, options.range ?? 'auto');
  const box = inkBounds(unit, threshold);
  if (!box) return NOTHING_DRAWN;
  const cropped = crop(unit, box.left, box.top, box.right - box.left, box.bottom - box.top);
  const scale = BOX / Math.max(cropped.width, cropped.height);
  const fitted20 = resampleArea(cropped, Math.max(1, Math.round(cropped.width * scale)), Math.max(1, Math.round(cropped.height * scale)));
  // Ink above the threshold survives area-averaging with a positive sum, so this is never null.
  const centreOfMass = centreOfMassOf(fitted20)!;
  const offset = {
    x: clamp(Math.round(FIELD / 2 - centreOfMass.x), 0, FIELD - fitted20.width),
    y: clamp(Math.round(FIELD / 2 - centreOfMass.y), 0, FIELD - fitted20.height),
  };
  const centred28 = place(fitted20, FIELD, FIELD, offset.x, offset.y);
  return { status: 'prepared', cropped, fitted20, centred28, centreOfMass, offset };
}

/**
 * The network's input for a prepared 28 × 28 image: grey levels back to 0..255, as the MNIST
 * training data was read, then scaled with the model's saved training statistics.
 */
export function toModelInput(centred28: GreyImage, scaling: ScalingParams): Float32Array {
  const raw = new Float32Array(centred28.pixels.length);
  for (let k = 0; k < raw.length; k++) raw[k] = centred28.pixels[k]! * 255;
  return scaleSample(scaling, raw);
}

/** Centre of mass Σ v·(x + ½) / Σ v (likewise y), or null for an image with no ink. */
export function centreOfMassOf(image: GreyImage): Point | null {
  let mass = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0, k = 0; i < image.height; i++) {
    for (let j = 0; j < image.width; j++, k++) {
      const v = image.pixels[k]!;
      mass += v;
      sx += v * (j + 0.5);
      sy += v * (i + 0.5);
    }
  }
  return mass > 0 ? { x: sx / mass, y: sy / mass } : null;
}

/**
 * Area-averaging (box-filter) resampling: each output pixel is the mean of the source area it
 * covers, fractional pixels weighted by their overlap. Thin strokes keep grey levels instead of
 * vanishing, and the mean ink is preserved, so the total scales with the area.
 */
export function resampleArea(source: GreyImage, width: number, height: number): GreyImage {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new InspectError('bad-option', `resampleArea needs a positive integer size, got ${width} × ${height}`);
  }
  const xs = overlaps(source.width, width);
  const ys = overlaps(source.height, height);
  // Horizontal pass: source.height rows × width columns.
  const rows = new Float64Array(source.height * width);
  for (let i = 0; i < source.height; i++) {
    const base = i * source.width;
    for (let j = 0; j < width; j++) {
      let sum = 0;
      for (const [x, w] of xs[j]!) sum += w * source.pixels[base + x]!;
      rows[i * width + j] = sum;
    }
  }
  // Vertical pass.
  const pixels = new Float32Array(width * height);
  for (let i = 0; i < height; i++) {
    for (let j = 0; j < width; j++) {
      let sum = 0;
      for (const [y, w] of ys[i]!) sum += w * rows[y * width + j]!;
      pixels[i * width + j] = sum;
    }
  }
  return { width, height, pixels };
}

/**
 * For each of `to` output cells along an axis of `from` source pixels: the source pixels it
 * overlaps and their weights (overlap ÷ cell length, so the weights sum to 1).
 */
function overlaps(from: number, to: number): [number, number][][] {
  const step = from / to;
  const cells: [number, number][][] = [];
  for (let c = 0; c < to; c++) {
    const start = c * step;
    const end = (c + 1) * step;
    const cell: [number, number][] = [];
    for (let p = Math.floor(start); p < Math.min(from, Math.ceil(end)); p++) {
      const overlap = Math.min(end, p + 1) - Math.max(start, p);
      if (overlap > 1e-12) cell.push([p, overlap / step]);
    }
    cells.push(cell);
  }
  return cells;
}

function toUnit(image: GreyImageInput, range: 'auto' | 'byte' | 'unit'): GreyImage {
  const { width, height, pixels } = image;
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new InspectError('bad-image', `an image needs a positive integer width and height, got ${width} × ${height}`);
  }
  if (pixels.length !== width * height) {
    throw new InspectError('bad-image', `a ${width} × ${height} image needs ${width * height} pixels, found ${pixels.length}`);
  }
  let max = 0;
  for (let k = 0; k < pixels.length; k++) {
    const v = pixels[k]!;
    if (!(v >= 0 && v <= 255)) throw new InspectError('bad-image', `pixel ${k} is ${v}; grey levels must lie in 0..255 (or 0..1)`);
    if (v > max) max = v;
  }
  const byte = range === 'byte' || (range === 'auto' && max > 1);
  if (!byte && max > 1) throw new InspectError('bad-image', `range 'unit' expects values in 0..1, found ${max}`);
  const out = new Float32Array(pixels.length);
  for (let k = 0; k < out.length; k++) out[k] = byte ? pixels[k]! / 255 : pixels[k]!;
  return { width, height, pixels: out };
}

/** The half-open bounding box [left, right) × [top, bottom) of pixels above the threshold. */
function inkBounds(image: GreyImage, threshold: number): { left: number; top: number; right: number; bottom: number } | null {
  let left = image.width;
  let top = image.height;
  let right = 0;
  let bottom = 0;
  for (let i = 0, k = 0; i < image.height; i++) {
    for (let j = 0; j < image.width; j++, k++) {
      if (image.pixels[k]! > threshold) {
        if (j < left) left = j;
        if (j >= right) right = j + 1;
        if (i < top) top = i;
        bottom = i + 1;
      }
    }
  }
  return right > 0 ? { left, top, right, bottom } : null;
}

function crop(image: GreyImage, left: number, top: number, width: number, height: number): GreyImage {
  const pixels = new Float32Array(width * height);
  for (let i = 0; i < height; i++) {
    const from = (top + i) * image.width + left;
    pixels.set(image.pixels.subarray(from, from + width), i * width);
  }
  return { width, height, pixels };
}

function place(image: GreyImage, width: number, height: number, x: number, y: number): GreyImage {
  const pixels = new Float32Array(width * height);
  for (let i = 0; i < image.height; i++) {
    pixels.set(image.pixels.subarray(i * image.width, (i + 1) * image.width), (y + i) * width + x);
  }
  return { width, height, pixels };
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
