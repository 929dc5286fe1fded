/**
 * The shape of every layer of a network spec, its parameter counts and the shape problems a learner
 * can make (a kernel larger than its input, pooling after a dense layer…). Pure: shared with the
 * renderer, which draws the stacks 28×28×1 → 24×24×20 → 12×12×20 → 100 → 10 from layerShapes.
 */
import { isDense, layerKind, type LayerSpec, type NetworkSpec } from './spec';
import type { Problem } from './validate';

/** A layer's output: channels × height × width values, CHW order. Dense and flat layers are units × 1 × 1. */
export interface LayerShape {
  channels: number;
  height: number;
  width: number;
  /** channels · height · width: the number of values a[l] holds per sample. */
  size: number;
  /** An image (feature maps) rather than a flat vector: convolution and pooling need one. */
  spatial: boolean;
}

/** Where a window (kernel or pool) lands on its input: output size and zero padding on each side. */
export interface WindowGeometry {
  outHeight: number;
  outWidth: number;
  padTop: number;
  padLeft: number;
  padBottom: number;
  padRight: number;
}

export const MAX_UNITS = 100_000;
/** Values per sample in one spatial layer (a 28×28×1000 stack is 784,000). */
export const MAX_LAYER_SIZE = 1_000_000;
const MAX_FILTERS = 4096;
const MAX_WINDOW = 64;

const isPositiveInt = (x: unknown, max: number): boolean => Number.isInteger(x) && (x as number) >= 1 && (x as number) <= max;

/**
 * valid: out = ⌊(n − k)/s⌋ + 1, no padding (the last rows are left out when the stride does not land
 * on them, as in PyTorch). same: out = ⌈n/s⌉ with the zero padding split evenly, the odd one at the
 * bottom/right (TensorFlow's and ONNX's SAME_UPPER rule).
 */
export function windowGeometry(height: number, width: number, window: number, stride: number, padding: 'valid' | 'same'): WindowGeometry {
  if (padding === 'same') {
    const outHeight = Math.ceil(height / stride);
    const outWidth = Math.ceil(width / stride);
    const padH = Math.max((outHeight - 1) * stride + window - height, 0);
    const padW = Math.max((outWidth - 1) * stride + window - width, 0);
    const padTop = Math.floor(padH / 2);
    const padLeft = Math.floor(padW / 2);
    return { outHeight, outWidth, padTop, padLeft, padBottom: padH - padTop, padRight: padW - padLeft };
  }
  return {
    outHeight: Math.floor((height - window) / stride) + 1,
    outWidth: Math.floor((width - window) / stride) + 1,
    padTop: 0,
    padLeft: 0,
    padBottom: 0,
    padRight: 0,
  };
}

const flat = (size: number): LayerShape => ({ channels: size, height: 1, width: 1, size, spatial: false });
const spatial = (channels: number, height: number, width: number): LayerShape => ({
  channels,
  height,
  width,
  size: channels * height * width,
  spatial: true,
});

/** The input layer's shape: the spec's inputShape, or a flat vector of inputSize values. */
export function inputLayerShape(spec: NetworkSpec): LayerShape {
  const s = spec.inputShape;
  return s ? spatial(s.channels, s.height, s.width) : flat(spec.inputSize);
}

interface Walk {
  shapes: LayerShape[];
  problems: Problem[];
}

const name = (i: number): string => `Layer ${i + 2}`;

