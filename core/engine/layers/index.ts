/** Builds the operation of each layer that is not dense (dense layers run inline in network.ts). */
import type { FloatArray } from '../activations';
import type { LayerShape } from '../shapes';
import type { LayerSpec } from '../spec';
import { BatchNormLayer } from './batchnorm';
import { ConvLayer } from './conv';
import { DropoutLayer } from './dropout';
import { MaxPoolLayer } from './pool';
import type { LayerContext, LayerOp } from './types';

export function layerOp(
  layer: LayerSpec,
  input: LayerShape,
  output: LayerShape,
  state: { mean: FloatArray; variance: FloatArray },
  context: LayerContext,
): LayerOp | undefined {
  switch (layer.kind) {
    case 'conv':
      return new ConvLayer(input, output, layer.kernel, layer.stride, layer.padding, layer.activation, context);
    case 'maxpool':
      return new MaxPoolLayer(input, output, layer.size, layer.stride, context);
    case 'dropout':
      return new DropoutLayer(input, output, layer.rate, context);
    case 'batchnorm':
      return new BatchNormLayer(input, output, state.mean, state.variance, context);
    default:
      return undefined;
  }
}
