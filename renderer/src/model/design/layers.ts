/**
 * The kinds of layer the designer offers, what each is called on screen (Nielsen's layer numbers:
 * the input is layer 1, so spec.layers[i] is layer i + 2), a new layer of each kind, and whether the
 * dataset's input is an image that convolution and pooling can slide over.
 */
import type { DatasetInfo } from '@core/lab/contract';
import {
  isDense,
  layerActivation,
  layerKind,
  type ActivationName,
  type InputShape,
  type LayerKind,
  type LayerSpec,
  type NetworkSpec,
} from '@core/engine/spec';

/** The order of the "add a layer" menu. */
export const LAYER_KIND_ORDER: readonly LayerKind[] = ['dense', 'conv', 'maxpool', 'batchnorm', 'dropout'];

export const LAYER_KIND_LABELS: Record<LayerKind, string> = {
  dense: 'Dense',
  conv: 'Convolution',
  maxpool: 'Max-pool',
  dropout: 'Dropout',
  batchnorm: 'BatchNorm',
};

/** The designer's row label for each kind (short: the column is narrow). */
export const LAYER_ROLE_LABELS: Record<LayerKind, string> = {
  dense: 'Dense',
  conv: 'Conv',
  maxpool: 'Pool',
  dropout: 'Dropout',
  batchnorm: 'BatchNorm',
};

/** The short word in legends and headings: "conv 2", "pool 3". */
export const LAYER_KIND_SHORT: Record<LayerKind, string> = {
  dense: 'dense',
  conv: 'conv',
  maxpool: 'pool',
  dropout: 'dropout',
  batchnorm: 'batchnorm',
};

/** Convolution and pooling slide a window over an image: they need a spatial input. */
export const isSpatialKind = (kind: LayerKind): boolean => kind === 'conv' || kind === 'maxpool';

/** Nielsen's number of spec.layers[index] (the input is layer 1). */
export const layerNumberOf = (index: number): number => index + 2;

/** "conv 2", "pool 3", "dense 4": a layer named by its kind and its number. */
export function layerTitle(layer: LayerSpec | undefined, index: number): string {
  return `${LAYER_KIND_SHORT[layer ? layerKind(layer) : 'dense']} ${layerNumberOf(index)}`;
}

/**
 * One name for spec.layers[index] on every screen (the drawing, the summary, the explanations, the
 * Train legends): "layer 2" in a fully connected network, as in Nielsen's book; "conv 2", "pool 3",
 * "dense 4" once it has other kinds of layer. `index` −1 is the input, layer 1 ("input 1" beside conv…).
 */
export function layerName(spec: NetworkSpec, index: number): string {
  if (spec.layers.every(isDense)) return `layer ${layerNumberOf(index)}`;
  return index < 0 ? `input ${layerNumberOf(index)}` : layerTitle(spec.layers[index], index);
}

/** A chart legend's name for spec.layers[index]: its name and activation, "layer 2 · sigmoid", "conv 2 · relu", "pool 3". */
export function layerLegend(spec: NetworkSpec, index: number): string {
  const layer = spec.layers[index];
  const activation = layer ? layerActivation(layer) : undefined;
  const title = layerName(spec, index);
  return activation ? `${title} · ${activation}` : title;
}

/** A fresh layer of `kind`; `activation` is what the hidden layers already use (for dense and conv). */
export function newLayer(kind: LayerKind, activation: ActivationName): LayerSpec {
  switch (kind) {
    case 'conv':
      return { kind: 'conv', filters: 8, kernel: 5, stride: 1, padding: 'valid', activation };
    case 'maxpool':
      return { kind: 'maxpool', size: 2, stride: 2 };
    case 'dropout':
      return { kind: 'dropout', rate: 0.5 };
    case 'batchnorm':
      return { kind: 'batchnorm' };
    case 'dense':
      return { units: 30, activation };
  }
}