/** One layer's output shape from its input's, with what is wrong (then the input shape is passed on). */
function step(layer: LayerSpec, i: number, input: LayerShape, afterDense: boolean, problems: Problem[]): LayerShape {
  const field = (key: string): string => `layers[${i}].${key}`;
  const problem = (key: string, message: string): void => void problems.push({ field: field(key), message });
  const needsImage = (what: string): boolean => {
    if (input.spatial) return true;
    problem(
      'kind',
      afterDense
        ? `${name(i)} is ${what}, but it comes after a dense layer, whose output is a flat list of numbers: convolution and pooling need an image. Put them before the dense layers.`
        : `${name(i)} is ${what}, but the input is a flat list of ${input.size} numbers with no image shape: convolution and pooling need an image (height × width × channels).`,
    );
    return false;
  };
  const kind = layerKind(layer);
  if (isDense(layer)) {
    if (!isPositiveInt(layer.units, MAX_UNITS)) {
      problem('units', `${name(i)} needs a whole number of units from 1 to ${MAX_UNITS}; got ${layer.units}.`);
      return input;
    }
    return flat(layer.units);
  }
  if (layer.kind === 'conv') {
    const ok = needsImage('a convolution');
    let fine = ok;
    if (!isPositiveInt(layer.filters, MAX_FILTERS)) {
      problem('filters', `${name(i)} needs a whole number of filters (output channels) from 1 to ${MAX_FILTERS}; got ${layer.filters}.`);
      fine = false;
    }
    fine = windowProblems(layer.kernel, layer.stride, layer.padding, 'kernel', input, i, ok, problems) && fine;
    if (!fine) return input;
    const g = windowGeometry(input.height, input.width, layer.kernel, layer.stride, layer.padding);
    return sized(spatial(layer.filters, g.outHeight, g.outWidth), i, input, problems);
  }
  if (layer.kind === 'maxpool') {
    const ok = needsImage('a max-pooling layer');
    if (!windowProblems(layer.size, layer.stride, 'valid', 'size', input, i, ok, problems)) return input;
    const g = windowGeometry(input.height, input.width, layer.size, layer.stride, 'valid');
    return spatial(input.channels, g.outHeight, g.outWidth);
  }
  if (layer.kind === 'dropout') {
    if (!(typeof layer.rate === 'number' && layer.rate >= 0 && layer.rate < 1))
      problem(
        'rate',
        `${name(i)}'s dropout rate is the share of values dropped in training: a number from 0 up to (not including) 1, like 0.5; got ${layer.rate}.`,
      );
    return input;
  }
  if (layer.kind === 'batchnorm') return input;
  problems.push({
    field: field('kind'),
    message: `${name(i)} has an unknown kind "${String(kind)}"; choose one of dense, conv, maxpool, dropout, batchnorm.`,
  });
  return input;
}

function sized(shape: LayerShape, i: number, input: LayerShape, problems: Problem[]): LayerShape {
  if (shape.size <= MAX_LAYER_SIZE) return shape;
  problems.push({
    field: `layers[${i}].filters`,
    message: `${name(i)} would hold ${shape.height}×${shape.width}×${shape.channels} = ${shape.size.toLocaleString('en')} values per sample; at most ${MAX_LAYER_SIZE.toLocaleString('en')}. Use fewer filters or a larger stride.`,
  });
  return input;
}

/** Kernel/pool size and stride: whole numbers, and a window that fits the input. */
function windowProblems(
  window: number,
  stride: number,
  padding: unknown,
  key: 'kernel' | 'size',
  input: LayerShape,
  i: number,
  checkFit: boolean,
  problems: Problem[],
): boolean {
  const what = key === 'kernel' ? 'kernel' : 'pooling window';
  let ok = true;
  if (!isPositiveInt(window, MAX_WINDOW)) {
    problems.push({
      field: `layers[${i}].${key}`,
      message: `${name(i)}'s ${what} needs a whole size from 1 to ${MAX_WINDOW}; got ${window}.`,
    });
    ok = false;
  }
  if (!isPositiveInt(stride, MAX_WINDOW)) {
    problems.push({
      field: `layers[${i}].stride`,
      message: `${name(i)}'s stride needs a whole number from 1 to ${MAX_WINDOW}; got ${stride}.`,
    });
    ok = false;
  }
  if (padding !== 'valid' && padding !== 'same') {
    problems.push({ field: `layers[${i}].padding`, message: `${name(i)}'s padding is "valid" or "same"; got ${String(padding)}.` });
    ok = false;
  }
  if (!ok || !checkFit) return false;
  const side = Math.min(input.height, input.width);
  if (padding === 'valid' && window > side) {
    problems.push({
      field: `layers[${i}].${key}`,
      message: `${name(i)}'s ${window}×${window} ${what} is larger than its ${input.height}×${input.width} input: it has nowhere to slide. Use a ${what} of at most ${side}${key === 'kernel' ? ', or "same" padding' : ''}.`,
    });
    return false;
  }
  if (stride > window) {
    problems.push({
      field: `layers[${i}].stride`,
      message: `${name(i)}'s stride ${stride} is larger than its ${window}×${window} ${what}: the ${what} would jump over pixels it never sees. Use a stride of at most ${window}.`,
    });
    return false;
  }
  return true;
}

