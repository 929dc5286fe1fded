/**
 * Weights from another tool (safetensors, .npz) into an existing design of the same shapes: tensors
 * are matched by Fathom's names (W2, b2…, also under a "module." prefix as DistributedDataParallel
 * saves them), else taken in order as weight, bias, weight, bias… Every mismatch is reported in one
 * message; nothing is applied unless everything fits. Pure.
 */
import { biasTensorName, weightTensorName, type NamedTensor } from '../exports/tensors';
import { ImportError } from './errors';

export interface DesignWeights {
  /** w[l], b[l] for l = 1…L (index 0 unused), ready for Network.setParameters. */
  w: Float32Array[];
  b: Float32Array[];
  /** How the tensors were matched. */
  matched: 'by-name' | 'in-order';
}

const shapeText = (shape: readonly number[]): string => `[${shape.join(', ')}]`;
const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** The tensors for a network of `sizes` (sizes[0] = inputs), or an ImportError listing every mismatch. */
export function weightsForDesign(sizes: readonly number[], tensors: readonly NamedTensor[], source: string): DesignWeights {
  const L = sizes.length - 1;
  const expected: { name: string; shape: number[]; layer: number; kind: 'w' | 'b' }[] = [];
  for (let l = 1; l <= L; l++) {
    expected.push({ name: weightTensorName(l), shape: [sizes[l]!, sizes[l - 1]!], layer: l, kind: 'w' });
    expected.push({ name: biasTensorName(l), shape: [sizes[l]!], layer: l, kind: 'b' });
  }
  const byName = new Map(tensors.map((t) => [t.name.replace(/^module\./, ''), t]));
  const named = expected.every((e) => byName.has(e.name));
  const problems: string[] = [];
  const chosen: NamedTensor[] = [];
  if (named) {
    for (const e of expected) chosen.push(byName.get(e.name)!);
    const extra = [...byName.keys()].filter((name) => !expected.some((e) => e.name === name));
    if (extra.length > 0) problems.push(`tensors the design has no place for: ${extra.join(', ')}`);
  } else {
    if (tensors.length !== expected.length)
      problems.push(
        `the design (${sizes.join('-')}) needs ${expected.length} tensors (${expected.map((e) => e.name).join(', ')}); the file holds ${tensors.length}${tensors.length ? ` (${tensors.map((t) => t.name).join(', ')})` : ''}`,
      );
    chosen.push(...tensors.slice(0, expected.length));
  }
  expected.forEach((e, i) => {
    const t = chosen[i];
    if (!t) return;
    const label = named ? e.name : `${e.name} (tensor ${i + 1}, "${t.name}")`;
    if (!sameShape(t.shape, e.shape)) {
      const transposed = e.kind === 'w' && sameShape(t.shape, [...e.shape].reverse());
      problems.push(
        `${label}: expected ${shapeText(e.shape)}, found ${shapeText(t.shape)}${transposed ? ' (transposed: Fathom stores w as units(l) × units(l−1))' : ''}`,
      );
    } else if (!t.data.every(Number.isFinite)) problems.push(`${label}: holds NaN or infinite values`);
  });
  if (problems.length > 0) throw new ImportError(source, `does not fit the design, nothing was loaded: ${problems.join('; ')}`);
  const w: Float32Array[] = [new Float32Array(0)];
  const b: Float32Array[] = [new Float32Array(0)];
  for (let l = 1; l <= L; l++) {
    w.push(Float32Array.from(chosen[2 * (l - 1)]!.data));
    b.push(Float32Array.from(chosen[2 * (l - 1) + 1]!.data));
  }
  return { w, b, matched: named ? 'by-name' : 'in-order' };
}
