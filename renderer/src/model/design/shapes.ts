/**
 * The shape of each layer in Nielsen's notation (input = layer 1), as in a Keras summary: what a^l
 * holds (28×28×1, 24×24×20, 100), the shapes of w^l and b^l and the parameter count. The arithmetic
 * is core's (core/engine/shapes.ts), shared with the engine and the CLI; this adds the labels.
 */
import { formatShape, layerShapes as coreShapes, parameterCounts } from '@core/engine/shapes';
import { isDense, layerActivation, layerKind, type ActivationName, type LayerKind, type NetworkSpec } from '@core/engine/spec';
import { count, superscript } from '../format';
import { layerName } from './layers';

export interface LayerShape {
  /** Nielsen's 1-based layer number l. */
  l: number;
  kind: LayerKind | 'input';
  /** What every screen calls it: "layer 2", or "conv 2", "pool 3", "dense 4" beside other kinds (layers.ts, layerName). */
  name: string;
  /** Values a^l holds per sample (channels · height · width). */
  units: number;
  /** Feature maps: channels × height × width; flat layers are units × 1 × 1 and not spatial. */
  channels: number;
  height: number;
  width: number;
  spatial: boolean;
  /** "28×28×1" or "100". */
  label: string;
  /** 'input' for layer 1; pooling, dropout and batchnorm have none (shown as linear). */
  activation: ActivationName | 'input';
  hasActivation: boolean;
  role: 'input' | 'hidden' | 'output';
  /** w^l: dense rows × cols = units(l) × units(l−1); conv filters × channelsIn × k × k; batchnorm γ. */
  w?: { dims: number[] };
  /** b^l (β for batchnorm). */
  b?: number;
  /** A dense layer after a spatial one: a^{l−1} is flattened (CHW order) before w^l multiplies it. */
  flattens: boolean;
  params: number;
}

export function layerShapes(spec: NetworkSpec): LayerShape[] {
  const maps = coreShapes(spec);
  const params = parameterCounts(spec);
  const input = maps[0]!;
  const shapes: LayerShape[] = [
    {
      l: 1,
      kind: 'input',
      name: layerName(spec, -1),
      units: input.size,
      ...dims(input),
      label: formatShape(input),
      activation: 'input',
      hasActivation: false,
      role: 'input',
      flattens: false,
      params: 0,
    },
  ];
  spec.layers.forEach((layer, i) => {
    const map = maps[i + 1] ?? input;
    const before = maps[i] ?? input;
    const activation = layerActivation(layer);
    const shape: LayerShape = {
      l: i + 2,
      kind: layerKind(layer),
      name: layerName(spec, i),
      units: map.size,
      ...dims(map),
      label: formatShape(map),
      activation: activation ?? 'linear',
      hasActivation: activation !== undefined,
      role: i === spec.layers.length - 1 ? 'output' : 'hidden',
      flattens: isDense(layer) && before.spatial,
      params: params[i + 1] ?? 0,
    };
    if (isDense(layer)) {
      shape.w = { dims: [map.size, before.size] };
      shape.b = map.size;
    } else if (layer.kind === 'conv') {
      shape.w = { dims: [map.channels, before.channels, layer.kernel, layer.kernel] };
      shape.b = map.channels;
    } else if (layer.kind === 'batchnorm') {
      shape.w = { dims: [before.channels] };
      shape.b = before.channels;
    }
    shapes.push(shape);
  });
  return shapes;
}

function dims(map: { channels: number; height: number; width: number; spatial: boolean }) {
  return { channels: map.channels, height: map.height, width: map.width, spatial: map.spatial };
}

export const totalParams = (shapes: LayerShape[]): number => shapes.reduce((sum, s) => sum + s.params, 0);

/** "w² : 30 × 784", "w² : 20 × 1 × 5 × 5", "γ² : 20" */
export function weightLabel(s: LayerShape): string {
  if (!s.w) return '';
  const name = s.kind === 'batchnorm' ? 'γ' : 'w';
  return `${name}${superscript(s.l)} : ${s.w.dims.map(count).join(' × ')}`;
}

/** "b² : 30", "β² : 20" */
export function biasLabel(s: LayerShape): string {
  if (s.b === undefined) return '';
  return `${s.kind === 'batchnorm' ? 'β' : 'b'}${superscript(s.l)} : ${count(s.b)}`;
}
