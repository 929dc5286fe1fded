/** In-memory datasets as the engine consumes them: row-major Float32 inputs already scaled. */

export interface Samples {
  count: number;
  inputSize: number;
  outputSize: number;
  /** count × inputSize, row-major, already scaled. */
  inputs: Float32Array;
  /** count × outputSize, row-major (one-hot for classification). */
  targets: Float32Array;
  /** Class index of each sample (classification only). */
  labels?: Int32Array;
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
