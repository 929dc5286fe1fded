/**
 * What the dataset browser shows, computed from a dataset's raw (unscaled) splits: per-class
 * counts, the mean sample of each class and a few samples of each; for regression tables the
 * columns and a spread of rows for a scatter plot. Images are drawn at most MAX_DRAWN_SIDE a side
 * (drawn-size.ts) and travel as typed arrays. Pure: nothing of Node.
 */
import {
  MAX_REPLY_BYTES,
  type ClassificationOverview,
  type RawValues,
  type RegressionOverview,
  type SampleImages,
} from '../../lab/contract';
import { drawSample, drawnSizeOf, drawnValues } from './drawn-size';

/** A split as stored: count × width raw inputs, and class indices or count × targets. */
export interface RawRows {
  count: number;
  inputs: ArrayLike<number>;
  labels?: ArrayLike<number>;
  targets?: ArrayLike<number>;
}

/** A dataset's raw data, whichever store it came from (the built-in MNIST files or the library). */
export interface RawView {
  kind: 'classification' | 'regression';
  inputShape: number[];
  /** Class names, or target column names for regression. */
  classes: string[];
  /** A table's input column names. */
  features?: string[];
  splits: { train: RawRows; validation?: RawRows; test: RawRows };
}

/** Classes whose means and samples are sent (a bar chart of counts shows them all). */
export const MAX_SHOWN_CLASSES = 64;
/** Rows of a regression table sent for the scatter plot. */
export const SCATTER_ROWS = 500;
export function inputWidth(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** How a sample is drawn: the last dimension is the width, the rest make the height (a table is one row). */
export function drawnSize(shape: readonly number[]): { width: number; height: number } {
  const width = shape[shape.length - 1] ?? 1;
  return { width, height: inputWidth(shape) / width };
}

function classCounts(rows: RawRows | undefined, classCount: number): number[] {
  const counts = new Array<number>(classCount).fill(0);
  if (!rows?.labels) return counts;
  for (let i = 0; i < rows.count; i++) counts[rows.labels[i]!]!++;
  return counts;
}

function valueRange(values: ArrayLike<number>): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let k = 0; k < values.length; k++) {
    const v = values[k]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return values.length === 0 ? { min: 0, max: 0 } : { min, max };
}

export function classificationOverview(view: RawView, samplesPerClass: number): ClassificationOverview {
  const { train, validation, test } = view.splits;
  const classCount = view.classes.length;
  const { width, height } = drawnSize(view.inputShape);
  const size = drawnSizeOf(width, height);
  const drawn = size.drawnWidth * size.drawnHeight;
  const shown = Math.min(classCount, MAX_SHOWN_CLASSES);
  const sums = Array.from({ length: shown }, () => new Float64Array(drawn));
  const samples: RawValues[][] = Array.from({ length: shown }, () => []);
  const counts = classCounts(train, classCount);
  const labels = train.labels!;
  const scratch = new Float64Array(drawn);
  // Within the reply budget: the means (float32), then as many samples per class as still fit.
  const sampleBytes = drawn * (train.inputs instanceof Uint8Array ? 1 : 4);
  const perClass = Math.min(samplesPerClass, Math.floor((MAX_REPLY_BYTES - shown * drawn * 4) / (Math.max(1, shown) * sampleBytes)));
  for (let i = 0; i < train.count; i++) {
    const c = labels[i]!;
    if (c >= shown) continue;
    const sum = sums[c]!;
    drawSample(train.inputs, i, size, scratch, 0);
    for (let k = 0; k < drawn; k++) sum[k]! += scratch[k]!;
    if (samples[c]!.length < perClass) {
      const sample = drawnValues(train.inputs, drawn);
      drawSample(train.inputs, i, size, sample, 0);
      samples[c]!.push(sample);
    }
  }
  const means = sums.map((sum, c) => (counts[c] ? Float32Array.from(sum, (s) => s / counts[c]!) : new Float32Array(0)));
  return {
    width: size.drawnWidth,
    height: size.drawnHeight,
    step: size.step,
    ...valueRange(train.inputs),
    counts: { train: counts, validation: classCounts(validation, classCount), test: classCounts(test, classCount) },
    means,
    samples,
    shownClasses: shown,
  };
}

