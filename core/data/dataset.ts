/** In-memory datasets as the engine consumes them: row-major Float32 inputs already scaled. */
import type { RowScaler, ScalingParams } from './scaling';

export interface Samples {
  count: number;
  inputSize: number;
  outputSize: number;
  /**
   * count × inputSize, row-major, already scaled. Samples that keep their inputs as bytes (`raw`)
   * make this on first read and keep it; training and evaluation read rows through
   * readInputRow (rows.ts) instead, so for them the float32 copy of the whole set never exists.
   */
  readonly inputs: Float32Array;
  /** count × outputSize, row-major (one-hot for classification). */
  targets: Float32Array;
  /** Class index of each sample (classification only). */
  labels?: Int32Array;
  /** The unscaled inputs (count × inputSize bytes, e.g. MNIST's grey levels) and how a row of them becomes a row of `inputs`. */
  raw?: RawInputs;
}

export interface RawInputs {
  values: Uint8Array;
  scaling: ScalingParams;
  /** rowScaler(scaling, inputSize, true), made once. */
  scaleRow: RowScaler;
}

export interface Dataset {
  name: string;
  kind: 'classification' | 'regression';
  /** e.g. [28, 28] for MNIST images, [n] for a table. */
  inputShape: number[];
  /** Class names (classification), or target column names (regression). */
  classes: string[];
  train: Samples;
  validation?: Samples;
  test: Samples;
}
