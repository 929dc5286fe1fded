/**
 * The layer nodes of an imported ONNX graph as Fathom layers: Gemm or MatMul (dense), Conv (square
 * kernels, equal strides, no or "same" padding, group 1, dilation 1), MaxPool (no padding),
 * BatchNormalization (inference form, running statistics), Dropout, Flatten and Reshape, each checked
 * against the shape flowing in; anything else about them is refused with the node's name. Pure.
 */
import { BATCHNORM_EPSILON } from '../../engine/layers/batchnorm';
import { windowGeometry } from '../../engine/shapes';
import type { ActivationName } from '../../engine/spec';
import { attributeText, floatValues, int64Values, type OnnxAttribute, type OnnxNode, type OnnxTensor } from './onnx-decode';

/** What flows between nodes, per sample: an image C × H × W, or a flat vector (channels = size, 1 × 1). */
export interface Flow {
  channels: number;
  height: number;
  width: number;
  spatial: boolean;
}

export type ImportedLayer =
  | { kind: 'dense'; units: number; w: Float32Array; b: Float32Array; activation?: ActivationName; awaitsBias: boolean }
  | {
      kind: 'conv';
      filters: number;
      kernel: number;
      stride: number;
      padding: 'valid' | 'same';
      w: Float32Array;
      b: Float32Array;
      activation?: ActivationName;
    }
  | { kind: 'maxpool'; size: number; stride: number }
  | { kind: 'dropout'; rate: number }
  | { kind: 'batchnorm'; gamma: Float32Array; beta: Float32Array; mean: Float32Array; variance: Float32Array };

type Refuse = (node: OnnxNode, why: string) => never;
type Tensor = { dims: number[]; values: Float32Array };
type Constant = (node: OnnxNode, name: string | undefined, what: string) => Tensor;

export const attribute = (node: OnnxNode, name: string): OnnxAttribute | undefined => node.attribute?.find((a) => a.name === name);

/** A pair attribute (kernel_shape, strides) that must be n × n; `fallback` when absent. */
function square(node: OnnxNode, name: string, fallback: number | undefined, refuse: Refuse): number {
  const ints = attribute(node, name)?.ints;
  if (!ints || ints.length === 0) {
    if (fallback === undefined) return refuse(node, `has no ${name}`);
    return fallback;
  }
  if (ints.length !== 2 || ints[0] !== ints[1])
    refuse(node, `has ${name} [${ints.join(', ')}]; Fathom's are square (n × n, on 2-D images)`);
  return ints[0]!;
}

function ones(node: OnnxNode, name: string, what: string, refuse: Refuse): void {
  const ints = attribute(node, name)?.ints ?? [];
  if (ints.some((d) => d !== 1)) refuse(node, `has ${name} [${ints.join(', ')}]; ${what}`);
}

/** valid or same, from auto_pad and pads: the only two paddings Fathom's windows have. */
function padding(node: OnnxNode, flow: Flow, kernel: number, stride: number, refuse: Refuse): 'valid' | 'same' {
  const auto = attributeText(attribute(node, 'auto_pad'));
  if (auto === 'VALID') return 'valid';
  if (auto === 'SAME_UPPER') return 'same';
  if (auto && auto !== 'NOTSET') refuse(node, `has auto_pad ${auto}; Fathom pads as SAME_UPPER ("same") or not at all`);
  const pads = attribute(node, 'pads')?.ints ?? [0, 0, 0, 0];
  if (pads.every((p) => p === 0)) return 'valid';
  const g = windowGeometry(flow.height, flow.width, kernel, stride, 'same');
  const same = [g.padTop, g.padLeft, g.padBottom, g.padRight];
  if (pads.length === 4 && pads.every((p, i) => p === same[i])) return 'same';
  return refuse(
    node,
    `pads [${pads.join(', ')}]; Fathom pads not at all or as "same" ([${same.join(', ')}] for this ${flow.height}×${flow.width} input)`,
  );
}

