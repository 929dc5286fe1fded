/**
 * The seed's notation, written once for every screen, the CLI and the docs: layer 1 is the input
 * layer, and w^l (j × k) and b^l feed layer l, so the first weights are w². The engine indexes
 * its arrays from the input at 0 (sizes[0] is the input, w[1] maps sizes[0] → sizes[1]), so its
 * index l is Nielsen's layer l + 1. Pure: shared with the renderer.
 */

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
