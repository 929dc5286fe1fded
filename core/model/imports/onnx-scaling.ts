/**
 * The input scaling an ONNX graph applies in its first nodes, read back as Fathom's ScalingParams:
 * Sub, Div, Mul and Add by a scalar or one value per input compose into x' = m·x + a (a z-score);
 * ReduceL2 → Max(·, tiny) → Div, as Fathom's export writes it, is unit-norm. When the file is
 * Fathom's and its metadata "fathom.scaling" says the same thing, the metadata's exact parameters are
 * kept (a min-max stays a min-max). Pure.
 */
import type { ScalingParams } from '../../data/scaling';
import { ImportError } from './errors';
import type { OnnxNode } from './onnx-decode';
import { attribute, type Flow } from './onnx-layers';

/** What the leading nodes compute: x' = m·x + a per feature (length 1 = the same for all), or x / ‖x‖. */
export type LeadingScaling = { kind: 'affine'; m: Float64Array; a: Float64Array } | { kind: 'unit-norm' };

export const SCALING_OPS = new Set(['Sub', 'Div', 'Mul', 'Add']);

type Refuse = (node: OnnxNode, why: string) => never;

/**
 * A scaling constant as one value or one per input: one per channel of an image, shaped [C, 1, 1] as
 * torchvision's Normalize makes it, is spread over each channel's pixels (CHW order).
 */
export function perInput(
  c: { dims: number[]; values: Float32Array },
  image: { channels: number; height: number; width: number } | undefined,
): Float32Array {
  const C = image?.channels ?? 0;
  const trailing = c.dims.slice(-3);
  if (!image || C < 2 || c.values.length !== C || trailing.length !== 3 || trailing[0] !== C || trailing[1] !== 1 || trailing[2] !== 1)
    return c.values;
  const area = image.height * image.width;
  const out = new Float32Array(C * area);
  for (let ch = 0; ch < C; ch++) out.fill(c.values[ch]!, ch * area, (ch + 1) * area);
  return out;
}

/** One scaling node applied to x' = m·x + a (`c` the constant operand: one value, or one per feature). */
export function affineStep(
  op: string,
  previous: LeadingScaling | undefined,
  c: Float32Array,
  inputSize: number,
  node: OnnxNode,
  refuse: Refuse,
): LeadingScaling {
  if (previous?.kind === 'unit-norm') return refuse(node, 'scales after a unit-norm scaling, which is not a scaling Fathom has');
  if (c.length !== 1 && c.length !== inputSize) refuse(node, `scales by ${c.length} values; expected one, or one per input (${inputSize})`);
  const start = previous ?? { kind: 'affine', m: new Float64Array(1).fill(1), a: new Float64Array(1) };
  const n = Math.max(start.m.length, c.length);
  const grow = (v: Float64Array) => (v.length === n ? Float64Array.from(v) : new Float64Array(n).fill(v[0]!));
  const [m, a] = [grow(start.m), grow(start.a)];
  for (let j = 0; j < n; j++) {
    const cj = c[c.length === 1 ? 0 : j]!;
    if (op === 'Sub') a[j]! -= cj;
    else if (op === 'Add') a[j]! += cj;
    else {
      const factor = op === 'Mul' ? cj : 1 / cj;
      if (!Number.isFinite(factor) || factor === 0) refuse(node, `scales by ${cj}, which cannot be undone`);
      m[j]! *= factor;
      a[j]! *= factor;
    }
  }
  return { kind: 'affine', m, a };
}

/** x' = m·x + a as Fathom's z-score: x' = (x − mean) / std with mean = −a/m, std = 1/m. */
function zScore(m: Float64Array, a: Float64Array, source: string): ScalingParams {
  if (m.some((x) => !(x > 0)))
    throw new ImportError(source, 'its input scaling flips or zeroes an input; Fathom scales by positive factors');
  return {
    kind: 'z-score',
    per: m.length === 1 ? 'global' : 'feature',
    mean: Array.from(m, (mj, j) => -a[j]! / mj),
    std: Array.from(m, (mj) => 1 / mj),
  };
}