function walk(spec: NetworkSpec): Walk {
  const problems: Problem[] = [];
  const shapes = [inputLayerShape(spec)];
  let afterDense = false;
  const layers = Array.isArray(spec.layers) ? spec.layers : [];
  layers.forEach((layer, i) => {
    shapes.push(step(layer, i, shapes[i]!, afterDense, problems));
    if (isDense(layer)) afterDense = true;
  });
  const last = layers.length - 1;
  if (last >= 0 && !isDense(layers[last]!))
    problems.push({
      field: `layers[${last}].kind`,
      message: `The output layer (layer ${last + 2}) must be a dense layer with one unit per target value; it is ${layerKind(layers[last]!)}. Add a dense layer at the end.`,
    });
  return { shapes, problems };
}

/**
 * The shape of every layer l = 0…L (0 = the input). A dense layer after a spatial one flattens it
 * implicitly (CHW order, like PyTorch's Flatten). Best effort on a spec with problems: a layer that
 * cannot be computed passes its input's shape on (see shapeProblems for why).
 */
export function layerShapes(spec: NetworkSpec): LayerShape[] {
  return walk(spec).shapes;
}

/** Values per sample in every layer l = 0…L: sizes[0] the input, sizes[L] the output. */
export function layerSizes(spec: NetworkSpec): number[] {
  return layerShapes(spec).map((shape) => shape.size);
}

/** Values per sample in the output layer (its units). */
export function outputSize(spec: NetworkSpec): number {
  const sizes = layerSizes(spec);
  return sizes[sizes.length - 1]!;
}

/** What is wrong with the shapes: misfit kernels and strides, spatial layers on flat data, a non-dense output. */
export function shapeProblems(spec: NetworkSpec): Problem[] {
  return walk(spec).problems;
}

/** The lengths of w[l], b[l] and of batchnorm's running statistics for every layer l = 0…L (0 = input: none). */
export interface ParameterShape {
  weights: number;
  biases: number;
  /** Running mean and variance, each this long (batchnorm only). */
  state: number;
}

export function parameterShapes(spec: NetworkSpec): ParameterShape[] {
  const shapes = layerShapes(spec);
  const none = { weights: 0, biases: 0, state: 0 };
  return [
    none,
    ...spec.layers.map((layer, i): ParameterShape => {
      const input = shapes[i]!;
      const output = shapes[i + 1]!;
      if (isDense(layer)) return { weights: output.size * input.size, biases: output.size, state: 0 };
      if (layer.kind === 'conv')
        return { weights: output.channels * input.channels * layer.kernel * layer.kernel, biases: output.channels, state: 0 };
      if (layer.kind === 'batchnorm') return { weights: input.channels, biases: input.channels, state: input.channels };
      return none;
    }),
  ];
}

/** Trainable parameters (weights + biases, γ + β) of every layer l = 0…L, as in Keras's summary. */
export function parameterCounts(spec: NetworkSpec): number[] {
  return parameterShapes(spec).map((p) => p.weights + p.biases);
}

/** "28×28×1", "24×24×20", "100": how the designer and the CLI write a shape (height × width × channels). */
export function formatShape(shape: LayerShape): string {
  return shape.spatial ? `${shape.height}×${shape.width}×${shape.channels}` : String(shape.size);
}

/** Multiply-adds of one sample's forward pass per layer l = 0…L: what a row of a batch costs, roughly. */
export function multiplyAdds(spec: NetworkSpec): number[] {
  const shapes = layerShapes(spec);
  const params = parameterShapes(spec);
  return shapes.map((shape, l) => {
    if (l === 0) return 0;
    const layer = spec.layers[l - 1]!;
    if (isDense(layer)) return params[l]!.weights;
    if (layer.kind === 'conv') return params[l]!.weights * shape.height * shape.width;
    return shape.size;
  });
}
