/**
 * Loads any image-classification dataset stored as four IDX files (MNIST, Fashion-MNIST…):
 * optional validation split, optional size limits, scaling fitted on the training split only.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Dataset } from './dataset';
import { DataError } from './errors';
import type { IdxImageSet } from './idx';
import { readIdxImageSet } from './idx-files';
import { fitScaling } from './scaling';
import type { ScalingKind, ScalingParams, ScalingPer } from './scaling';
import { toSamples } from './classification';

/** Paths of the four files; raw or gzipped. */
export interface IdxDatasetFiles {
  trainImages: string;
  trainLabels: string;
  testImages: string;
  testLabels: string;
}

export interface IdxDatasetOptions {
  /** Default 'min-max' (grey levels 0..255 → [0, 1]). */
  scaling?: ScalingKind;
  /** Default 'global': per-pixel statistics are degenerate on always-blank borders. */
  per?: ScalingPer;
  /** Nielsen's split: the last `validationSize` training images become the validation set. */
  validation?: boolean;
  /** Default 10,000 (leaving MNIST 50,000 for training). */
  validationSize?: number;
  /** Keep only the first N of each split, for quick runs and tests. */
  trainLimit?: number;
  validationLimit?: number;
  testLimit?: number;
}

export interface IdxDatasetSource extends IdxDatasetFiles, IdxDatasetOptions {
  name: string;
  /** Class names, index = label; default '0'..'9'. Their number bounds the labels. */
  classes?: string[];
}

/** A Dataset plus the scaling fitted on its training split: save `scaling` with any model trained on it. */
export interface ScaledDataset extends Dataset {
  scaling: ScalingParams;
}

/** The unscaled images and labels as read from disk; shared through the cache, so never mutate them. */
export interface RawIdxSets {
  train: IdxImageSet;
  test: IdxImageSet;
}

const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** Parsed files by path, size and mtime: a second load in one process skips re-reading ~50 MB. */
const cache = new Map<string, IdxImageSet>();

function fingerprint(path: string): string | undefined {
  try {
    const stat = statSync(path);
    return `${resolve(path)}|${stat.size}|${stat.mtimeMs}`;
  } catch {
    return undefined; // let the read itself report why the file is unusable
  }
}

function readCached(imagesPath: string, labelsPath: string, classCount: number): IdxImageSet {
  const images = fingerprint(imagesPath);
  const labels = fingerprint(labelsPath);
  if (images === undefined || labels === undefined) return readIdxImageSet(imagesPath, labelsPath, classCount);
  const key = `${images}\n${labels}\n${classCount}`;
  let set = cache.get(key);
  if (set === undefined) {
    set = readIdxImageSet(imagesPath, labelsPath, classCount);
    cache.set(key, set);
  }
  return set;
}

/** Forgets every parsed file, e.g. to free memory after training. */
export function clearIdxCache(): void {
  cache.clear();
}

/** Reads (or reuses) the training and test sets, checking that both hold images of one size. */
export function readIdxSets(files: IdxDatasetFiles, classCount = DIGITS.length): RawIdxSets {
  const train = readCached(files.trainImages, files.trainLabels, classCount);
  const test = readCached(files.testImages, files.testLabels, classCount);
  if (test.rows !== train.rows || test.cols !== train.cols) {
    throw new DataError(
      'bad-dimensions',
      files.testImages,
      `expected ${train.rows}×${train.cols} images like the training set, found ${test.rows}×${test.cols}`,
    );
  }
  return { train, test };
}

function limited(available: number, limit: number | undefined, option: string): number {
  if (limit === undefined) return available;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new DataError('bad-option', undefined, `expected ${option} to be a whole number ≥ 1, found ${limit}`);
  }
  return Math.min(limit, available);
}

/** A contiguous run of rows [start, start + count) as a view, no copy. */
function rows(set: IdxImageSet, start: number, count: number): { pixels: Uint8Array; labels: Uint8Array } {
  const width = set.rows * set.cols;
  return {
    pixels: set.pixels.subarray(start * width, (start + count) * width),
    labels: set.labels.subarray(start, start + count),
  };
}

export function loadIdxDataset(source: IdxDatasetSource): ScaledDataset {
  const classes = source.classes ?? DIGITS;
  const { train, test } = readIdxSets(source, classes.length);
  const width = train.rows * train.cols;

  let trainCount = train.count;
  let validationCount = 0;
  if (source.validation) {
    validationCount = source.validationSize ?? 10_000;
    if (!Number.isInteger(validationCount) || validationCount < 1 || validationCount >= train.count) {
      throw new DataError(
        'bad-option',
        undefined,
        `expected validationSize between 1 and ${train.count - 1} for ${source.name}, found ${validationCount}`,
      );
    }
    trainCount -= validationCount;
  }
  const validationStart = trainCount;
  trainCount = limited(trainCount, source.trainLimit, 'trainLimit');
  validationCount = source.validation ? limited(validationCount, source.validationLimit, 'validationLimit') : 0;
  const testCount = limited(test.count, source.testLimit, 'testLimit');

  const trainRows = rows(train, 0, trainCount);
  // Fitted on the training rows actually used, never on validation or test data.
  const scaling = fitScaling(source.scaling ?? 'min-max', trainRows.pixels, trainCount, width, source.per ?? 'global');
  const samples = (r: { pixels: Uint8Array; labels: Uint8Array }, count: number) =>
    toSamples(r.pixels, r.labels, count, width, classes.length, scaling);

  const dataset: ScaledDataset = {
    name: source.name,
    kind: 'classification',
    inputShape: [train.rows, train.cols],
    classes: [...classes],
    train: samples(trainRows, trainCount),
    test: samples(rows(test, 0, testCount), testCount),
    scaling,
  };
  if (source.validation) dataset.validation = samples(rows(train, validationStart, validationCount), validationCount);
  return dataset;
}