export function convLayer(
  node: OnnxNode,
  flow: Flow,
  W: Tensor,
  bias: Tensor | undefined,
  refuse: Refuse,
): { layer: ImportedLayer; flow: Flow } {
  if (!flow.spatial) refuse(node, 'takes a flat vector; a convolution needs an image (channels × height × width)');
  const group = attribute(node, 'group')?.i ?? 1;
  if (group !== 1) refuse(node, `has group = ${group}; Fathom's convolution has group 1 (every filter sees every input channel)`);
  ones(node, 'dilations', "Fathom's convolution has dilation 1", refuse);
  if (W.dims.length !== 4) refuse(node, `has weights of ${W.dims.length} dimensions; a 2-D convolution's are filters × channels × k × k`);
  const [filters, channels, kh, kw] = W.dims as [number, number, number, number];
  if (kh !== kw) refuse(node, `has a ${kh}×${kw} kernel; Fathom's kernels are square`);
  if (channels !== flow.channels) refuse(node, `takes ${channels} channels but the layer before gives ${flow.channels}`);
  const kernel = square(node, 'kernel_shape', kh, refuse);
  if (kernel !== kh) refuse(node, `has kernel_shape ${kernel} but weights of ${kh}×${kw}`);
  const stride = square(node, 'strides', 1, refuse);
  const pad = padding(node, flow, kernel, stride, refuse);
  if (bias && bias.values.length !== filters) refuse(node, `has a bias of ${bias.values.length} values for ${filters} filters`);
  const g = windowGeometry(flow.height, flow.width, kernel, stride, pad);
  if (g.outHeight < 1 || g.outWidth < 1)
    refuse(node, `has a ${kernel}×${kernel} kernel larger than its ${flow.height}×${flow.width} input`);
  return {
    layer: { kind: 'conv', filters, kernel, stride, padding: pad, w: W.values, b: bias?.values ?? new Float32Array(filters) },
    flow: { channels: filters, height: g.outHeight, width: g.outWidth, spatial: true },
  };
}

export function maxPoolLayer(node: OnnxNode, flow: Flow, refuse: Refuse): { layer: ImportedLayer; flow: Flow } {
  if (!flow.spatial) refuse(node, 'takes a flat vector; pooling needs an image (channels × height × width)');
  if ((node.output ?? []).filter(Boolean).length > 1) refuse(node, "also outputs the max's indices, which Fathom does not give");
  const size = square(node, 'kernel_shape', undefined, refuse);
  const stride = square(node, 'strides', 1, refuse);
  ones(node, 'dilations', "Fathom's pooling has dilation 1", refuse);
  const auto = attributeText(attribute(node, 'auto_pad'));
  if ((auto && auto !== 'NOTSET' && auto !== 'VALID') || (attribute(node, 'pads')?.ints ?? []).some((p) => p !== 0))
    refuse(node, "pads its input; Fathom's max-pooling does not");
  if (size > Math.min(flow.height, flow.width))
    refuse(node, `has a ${size}×${size} window larger than its ${flow.height}×${flow.width} input`);
  const g = windowGeometry(flow.height, flow.width, size, stride, 'valid');
  if ((attribute(node, 'ceil_mode')?.i ?? 0) !== 0 && ((flow.height - size) % stride !== 0 || (flow.width - size) % stride !== 0))
    refuse(node, "rounds its output size up (ceil_mode 1), keeping windows that run off the image; Fathom's pooling rounds down");
  return { layer: { kind: 'maxpool', size, stride }, flow: { ...flow, height: g.outHeight, width: g.outWidth } };
}

/**
 * BatchNormalization in its inference form, per channel of an image or per unit of a vector. Another
 * ε than Fathom's 1e-5 is moved into the running variance (σ² + ε is what the layer divides by), so
 * the outputs are the same.
 */
export function batchNormLayer(node: OnnxNode, flow: Flow, [gamma, beta, mean, variance]: Tensor[], refuse: Refuse): ImportedLayer {
  if ((attribute(node, 'training_mode')?.i ?? 0) !== 0 || (node.output ?? []).filter(Boolean).length > 1)
    refuse(node, 'is in training mode (it outputs batch statistics); Fathom reads the inference form');
  for (const [what, t] of [
    ['scale', gamma],
    ['bias', beta],
    ['mean', mean],
    ['variance', variance],
  ] as const)
    if (t!.values.length !== flow.channels)
      refuse(node, `has a ${what} of ${t!.values.length} values for ${flow.channels} ${flow.spatial ? 'channels' : 'units'}`);
  const epsilon = attribute(node, 'epsilon')?.f ?? 1e-5;
  // 1e-5 written as float32 is Fathom's ε: the variance is kept as it is.
  const shift = Math.fround(epsilon) === Math.fround(BATCHNORM_EPSILON) ? 0 : epsilon - BATCHNORM_EPSILON;
  const shifted = variance!.values.map((v) => v + shift);
  if (!(epsilon >= 0) || shifted.some((v) => !(v >= 0))) refuse(node, `has a variance or ε (${epsilon}) that is negative`);
  return { kind: 'batchnorm', gamma: gamma!.values, beta: beta!.values, mean: mean!.values, variance: shifted };
}

/**
 * A batchnorm after a conv or dense layer without activation, folded into its weights: at inference
 * γ·(w·x + b − μ)/√(σ² + ε) + β is the layer with w scaled by γ/√(σ² + ε) per unit or filter.
 * Used when an activation follows the batchnorm, which Fathom's batchnorm does not have.
 */
