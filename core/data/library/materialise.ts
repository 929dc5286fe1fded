/** Turns stored (unscaled) splits into the `Samples` the engine trains on, scaling fitted on training data only. Pure. */
import { toSamples } from '../classification';
import type { Samples } from '../dataset';
import { DataError } from '../errors';
import type { ScaledDataset } from '../idx-dataset';
import type { DatasetKind, RawPart } from '../import/imported';
import { inputWidth } from '../import/imported';
import type { SourceFile } from '../import/read';
import { applyScaling, fitScaling } from '../scaling';
import type { ScalingKind, ScalingParams, ScalingPer } from '../scaling';
import type { RawSplits } from './split';

export interface LoadOptions {
  /** Default: 'min-max' for images (grey levels → [0, 1]), 'z-score' for tables. */
  scaling?: ScalingKind;
  /** Default: 'global' for images, 'feature' for tables (columns in different units). */
  per?: ScalingPer;
}

/** A dataset ready to train on, with what a saved model needs to name it. */
export interface LoadedDataset extends ScaledDataset {
  /** Library id; absent for data read straight from a path. */
  id?: string;
  /** A table's input column names. */
  features?: string[];
  /** The source files with their SHA-256, and the fingerprint over them. */
  files: SourceFile[];
  fingerprint: string;
  notes: string[];
}

export interface DatasetMeta {
  name: string;
  kind: DatasetKind;
  inputShape: number[];
  classes: string[];
}

/** The scaling a dataset gets unless the caller chooses: images one way, tables another. */
export function defaultScaling(inputShape: readonly number[]): { scaling: ScalingKind; per: ScalingPer } {
  return inputShape.length >= 2 ? { scaling: 'min-max', per: 'global' } : { scaling: 'z-score', per: 'feature' };
}

function samples(meta: DatasetMeta, part: RawPart, width: number, scaling: ScalingParams): Samples {
  if (meta.kind === 'classification') {
    if (!part.labels)
      throw new DataError('bad-shape', undefined, `expected class labels for the classification set ${meta.name}, found none`);
    return toSamples(part.inputs, part.labels, part.count, width, meta.classes.length, scaling);
  }
  const outputSize = meta.classes.length;
  if (!part.targets || part.targets.length !== part.count * outputSize) {
    throw new DataError(
      'bad-shape',
      undefined,
      `expected ${part.count} × ${outputSize} targets for the regression set ${meta.name}, found ${part.targets?.length ?? 0}`,
    );
  }
  return {
    count: part.count,
    inputSize: width,
    outputSize,
    inputs: applyScaling(scaling, part.inputs, part.count, width),
    targets: Float32Array.from(part.targets),
  };
}

export function toScaledDataset(meta: DatasetMeta, splits: RawSplits, options: LoadOptions = {}): ScaledDataset {
  const defaults = defaultScaling(meta.inputShape);
  const width = inputWidth(meta.inputShape);
  const { train, validation, test } = splits;
  const scaling = fitScaling(options.scaling ?? defaults.scaling, train.inputs, train.count, width, options.per ?? defaults.per);
  const dataset: ScaledDataset = {
    name: meta.name,
    kind: meta.kind,
    inputShape: [...meta.inputShape],
    classes: [...meta.classes],
    train: samples(meta, train, width, scaling),
    test: samples(meta, test, width, scaling),
    scaling,
  };
  if (validation) dataset.validation = samples(meta, validation, width, scaling);
  return dataset;
}
