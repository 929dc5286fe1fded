/**
 * The input scaling as the first nodes of an exported graph, so the file takes raw inputs (0–255
 * pixels as floats) and classifies them on its own: min-max and z-score as Sub then Div (then Mul and
 * Add for the symmetric min-max), unit-norm as x / max(‖x‖₂, tiny). The constants are the stored
 * statistics rounded to float32; a zero range or std counts as 1, as core/data/scaling.ts has it.
 * Pure.
 */
import type { ScalingParams } from '../data/scaling';
import { floatTensor, intAttribute, intsAttribute, type GraphParts } from './onnx-graph';

/** The smallest normal float32: the floor of the norm, so a blank sample stays zero (0 / tiny). */
const TINY = 1.1754943508222875e-38;

/**
 * Appends the scaling of `input` (per sample `featureDims`, e.g. [784] or [1, 28, 28]) to `parts`;
 * returns the name of the scaled tensor (`input` itself when there is nothing to do).
 */
export function scalingNodes(scaling: ScalingParams | undefined, input: string, featureDims: number[], parts: GraphParts): string {
  if (!scaling || scaling.kind === 'none') return input;
  const { nodes, initializer } = parts;
  if (scaling.kind === 'unit-norm') {
    const axes = featureDims.map((_, i) => i + 1);
    initializer.push(floatTensor('scaling tiny', [], [TINY]));
    nodes.push(
      {
        name: 'scaling norm',
        op_type: 'ReduceL2',
        input: [input],
        output: ['scaling norm'],
        attribute: [intsAttribute('axes', axes), intAttribute('keepdims', 1)],
      },
      { name: 'scaling norm floor', op_type: 'Max', input: ['scaling norm', 'scaling tiny'], output: ['scaling norm floor'] },
      { name: 'scaling divide', op_type: 'Div', input: [input, 'scaling norm floor'], output: ['scaled'] },
    );
    return 'scaled';
  }
  const [offset, divisor] =
    scaling.kind === 'z-score'
      ? [scaling.mean, scaling.std.map((s) => s || 1)]
      : [scaling.min, scaling.max.map((m, j) => m - scaling.min[j]! || 1)];
  const dims = scaling.per === 'global' ? [] : featureDims;
  const steps: [op: string, values: number[]][] = [
    ['Sub', offset],
    ['Div', divisor],
  ];
  if (scaling.kind === 'min-max-symmetric') steps.push(['Mul', [2]], ['Add', [-1]]);
  let from = input;
  steps.forEach(([op, values], i) => {
    const name = `scaling ${op.toLowerCase()}`;
    const to = i === steps.length - 1 ? 'scaled' : name;
    initializer.push(floatTensor(`${name} by`, values.length === 1 ? [] : dims, values));
    nodes.push({ name, op_type: op, input: [from, `${name} by`], output: [to] });
    from = to;
  });
  return from;
}