/** The x' = m·x + a of Fathom's affine scalings (core/data/scaling.ts: a zero range or std counts as 1). */
function affineOf(scaling: ScalingParams): { m: number[]; a: number[] } | undefined {
  if (scaling.kind === 'z-score') {
    const std = scaling.std.map((s) => s || 1);
    return { m: std.map((s) => 1 / s), a: scaling.mean.map((mean, j) => -mean / std[j]!) };
  }
  if (scaling.kind === 'min-max' || scaling.kind === 'min-max-symmetric') {
    const k = scaling.kind === 'min-max' ? 1 : 2;
    const range = scaling.max.map((max, j) => max - scaling.min[j]! || 1);
    return { m: range.map((r) => k / r), a: scaling.min.map((min, j) => (-k * min) / range[j]! - (k - 1)) };
  }
  return undefined;
}

/** Equal to float32 rounding (the graph's constants are float32, the metadata's float64). */
const close = (x: number, y: number): boolean => Math.abs(x - y) <= 1e-6 * Math.max(1, Math.abs(x), Math.abs(y));

/** Whether the metadata's scaling is what the nodes compute. */
function agrees(nodes: LeadingScaling | undefined, meta: ScalingParams): boolean {
  if (!nodes) return meta.kind === 'none';
  if (nodes.kind === 'unit-norm') return meta.kind === 'unit-norm';
  const affine = affineOf(meta);
  if (!affine || affine.m.length !== nodes.m.length) return false;
  return affine.m.every((m, j) => close(m, nodes.m[j]!) && close(affine.a[j]!, nodes.a[j]!));
}

/**
 * The model's scaling. `raw`: the file says (metadata "fathom.input" = "raw") that its nodes scale
 * raw inputs, so the metadata must agree with them. Otherwise the nodes win, and without nodes the
 * metadata describes what the caller must do to the inputs (files exported before the scaling was a node).
 */
export function importedScaling(
  nodes: LeadingScaling | undefined,
  meta: ScalingParams | undefined,
  raw: boolean,
  source: string,
): ScalingParams | undefined {
  if (meta && (raw || !nodes)) {
    if (raw && !agrees(nodes, meta))
      throw new ImportError(source, 'its metadata "fathom.scaling" does not match the scaling its first nodes compute');
    return meta;
  }
  if (!nodes) return raw ? { kind: 'none' } : undefined;
  return nodes.kind === 'unit-norm' ? { kind: 'unit-norm' } : zScore(nodes.m, nodes.a, source);
}

/** Fathom's unit-norm: ReduceL2 over each sample, Max with a tiny floor, the input divided by it. Returns how many nodes follow the ReduceL2. */
export function unitNorm(
  nodes: OnnxNode[],
  at: number,
  input: string,
  flow: Flow,
  constant: (node: OnnxNode, name: string | undefined, what: string) => { values: Float32Array },
  refuse: Refuse,
): number {
  const [reduce, floor, divide] = [nodes[at]!, nodes[at + 1], nodes[at + 2]];
  const axes = attribute(reduce, 'axes')?.ints ?? [];
  const rank = flow.spatial ? 3 : 1;
  if ((attribute(reduce, 'keepdims')?.i ?? 1) !== 1 || axes.length !== rank || !axes.every((a, i) => a === i + 1))
    refuse(reduce, 'takes a norm that is not each whole sample’s; Fathom reads it only as the unit-norm scaling');
  const norm = reduce.output?.[0];
  if (
    floor?.op_type !== 'Max' ||
    !floor.input?.includes(norm ?? '') ||
    divide?.op_type !== 'Div' ||
    divide.input?.[0] !== input ||
    divide.input[1] !== floor.output?.[0]
  )
    refuse(reduce, 'is not followed by Max and Div as the unit-norm scaling x / max(‖x‖, tiny)');
  const floorValue = constant(
    floor!,
    floor!.input!.find((name) => name !== norm),
    'the floor',
  ).values;
  // Fathom's floor only keeps a blank sample at 0; a larger one would shrink small samples, which unit-norm does not.
  if (floorValue.length !== 1 || !(floorValue[0]! >= 0 && floorValue[0]! <= 1e-30))
    refuse(floor!, `floors the norm at ${floorValue[0]}; Fathom's unit-norm divides by the norm itself`);
  return 2;
}
