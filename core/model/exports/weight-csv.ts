/**
 * One weight matrix as CSV, from Inspect: row j holds w^l_j1 … w^l_jk, the weights into neuron j of
 * layer l (units(l) rows × units(l−1) columns, as Fathom stores it; for a convolution, one kernel per
 * row, its channels × k × k weights in OIHW order), no header, so numpy.loadtxt,
 * pandas and spreadsheets read it alike. Each value is the shortest decimal that reads back to the
 * same float32. Pure.
 */
import type { Network } from '../../engine/network';
import { layerNumber } from '../../engine/notation';

/** The CSV of w^l for the engine's layer `index` (1…L); a clear error for a layer the network lacks. */
export function weightMatrixCsv(net: Network, index: number): string {
  if (!Number.isInteger(index) || index < 1 || index > net.L)
    throw new RangeError(`the network has weight matrices w² … w${layerNumber(net.L)}; there is no layer ${layerNumber(index)}`);
  const layer = net.spec.layers[index - 1]!;
  if (layer.kind === 'maxpool' || layer.kind === 'dropout' || layer.kind === 'batchnorm')
    throw new RangeError(`layer ${layerNumber(index)} is a ${layer.kind} layer: it has no weight matrix`);
  // A convolution: one kernel per row, its channels × k × k weights in PyTorch's order (OIHW).
  const rows = layer.kind === 'conv' ? layer.filters : net.sizes[index]!;
  const w = net.w[index]!;
  const cols = w.length / rows;
  const lines: string[] = [];
  for (let j = 0; j < rows; j++) {
    const cells: string[] = [];
    for (let k = 0; k < cols; k++) cells.push(float32Text(w[j * cols + k]!));
    lines.push(cells.join(','));
  }
  return lines.join('\n') + '\n';
}

/** The shortest decimal that rounds back to the same float32 (String() of a double can need more digits). */
export function float32Text(x: number): string {
  const f = Math.fround(x);
  for (let digits = 1; digits < 10; digits++) {
    const text = String(Number(f.toPrecision(digits)));
    if (Math.fround(Number(text)) === f) return text;
  }
  return String(f);
}