export function foldBatchNorm(into: ImportedLayer & { kind: 'conv' | 'dense' }, bn: ImportedLayer & { kind: 'batchnorm' }): void {
  const outputs = into.b.length;
  const per = into.w.length / outputs;
  const w = new Float32Array(into.w.length);
  const b = new Float32Array(outputs);
  for (let c = 0; c < outputs; c++) {
    const k = bn.gamma[c]! / Math.sqrt(bn.variance[c]! + BATCHNORM_EPSILON);
    for (let i = c * per; i < (c + 1) * per; i++) w[i] = into.w[i]! * k;
    b[c] = k * (into.b[c]! - bn.mean[c]!) + bn.beta[c]!;
  }
  into.w = w;
  into.b = b;
}

/** Gemm (alpha = beta = 1, transA = 0, either transB) or MatMul (its bias from the Add after it). */
export function denseLayer(
  node: OnnxNode,
  op: 'Gemm' | 'MatMul',
  width: number,
  constant: Constant,
  refuse: Refuse,
): ImportedLayer & { kind: 'dense' } {
  const ins = node.input ?? [];
  if (op === 'Gemm')
    for (const [name, expected] of [
      ['alpha', 1],
      ['beta', 1],
      ['transA', 0],
    ] as const) {
      const attr = attribute(node, name);
      const value = attr === undefined ? expected : (attr.f ?? attr.i ?? expected);
      if (value !== expected) refuse(node, `has ${name} = ${value}; Fathom's dense layer is Gemm with ${name} = ${expected}`);
    }
  const transB = op === 'Gemm' && (attribute(node, 'transB')?.i ?? 0) === 1;
  const W = constant(node, ins[1], 'the weights');
  if (W.dims.length !== 2) refuse(node, `has weights of ${W.dims.length} dimensions; a dense layer's are a matrix`);
  const [units, fanIn] = transB ? [W.dims[0]!, W.dims[1]!] : [W.dims[1]!, W.dims[0]!];
  if (fanIn !== width) refuse(node, `takes ${fanIn} inputs but the layer before gives ${width}`);
  const w = transB ? W.values : transpose(W.values, fanIn, units);
  let b: Float32Array = new Float32Array(units);
  if (op === 'Gemm' && ins[2]) {
    const C = constant(node, ins[2], 'the bias');
    if (C.values.length !== units) refuse(node, `has a bias of ${C.values.length} values for ${units} units`);
    b = C.values;
  }
  return { kind: 'dense', units, w, b, awaitsBias: op === 'MatMul' };
}

function transpose(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c]!;
  return out;
}

/** The shortest decimal that rounds to the float32 `x`: 0.2, not 0.20000000298023224 (a ratio read from a float32 tensor). */
function shortestFloat32(x: number): number {
  for (let digits = 1; digits < 9; digits++) {
    const y = Number(x.toPrecision(digits));
    if (Math.fround(y) === x) return y;
  }
  return x;
}

/** Identity, Dropout (a layer when its ratio is above 0), Flatten and Reshape to N × size. */
export function passThrough(
  node: OnnxNode,
  op: string,
  flow: Flow,
  layers: ImportedLayer[],
  constants: Map<string, OnnxTensor>,
  source: string,
  refuse: Refuse,
): Flow {
  const size = flow.channels * flow.height * flow.width;
  const flat: Flow = { channels: size, height: 1, width: 1, spatial: false };
  if (op === 'Flatten') {
    const axis = attribute(node, 'axis')?.i ?? 1;
    if (axis !== 1) refuse(node, `flattens from axis ${axis}; Fathom keeps the batch axis (axis 1)`);
    return flat;
  }
  if (op === 'Reshape') {
    const tensor = constants.get(node.input?.[1] ?? '');
    if (!tensor) return refuse(node, 'reshapes to a shape computed in the graph; Fathom reads Reshape by a constant shape');
    const shape = int64Values(tensor, `the shape of node "${node.name ?? ''}"`, source);
    // [-1 or 0 (the batch as it is), size or -1 (the rest)]
    if (shape.length !== 2 || !(shape[0] === -1 || shape[0] === 0) || !(shape[1] === size || shape[1] === -1))
      refuse(node, `reshapes to [${shape.join(', ')}]; Fathom reads a Reshape that flattens each sample to [N, ${size}]`);
    return flat;
  }
  if (op === 'Dropout') {
    const ratio = node.input?.[1] ? constants.get(node.input[1]) : undefined;
    const rate = ratio
      ? floatValues(ratio, `the ratio of node "${node.name ?? ''}"`, source).values[0]
      : (attribute(node, 'ratio')?.f ?? 0.5);
    if (rate === undefined || !(rate >= 0 && rate < 1)) refuse(node, `has a dropout ratio of ${rate}; Fathom's is from 0 up to 1`);
    if (rate! > 0) layers.push({ kind: 'dropout', rate: shortestFloat32(rate!) });
  }
  return flow;
}
