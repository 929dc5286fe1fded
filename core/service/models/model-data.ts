/**
 * The data side of inspecting a model: which lab dataset a model file was trained on, that
 * dataset's test split scaled the way the model expects, and an evaluation of a whole split that
 * yields to the event loop between chunks.
 *
 * Why on the main thread: feeding MNIST's 10,000 test images through a 784-30-10 network takes
 * ~50 ms (784-100-10: ~150 ms), and the gradient check is a few hundred one-row passes. Starting a
 * worker and copying 31 MB of scaled images into it would cost more than the maths. Evaluation
 * runs in chunks of 1,000 images with a setImmediate between them, so even a large network never
 * holds the main process (and so the window's IPC) for more than one chunk.
 */
import { basename } from 'node:path';
import { toSamples } from '../../data/classification';
import type { Samples } from '../../data/dataset';
import type { ScalingParams } from '../../data/scaling';
import { evaluate } from '../../engine/evaluate';
import type { Network } from '../../engine/network';
import type { DatasetInfo as ModelDatasetInfo } from '../../model/format';
import { DATASETS, findDataset } from '../datasets/built-in';
import { LabError } from '../errors';

/** Images fed forward between two yields to the event loop. */
export const EVALUATION_CHUNK = 1000;

/**
 * The id of the built-in dataset a model was trained on, or null (library datasets are matched by
 * the dataset service). A model that lists its data files
 * matches a dataset holding every one of them (by SHA-256); one made from data in memory lists none
 * and is matched by input shape, classes and a name containing the dataset's id ('MNIST').
 */
export async function matchDataset(info: ModelDatasetInfo, sha256: (path: string) => Promise<string>): Promise<string | null> {
  for (const dataset of DATASETS.values()) {
    const { inputShape, classes } = dataset.info;
    if (info.inputShape.join('×') !== inputShape.join('×') || info.classes.length !== classes.length) continue;
    if (info.files.length === 0) {
      if (info.name.toLowerCase().includes(dataset.info.id.toLowerCase())) return dataset.info.id;
      continue;
    }
    const hashes = new Map<string, string>();
    for (const path of dataset.files()) hashes.set(await sha256(path), basename(path));
    if (info.files.every((f) => hashes.has(f.sha256))) return dataset.info.id;
  }
  return null;
}

/**
 * A classification dataset's test split, raw (0–255 grey levels for images): what evaluation,
 * traces, gradient checks and the gallery of mistakes read. Built in or from the library.
 */
export interface TestSplit {
  datasetId: string;
  name: string;
  /** Image height and width (a table's row: 1 × its columns). */
  rows: number;
  cols: number;
  count: number;
  pixels: ArrayLike<number>;
  labels: Uint8Array | Int32Array;
  classCount: number;
}

/** A built-in dataset's test split. */
export function builtInTestSplit(datasetId: string): TestSplit {
  const dataset = findDataset(datasetId);
  const { rows, cols, count, pixels, labels } = dataset.raw().test;
  return { datasetId, name: dataset.info.name, rows, cols, count, pixels, labels, classCount: dataset.info.classes.length };
}

/** The scaled test splits most recently asked for (each is 31 MB for MNIST, so only two are kept). */
const scaledCache: { key: string; samples: Samples }[] = [];
const SCALED_CACHE_SIZE = 2;

/** A dataset's whole test split, scaled with `scaling` (the model's saved training statistics). */
export function scaledTestSplit(split: TestSplit, scaling: ScalingParams): Samples {
  const key = `${split.datasetId}\n${JSON.stringify(scaling)}`;
  const hit = scaledCache.findIndex((entry) => entry.key === key);
  if (hit >= 0) {
    const [entry] = scaledCache.splice(hit, 1);
    scaledCache.unshift(entry!);
    return entry!.samples;
  }
  const samples = toSamples(split.pixels, split.labels, split.count, split.rows * split.cols, split.classCount, scaling);
  scaledCache.unshift({ key, samples });
  scaledCache.length = Math.min(scaledCache.length, SCALED_CACHE_SIZE);
  return samples;
}

/** One test image as a one-row split, scaled with `scaling`, plus its raw grey levels. */
export function testSample(split: TestSplit, index: number, scaling: ScalingParams): { samples: Samples; raw: number[]; label: number } {
  if (index >= split.count)
    throw new LabError('invalid', `The test split of ${split.name} has ${split.count} images, so there is no image ${index}.`);
  const width = split.rows * split.cols;
  const raw = Array.from({ length: width }, (_, k) => split.pixels[index * width + k]!);
  const labels = split.labels.subarray(index, index + 1);
  return { samples: toSamples(raw, labels, 1, width, split.classCount, scaling), raw, label: labels[0]! };
}

/** Rows [start, start + count) of a split, as views (no copy). */
function rowsOf(samples: Samples, start: number, count: number): Samples {
  const { inputSize, outputSize } = samples;
  const part: Samples = {
    count,
    inputSize,
    outputSize,
    inputs: samples.inputs.subarray(start * inputSize, (start + count) * inputSize),
    targets: samples.targets.subarray(start * outputSize, (start + count) * outputSize),
  };
  if (samples.labels) part.labels = samples.labels.subarray(start, start + count);
  return part;
}

export interface SplitEvaluation {
  count: number;
  loss: number;
  accuracy: number;
  confusion: number[][];
  misclassified: { index: number; label: number; predicted: number; outputs: Float32Array }[];
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The engine's evaluate() over a labelled split, chunk by chunk, yielding between chunks. Each
 * chunk is one synchronous call, so the network's workspaces are never shared by two callers.
 */
export async function evaluateInChunks(net: Network, samples: Samples, chunk = EVALUATION_CHUNK): Promise<SplitEvaluation> {
  const n = net.sizes[net.L]!;
  const confusion = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const misclassified: SplitEvaluation['misclassified'] = [];
  let cost = 0;
  for (let start = 0; start < samples.count; start += chunk) {
    if (start > 0) await nextTurn();
    const rows = Math.min(chunk, samples.count - start);
    const part = evaluate(net, rowsOf(samples, start, rows), { confusion: true, misclassified: true });
    cost += part.loss * rows;
    part.confusion!.forEach((row, t) => row.forEach((v, p) => (confusion[t]![p]! += v)));
    for (const m of part.misclassified!) misclassified.push({ ...m, index: m.index + start });
  }
  const correct = confusion.reduce((sum, row, c) => sum + row[c]!, 0);
  return { count: samples.count, loss: cost / samples.count, accuracy: correct / samples.count, confusion, misclassified };
}
