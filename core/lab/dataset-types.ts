/** The datasets' side of window.lab: what the window is told about datasets, imports and the library (verbs.ts). */
import type { DataErrorCode } from '../data/errors';
import type { TargetProfile } from '../engine/target-profile';

export interface DatasetInfo {
  id: string;
  name: string;
  kind: 'classification' | 'regression';
  inputShape: number[];
  classes: string[];
  /** `validation`: a library dataset's fixed validation split (absent for MNIST, which holds out 10,000 training images on request). */
  sizes: { train: number; validation?: number; test: number };
  builtIn: boolean;
  /** What the training targets look like (absent if they could not be read): lets the designer flag a loss that cannot use them. */
  targets?: TargetProfile;
}

/**
 * The most bytes of data one window.lab reply carries (pixels, weights, means…). Structured clone
 * copies a reply whole, in the main process and again in the window: a reply of a few hundred MB
 * would exhaust the main process's heap, so a request that would need more is refused with the
 * reason (or, for pages of samples, answered with fewer rows), and the window asks in parts.
 */
export const MAX_REPLY_BYTES = 16 * 1024 * 1024;

/** Raw sample values as they travel: bytes for images stored as bytes, float32 for tables. Typed arrays survive structured clone as one block. */
export type RawValues = Uint8Array | Float32Array;

/** The longest side of an image the dataset browser and picker draw: larger images are averaged down (box filter) to fit. */
export const MAX_DRAWN_SIDE = 128;

/** A page of raw (unscaled, 0–255 for images) samples for the dataset picker. */
export interface SampleImages {
  /** The drawn size (after averaging down; see `step`). */
  width: number;
  height: number;
  /** Each drawn pixel is the mean of a step × step box of the sample (1: full size, images up to MAX_DRAWN_SIDE a side). */
  step: number;
  labels: number[];
  /** count × width × height raw values, row-major. */
  pixels: RawValues;
}

/** What an import asks the main process's dialog for: files of one format, or 'auto' (recognised from the names). */
export const IMPORT_KINDS = ['idx', 'csv', 'image-folder', 'auto'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/** Progress of an import (0…1), on the same event stream as the runs' events. */
export interface ImportProgressEvent {
  type: 'import-progress';
  importId: string;
  fraction: number;
}

export type ImportResult =
  | { status: 'cancelled'; importId: string }
  /** Nothing was imported and the library is unchanged; `message` names the file and the row, byte or image at fault. */
  | { status: 'failed'; importId: string; code: DataErrorCode; message: string }
  | { status: 'imported'; importId: string; dataset: DatasetInfo; notes: string[] };

export interface ClassificationOverview {
  /** How one sample is drawn: the last dimension is the width (a table is one row of cells), averaged down to at most MAX_DRAWN_SIDE a side. */
  width: number;
  height: number;
  /** Each drawn pixel is the mean of a step × step box of the sample (1: full size). */
  step: number;
  /** The range of the raw training inputs (0–255 for grey images). */
  min: number;
  max: number;
  /** Samples per class in each split (validation: all zero for MNIST). */
  counts: { train: number[]; validation: number[]; test: number[] };
  /** Per shown class, the mean of its training samples (raw values, width × height row-major); empty for an empty class. */
  means: Float32Array[];
  /** Per shown class, its first few training samples (raw values, drawn size). */
  samples: RawValues[][];
  /** Means and samples cover the first `shownClasses` classes (at most 64). */
  shownClasses: number;
}

export interface RegressionOverview {
  features: string[];
  targets: string[];
  /** Up to 500 training rows spread over the split, raw: for a scatter of a target against a column. */
  rows: { inputs: number[]; targets: number[] }[];
  /** Range and mean of every input and target column over the training split. */
  columns: { name: string; role: 'input' | 'target'; min: number; max: number; mean: number }[];
}

/** What the dataset browser shows of one dataset. */
export interface DatasetOverview {
  dataset: DatasetInfo;
  sizes: { train: number; validation: number; test: number };
  /** Where it was imported from (null for the built-in MNIST). */
  source: { format: string; path: string; files: { name: string; sha256: string; bytes: number }[] } | null;
  /** SHA-256 over the source files (null for MNIST). */
  fingerprint: string | null;
  createdAt: string | null;
  /** What the import noticed: a header row, images resized, files ignored… */
  notes: string[];
  classification?: ClassificationOverview;
  regression?: RegressionOverview;
}

/** A regression run's latest model on its dataset's test split: predicted against actual, for a scatter. */
export interface RegressionPredictions {
  runId: string;
  datasetId: string;
  /** The epoch of the model's weights (null: untrained). */
  epoch: number | null;
  targets: string[];
  /** Up to 500 test rows spread over the split, in target units. */
  actual: number[][];
  predicted: number[][];
  /** Root mean square error of each target over the test split. */
  rmse: number[];
  /** Test rows the error is computed over. */
  count: number;
}
