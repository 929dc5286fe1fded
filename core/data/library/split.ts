/**
 * Splits imported data into training, validation and test sets, fixed by a seed. Pure.
 * Samples are picked at random but keep their file order within each split, so the first
 * training image stays the first one the person saw in their files.
 */
import { Rng } from '../../engine/rng';
import { DataError } from '../errors';
import type { ImportedData, RawPart } from '../import/imported';
import { inputWidth } from '../import/imported';

export interface SplitFractions {
  /** Share of the samples held out for validation (of the training files when they bring a test set). */
  validation: number;
  /** Share held out for testing; ignored when the files bring their own test set. */
  test: number;
}

export const DEFAULT_SPLIT: SplitFractions = { validation: 0.1, test: 0.2 };

export interface RawSplits {
  train: RawPart;
  validation?: RawPart;
  test: RawPart;
}

/** The rows `indices` (ascending) of a part, copied. */
export function takeRows(part: RawPart, indices: Uint32Array, width: number, targetWidth: number): RawPart {
  const n = indices.length;
  // indices are row numbers of part, so every indexed read below is in range.
  const inputs = part.inputs instanceof Uint8Array ? new Uint8Array(n * width) : new Float32Array(n * width);
  for (let r = 0; r < n; r++) {
    const i = indices[r]!;
    inputs.set(part.inputs.subarray(i * width, (i + 1) * width), r * width);
  }
  const out: RawPart = { count: n, inputs };
  if (part.labels) out.labels = Int32Array.from(indices, (i) => part.labels![i]!);
  if (part.targets) {
    const targets = new Float32Array(n * targetWidth);
    for (let r = 0; r < n; r++)
      targets.set(part.targets.subarray(indices[r]! * targetWidth, (indices[r]! + 1) * targetWidth), r * targetWidth);
    out.targets = targets;
  }
  return out;
}

function checkFraction(value: number, name: string): void {
  if (!(Number.isFinite(value) && value >= 0 && value < 1)) {
    throw new DataError('bad-option', undefined, `expected the ${name} share to be at least 0 and below 1, found ${value}`);
  }
}

/** Sorted random subsets of 0…count−1: `first` indices, `second` others, and the rest. */
function randomSubsets(count: number, first: number, second: number, seed: number): [Uint32Array, Uint32Array, Uint32Array] {
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  new Rng(seed).shuffle(order);
  const cut = (start: number, end: number) => order.slice(start, end).sort();
  return [cut(0, first), cut(first, first + second), cut(first + second, count)];
}

/** How many of `count` samples a share takes: rounded, but at least one when the share is not zero. */
function share(count: number, fraction: number): number {
  return fraction === 0 ? 0 : Math.max(1, Math.round(count * fraction));
}

export function splitData(data: ImportedData, fractions: SplitFractions, seed: number): RawSplits {
  checkFraction(fractions.validation, 'validation');
  checkFraction(fractions.test, 'test');
  if (!Number.isInteger(seed)) throw new DataError('bad-option', undefined, `expected a whole-number seed, found ${seed}`);
  const width = inputWidth(data.inputShape);
  const targetWidth = data.kind === 'regression' ? data.classes.length : 0;
  const { train, test } = data.parts;
  // Each share takes at least one sample, and never more than are left: counts are never negative.
  const testCount = test ? 0 : Math.min(share(train.count, fractions.test), train.count);
  const validationCount = Math.min(share(train.count, fractions.validation), train.count - testCount);
  const remaining = train.count - testCount - validationCount;
  if (remaining < 1 || (!test && fractions.test === 0)) {
    const need = test ? 'at least one training sample' : 'a test share above 0 and at least one training sample';
    const parts = ['training', ...(fractions.validation > 0 ? ['validation'] : []), ...(test ? [] : ['test'])];
    const named = parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
    const minimum =
      train.count < parts.length
        ? `: a dataset needs at least ${parts.length} samples ${test ? 'besides its test files ' : ''}to split, one each for ${named}`
        : '';
    throw new DataError(
      'bad-option',
      undefined,
      `expected ${need}, found ${train.count} sample${train.count === 1 ? '' : 's'} split as ${remaining} training, ${validationCount} validation, ${testCount} test (validation ${fractions.validation}, test ${fractions.test})${minimum}`,
    );
  }
  const [testRows, validationRows, trainRows] = randomSubsets(train.count, testCount, validationCount, seed);
  const take = (rows: Uint32Array) => takeRows(train, rows, width, targetWidth);
  const splits: RawSplits = { train: take(trainRows), test: test ?? take(testRows) };
  if (validationCount > 0) splits.validation = take(validationRows);
  return splits;
}
