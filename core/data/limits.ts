/**
 * How much data Fathom reads, in one place (the README's "Limits" lists the same). Every reader
 * checks these before it allocates or decodes: sizes on disk from stat, image sizes from the PNG
 * header, array sizes from the IDX header, rows and columns of a CSV as they stream. Going over one
 * is a DataError 'too-large' naming the file and the limit; nothing is imported. Pure.
 */
import { DataError } from './errors';

export interface DataLimits {
  /** Samples (rows or images) in one dataset, all splits together. */
  samples: number;
  /** Input values in one dataset, all splits together: samples × values per sample. */
  values: number;
  /** Pixels in one image (width × height, from its PNG header, checked before it is decoded). */
  imagePixels: number;
  /** Pixels decoded over a whole image-folder import (every image's width × height before resizing). */
  decodedPixels: number;
  /** Bytes of one PNG file. */
  imageFileBytes: number;
  /** Bytes of one IDX file on disk, raw or gzipped. */
  idxFileBytes: number;
  /** Bytes of one CSV file on disk, and of its text once gunzipped. */
  csvBytes: number;
  /** Columns in a CSV row. */
  csvColumns: number;
  /** Characters in one CSV line. */
  csvLineChars: number;
  /** Bytes of a library dataset's manifest.json. */
  manifestBytes: number;
}

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** EMNIST ByClass, the largest common image set, holds 814,255 × 784 ≈ 638 million values; this leaves room above it. */
const VALUES = 1_000_000_000;
/** The largest size the image importer resizes to is 4096 × 4096; no source image may be larger. */
const IMAGE_PIXELS = 4096 * 4096;

export const DATA_LIMITS: Readonly<DataLimits> = Object.freeze({
  samples: 10_000_000,
  values: VALUES,
  imagePixels: IMAGE_PIXELS,
  decodedPixels: VALUES,
  // The largest image stored without compression at 16 bits per RGBA channel (8 bytes a pixel), plus its headers.
  imageFileBytes: 8 * IMAGE_PIXELS + MiB,
  // The IDX header plus one byte per value of the largest dataset; gzip can only add a little to that.
  idxFileBytes: VALUES + VALUES / 1000 + MiB,
  csvBytes: 4 * GiB,
  csvColumns: 100_000,
  // 100,000 columns of up to 40 characters each.
  csvLineChars: 4 * MiB,
  manifestBytes: 64 * MiB,
});

/** The limits in force: the defaults, with any a caller (a test) lowers. */
export function limitsWith(overrides: Partial<DataLimits> | undefined): DataLimits {
  return { ...DATA_LIMITS, ...overrides };
}

const count = (n: number): string => n.toLocaleString('en');

/** The 'too-large' refusal: `what` is what the limit counts ('samples in a dataset'). */
export function overLimit(file: string | undefined, what: string, limit: number, found: string): DataError {
  return new DataError('too-large', file, `expected at most ${count(limit)} ${what} (Fathom's limit), found ${found}`);
}

/**
 * What one import has read so far, against the per-dataset limits: every reader adds its samples
 * as it finds them (an IDX header, a CSV row, a PNG header), so the first file or row over a limit
 * is refused before the data is read.
 */
export class DatasetBudget {
  private samples = 0;
  private values = 0;
  private decoded = 0;

  constructor(readonly limits: DataLimits) {}

  /** Counts `samples` more samples of `width` input values each. */
  add(file: string | undefined, samples: number, width: number): void {
    this.samples += samples;
    this.values += samples * width;
    if (this.samples > this.limits.samples)
      throw overLimit(file, 'samples in a dataset', this.limits.samples, `${count(this.samples)} with this file`);
    if (this.values > this.limits.values)
      throw overLimit(file, 'input values in a dataset', this.limits.values, `${count(this.values)} with this file`);
  }

  /** Counts an image of `pixels` pixels about to be decoded. */
  decode(file: string, pixels: number): void {
    if (pixels > this.limits.imagePixels) throw overLimit(file, 'pixels in an image', this.limits.imagePixels, count(pixels));
    this.decoded += pixels;
    if (this.decoded > this.limits.decodedPixels)
      throw overLimit(file, 'pixels decoded in one import', this.limits.decodedPixels, `${count(this.decoded)} with this image`);
  }
}
