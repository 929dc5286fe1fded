/** Turns raw inputs and class indices into the `Samples` the engine trains on. Pure. */
import type { Samples } from './dataset';
import { DataError } from './errors';
import { byteSamples } from './rows';
import { applyScaling } from './scaling';
import type { ScalingParams } from './scaling';

/**
 * Builds scaled inputs (kept as bytes and scaled as read, when `raw` is bytes), one-hot targets (Nielsen's 10-vector y with a 1 at the digit) and
 * labels from the first `count` rows of `raw` (count × width, row-major).
 */
export function toSamples(
  raw: ArrayLike<number>,
  labels: Uint8Array | Int32Array,
  count: number,
  width: number,
  classCount: number,
  scaling: ScalingParams,
): Samples {
  if (labels.length < count) {
    throw new DataError('bad-shape', undefined, `expected ${count} labels for ${count} samples, found ${labels.length}`);
  }
  const targets = new Float32Array(count * classCount);
  const classIndex = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const label = labels[i]!; // labels.length ≥ count was checked above
    if (!(label >= 0 && label < classCount)) {
      throw new DataError(
        'label-out-of-range',
        undefined,
        `expected labels from 0 to ${classCount - 1}, found label ${label} at index ${i}`,
      );
    }
    classIndex[i] = label;
    targets[i * classCount + label] = 1;
  }
  const fields = { count, inputSize: width, outputSize: classCount, targets, labels: classIndex };
  // Bytes (images) stay bytes, scaled as rows are read: a quarter of the memory of float32 inputs.
  if (raw instanceof Uint8Array) return byteSamples(raw, scaling, fields);
  return { ...fields, inputs: applyScaling(scaling, raw, count, width) };
}
