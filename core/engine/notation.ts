/**
 * The seed's notation, written once for every screen, the CLI and the docs: layer 1 is the input
 * layer, and w^l (j × k) and b^l feed layer l, so the first weights are w². The engine indexes
 * its arrays from the input at 0 (sizes[0] is the input, w[1] maps sizes[0] → sizes[1]), so its
 * index l is Nielsen's layer l + 1. Pure: shared with the renderer.
 */
import { isDense, layerKind, type LayerKind, type LayerSpec, type NetworkSpec } from './spec';

const SUPERSCRIPT: Record<string, string> = { '-': '⁻', 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹' };

/** 12 → "¹²", −3 → "⁻³" (layer numbers in w², exponents). */
export function superscript(n: number): string {
  return String(n).replace(/./g, (c) => SUPERSCRIPT[c] ?? c);
}

/** Nielsen's number of the layer the engine calls `index` (0 = the input): index + 1. */
export const layerNumber = (index: number): number => index + 1;

/** "w²": the weights into the layer the engine calls `index` (≥ 1). */
export const weightName = (index: number): string => `w${superscript(layerNumber(index))}`;

/** "b²": the biases of the layer the engine calls `index` (≥ 1). */
export const biasName = (index: number): string => `b${superscript(layerNumber(index))}`;

/** The short word in legends, headings and ONNX node names: "conv 2", "pool 3". */
export const LAYER_KIND_SHORT: Record<LayerKind, string> = {
  dense: 'dense',
  conv: 'conv',
  maxpool: 'pool',
  dropout: 'dropout',
  batchnorm: 'batchnorm',
};

/** Nielsen's number of spec.layers[index] (the input is layer 1, so spec.layers[0] is layer 2). */
export const specLayerNumber = (index: number): number => index + 2;

/** "conv 2", "pool 3", "dense 4": a layer named by its kind and its number. */
export function layerTitle(layer: LayerSpec | undefined, index: number): string {
  return `${LAYER_KIND_SHORT[layer ? layerKind(layer) : 'dense']} ${specLayerNumber(index)}`;
}

/**
 * One name for spec.layers[index] everywhere a person reads it (the drawing, the summary, the
 * explanations, the Train legends, ONNX node names): "layer 2" in a fully connected network, as in
 * Nielsen's book; "conv 2", "pool 3", "dense 4" once it has other kinds of layer. `index` −1 is the
 * input, layer 1 ("input 1" beside conv…).
 */
export function layerName(spec: NetworkSpec, index: number): string {
  if (spec.layers.every(isDense)) return `layer ${specLayerNumber(index)}`;
  return index < 0 ? `input ${specLayerNumber(index)}` : layerTitle(spec.layers[index], index);
}