export function regressionOverview(view: RawView, maxRows = SCATTER_ROWS): RegressionOverview {
  const { train } = view.splits;
  const width = inputWidth(view.inputShape);
  const targetCount = view.classes.length;
  const features = view.features ?? Array.from({ length: width }, (_, j) => `column ${j + 1}`);
  const targets = train.targets!;
  // Rows spread evenly over the split, so the scatter shows all of it, not its first 500 rows.
  const n = Math.min(maxRows, train.count);
  const rows: RegressionOverview['rows'] = [];
  for (let r = 0; r < n; r++) {
    const i = Math.floor((r * train.count) / n);
    rows.push({
      inputs: Array.from({ length: width }, (_, k) => train.inputs[i * width + k]!),
      targets: Array.from({ length: targetCount }, (_, k) => targets[i * targetCount + k]!),
    });
  }
  const column = (name: string, role: 'input' | 'target', values: ArrayLike<number>, stride: number, offset: number) => {
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    for (let i = 0; i < train.count; i++) {
      const v = values[i * stride + offset]!;
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
    }
    return train.count === 0 ? { name, role, min: 0, max: 0, mean: 0 } : { name, role, min, max, mean: sum / train.count };
  };
  return {
    features: [...features],
    targets: [...view.classes],
    rows,
    columns: [
      ...features.map((name, j) => column(name, 'input', train.inputs, width, j)),
      ...view.classes.map((name, j) => column(name, 'target', targets, targetCount, j)),
    ],
  };
}

/**
 * A page of raw samples of a classification set, drawn as images (a table is one row of cells),
 * averaged down to MAX_DRAWN_SIDE a side; a page that would exceed MAX_REPLY_BYTES is cut short.
 */
export function samplePage(view: RawView, split: 'train' | 'test', offset: number, count: number): SampleImages | string {
  const rows = view.splits[split];
  if (offset >= rows.count) return `The ${split} split has ${rows.count} samples, so offset ${offset} is past its end.`;
  if (!rows.labels)
    return 'This dataset is a regression table: it has no classes to show samples of; its overview plots the columns instead.';
  const { width, height } = drawnSize(view.inputShape);
  const size = drawnSizeOf(width, height);
  const drawn = size.drawnWidth * size.drawnHeight;
  const bytes = drawn * (rows.inputs instanceof Uint8Array ? 1 : 4);
  const n = Math.max(1, Math.min(count, rows.count - offset, Math.floor(MAX_REPLY_BYTES / bytes)));
  const labels: number[] = [];
  const pixels = drawnValues(rows.inputs, n * drawn);
  for (let r = 0; r < n; r++) {
    labels.push(rows.labels[offset + r]!);
    drawSample(rows.inputs, offset + r, size, pixels, r * drawn);
  }
  return { width: size.drawnWidth, height: size.drawnHeight, step: size.step, labels, pixels };
}

/** Test rows the prediction error is computed over (a larger test split is cut to its first rows). */
export const MAX_PREDICTED_ROWS = 50_000;

/**
 * A model's predictions on a regression set's test split: actual against predicted for up to
 * `maxRows` rows spread over the split, and the RMSE of each target. `predict` takes one raw
 * input row (it scales it as the model was trained).
 */
export function regressionPredictionsOf(
  view: RawView,
  predict: (raw: ArrayLike<number>) => ArrayLike<number>,
  maxRows = SCATTER_ROWS,
): { actual: number[][]; predicted: number[][]; rmse: number[]; count: number } {
  const { test } = view.splits;
  const width = inputWidth(view.inputShape);
  const targetCount = view.classes.length;
  const targets = test.targets!;
  const count = Math.min(test.count, MAX_PREDICTED_ROWS);
  const squared = new Array<number>(targetCount).fill(0);
  const shown = Math.min(maxRows, count);
  const pick = new Set(Array.from({ length: shown }, (_, r) => Math.floor((r * count) / shown)));
  const actual: number[][] = [];
  const predicted: number[][] = [];
  const row = new Float64Array(width);
  for (let i = 0; i < count; i++) {
    for (let k = 0; k < width; k++) row[k] = test.inputs[i * width + k]!;
    const y = predict(row);
    const truth = Array.from({ length: targetCount }, (_, j) => targets[i * targetCount + j]!);
    truth.forEach((t, j) => (squared[j]! += (y[j]! - t) ** 2));
    if (pick.has(i)) {
      actual.push(truth);
      predicted.push(Array.from({ length: targetCount }, (_, j) => y[j]!));
    }
  }
  return { actual, predicted, rmse: squared.map((s) => (count ? Math.sqrt(s / count) : 0)), count };
}
