/**
 * Weights from another tool (safetensors, .npz) into an existing design of the same shapes: tensors
 * are matched by Fathom's names (W2, b2…, batchnorm's mean4/variance4, also under a "module." prefix
 * as DistributedDataParallel saves them), else taken in the order the files hold them (weight, bias,
 * then a batchnorm layer's running mean and variance). Every mismatch is reported in one message;
 * nothing is applied unless everything fits. Pure.
 */
import type { Network } from '../../engine/network';
import { tensorSlots, type NamedTensor } from '../exports/tensors';
import { ImportError } from './errors';

export interface DesignWeights {
  /** w[l], b[l] for l = 1…L (index 0 unused; empty for pooling and dropout), ready for Network.setParameters. */
  w: Float32Array[];
  b: Float32Array[];
  /** Batchnorm's running statistics, indexed like w (empty for other layers), ready for Network.setState. */
  state: { mean: Float32Array[]; variance: Float32Array[] };
  /** How the tensors were matched. */
  matched: 'by-name' | 'in-order';
}

const shapeText = (shape: readonly number[]): string => `[${shape.join(', ')}]`;
const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** The tensors for `design` (a network of the same spec), or an ImportError listing every mismatch. */
export function weightsForDesign(
  design: Pick<Network, 'spec' | 'shapes' | 'sizes'>,
  tensors: readonly NamedTensor[],
  source: string,
): DesignWeights {
  const expected = tensorSlots(design);
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
        `the design (${design.sizes.join('-')}) needs ${expected.length} tensors (${expected.map((e) => e.name).join(', ')}); the file holds ${tensors.length}${tensors.length ? ` (${tensors.map((t) => t.name).join(', ')})` : ''}`,
      );
    chosen.push(...tensors.slice(0, expected.length));
  }
  expected.forEach((e, i) => {
    const t = chosen[i];
    if (!t) return;
    const label = named ? e.name : `${e.name} (tensor ${i + 1}, "${t.name}")`;
    if (!sameShape(t.shape, e.shape)) {
      const transposed = e.part === 'w' && e.shape.length === 2 && sameShape(t.shape, [...e.shape].reverse());
      problems.push(
        `${label}: expected ${shapeText(e.shape)}, found ${shapeText(t.shape)}${transposed ? ' (transposed: Fathom stores w as units(l) × units(l−1))' : ''}`,
      );
    } else if (!t.data.every(Number.isFinite)) problems.push(`${label}: holds NaN or infinite values`);
  });
  if (problems.length > 0) throw new ImportError(source, `does not fit the design, nothing was loaded: ${problems.join('; ')}`);
  const empty = () => design.sizes.map(() => new Float32Array(0));
  const result: DesignWeights = {
    w: empty(),
    b: empty(),
    state: { mean: empty(), variance: empty() },
    matched: named ? 'by-name' : 'in-order',
  };
  expected.forEach((e, i) => {
    const data = Float32Array.from(chosen[i]!.data);
    if (e.part === 'w' || e.part === 'b') result[e.part][e.layer] = data;
    else result.state[e.part][e.layer] = data;
  });
  return result;
}
