/** The parameter shapes of each layer in Nielsen's notation (input = layer 1), as in a Keras summary. */
import { layerSizes, parameterShapes } from '@core/engine/shapes';
import { layerActivation, type ActivationName, type NetworkSpec } from '@core/engine/spec';
import { count, superscript } from '../format';

export interface LayerShape {
  /** Nielsen's 1-based layer number l. */
  l: number;
  units: number;
  /** 'input' for layer 1. */
  activation: ActivationName | 'input';
  role: 'input' | 'hidden' | 'output';
  /** w^l is rows × cols = units(l) × units(l−1); absent for the input layer. */
  w?: { rows: number; cols: number };
  params: number;
}

export function layerShapes(spec: NetworkSpec): LayerShape[] {
  const shapes: LayerShape[] = [{ l: 1, units: spec.inputSize, activation: 'input', role: 'input', params: 0 }];
  const sizes = layerSizes(spec);
  const parameters = parameterShapes(spec);
  spec.layers.forEach((layer, i) => {
    const p = parameters[i + 1]!;
    const rows = p.biases;
    shapes.push({
      l: i + 2,
      units: sizes[i + 1]!,
      activation: layerActivation(layer) ?? 'linear',
      role: i === spec.layers.length - 1 ? 'output' : 'hidden',
      w: { rows, cols: rows === 0 ? 0 : p.weights / rows },
      params: p.weights + p.biases,
    });
  });
  return shapes;
}

export const totalParams = (shapes: LayerShape[]): number => shapes.reduce((sum, s) => sum + s.params, 0);

/** "w² : 30 × 784" */
export const weightLabel = (s: LayerShape): string => (s.w ? `w${superscript(s.l)} : ${count(s.w.rows)} × ${count(s.w.cols)}` : '');

/** "b² : 30" */
export const biasLabel = (s: LayerShape): string => (s.w ? `b${superscript(s.l)} : ${count(s.units)}` : '');