/** The dataset's samples as an image (one grey channel), or undefined for a table of columns. */
export function datasetImageShape(dataset: DatasetInfo | undefined): InputShape | undefined {
  const shape = dataset?.inputShape;
  if (!shape || shape.length !== 2) return undefined;
  const [height, width] = shape as [number, number];
  return { channels: 1, height, width };
}

/** Why convolution and pooling are not offered for this dataset (null when they are). */
export function spatialUnavailableReason(dataset: DatasetInfo | undefined): string | null {
  if (!dataset) return 'Choose a dataset first: convolution and pooling need to know the shape of its images.';
  if (datasetImageShape(dataset)) return null;
  if (dataset.inputShape.length === 1)
    return `${dataset.name} is a table: each sample is a flat row of ${dataset.inputShape[0]} numbers with no height and width, so there is nothing for a kernel to slide over. Convolution and pooling are for images.`;
  return `${dataset.name}'s samples are ${dataset.inputShape.join(' × ')}: convolution and pooling here take one-channel images (height × width).`;
}

export const hasSpatialLayer = (spec: NetworkSpec): boolean => spec.layers.some((l) => isSpatialKind(layerKind(l)));

/**
 * The spec as it will be trained on `dataset`: a network with convolution or pooling gets the
 * dataset's image shape as its inputShape (when the sizes agree); a fully connected one keeps a flat
 * input, as before CNNs, so its files do not change.
 */
export function specForDataset(spec: NetworkSpec, dataset: DatasetInfo | undefined): NetworkSpec {
  const image = datasetImageShape(dataset);
  const { inputShape: _drop, ...flat } = spec;
  if (!hasSpatialLayer(spec)) return flat;
  if (image && image.channels * image.height * image.width === spec.inputSize) return { ...flat, inputShape: image };
  return spec.inputShape ? spec : flat;
}

/** One layer in the compact notation of names and titles: "30", "conv5×5×20", "pool2", "dropout 0.5", "bn". */
export function layerToken(layer: LayerSpec): string {
  if (isDense(layer)) return String(layer.units);
  switch (layer.kind) {
    case 'conv':
      return `conv${layer.kernel}×${layer.kernel}×${layer.filters}${layer.stride !== 1 ? ` s${layer.stride}` : ''}${layer.padding === 'same' ? ' same' : ''}`;
    case 'maxpool':
      return `pool${layer.size}${layer.stride !== layer.size ? ` s${layer.stride}` : ''}`;
    case 'dropout':
      return `dropout ${layer.rate}`;
    case 'batchnorm':
      return 'bn';
  }
}

/** "784-30-10" for a fully connected network; "28×28×1 → conv5×5×20 → pool2 → 100 → 10" with spatial layers. */
export function architectureName(spec: NetworkSpec, separator = '-'): string {
  const input = spec.inputShape ? `${spec.inputShape.height}×${spec.inputShape.width}×${spec.inputShape.channels}` : String(spec.inputSize);
  const all = spec.layers.every(isDense);
  return [input, ...spec.layers.map(layerToken)].join(all ? separator : ' → ');
}

/** The activation a new dense or conv layer starts with: the first hidden layer's, unless that is step or softmax. */
export function hiddenActivation(spec: NetworkSpec): ActivationName {
  const hidden = spec.layers.slice(0, -1).flatMap((l) => layerActivation(l) ?? [])[0];
  return hidden && hidden !== 'step' && hidden !== 'softmax' ? hidden : 'sigmoid';
}

/** Where "add" puts a new layer: convolution and pooling before the first dense layer, anything else just before the output. */
export function insertionIndex(spec: NetworkSpec, kind: LayerKind): number {
  const last = Math.max(0, spec.layers.length - 1);
  if (!isSpatialKind(kind)) return last;
  const firstDense = spec.layers.findIndex(isDense);
  return firstDense === -1 ? last : firstDense;
}
