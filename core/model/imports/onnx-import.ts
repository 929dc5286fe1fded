/**
 * An ONNX model made elsewhere (torch.onnx.export, Keras via tf2onnx, Fathom's own export) as a
 * Fathom network, when it is a chain Fathom can represent: Gemm, or MatMul then Add, each followed
 * by at most one of Relu, LeakyRelu (Fathom's slope 0.01), Sigmoid, Tanh, Softmax (last layer), with
 * Flatten and Identity passing through, and an optional leading Sub/Div or Mul/Add that scales the
 * input (it becomes the model's z-score scaling). Any other node is refused by its name and type;
 * nothing is returned unless the whole graph was read. Pure: takes the bytes.
 */
import { scalingParamsSchema } from '../../data/scaling-schema';
import type { ScalingParams } from '../../data/scaling';
import { ACTIVATIONS, INITS, LOSSES, type ActivationName, type DenseLayerSpec, type NetworkSpec } from '../../engine/spec';
import { specProblems } from '../../engine/validate';
import { decodeOnnx, floatValues, type OnnxAttribute, type OnnxNode, type OnnxTensor } from './onnx-decode';
import { ImportError } from './errors';

export interface ImportedOnnx {
  spec: NetworkSpec;
  /** w[l], b[l] for l = 1…L (index 0 unused), as Network.setParameters takes them. */
  w: Float32Array[];
  b: Float32Array[];
  /** The input scaling, when the file carries it (leading nodes, or Fathom's "fathom.scaling" metadata). */
  scaling?: ScalingParams;
  /** One input's shape without the batch dimension and leading 1s, e.g. [28, 28]. */
  inputShape: number[];
}

const LEAK = 0.01;
const ACTIVATION_OPS: Record<string, ActivationName> = {
  Relu: 'relu',
  LeakyRelu: 'leaky-relu',
  Sigmoid: 'sigmoid',
  Tanh: 'tanh',
  Softmax: 'softmax',
};
const SCALING_OPS = new Set(['Sub', 'Div', 'Mul', 'Add']);

interface Layer {
  units: number;
  w: Float32Array;
  b: Float32Array;
  activation?: ActivationName;
  /** A MatMul waiting for its Add. */
  awaitsBias: boolean;
}

const attribute = (node: OnnxNode, name: string): OnnxAttribute | undefined => node.attribute?.find((a) => a.name === name);

export function importOnnx(bytes: Uint8Array, source: string): ImportedOnnx {
  const model = decodeOnnx(bytes, source);
  const graph = model.graph!;
  const constants = new Map<string, OnnxTensor>();
  for (const t of graph.initializer ?? []) if (t.name) constants.set(t.name, t);
  for (const node of graph.node ?? []) {
    const value = node.op_type === 'Constant' ? attribute(node, 'value')?.t : undefined;
    if (value && node.output?.[0]) constants.set(node.output[0], value);
  }
  const inputs = (graph.input ?? []).filter((i) => i.name && !constants.has(i.name));
  if (inputs.length !== 1) throw new ImportError(source, `has ${inputs.length} graph inputs; Fathom reads models of one input`);
  const dims = (inputs[0]!.type?.tensor_type?.shape?.dim ?? []).slice(1).map((d) => d.dim_value ?? 0);
  if (dims.length === 0 || dims.some((d) => !Number.isSafeInteger(d) || d < 1))
    throw new ImportError(
      source,
      `its input "${inputs[0]!.name}" has no fixed size per sample (dimensions after the batch: [${dims.join(', ')}])`,
    );
  const inputSize = dims.reduce((a, b) => a * b, 1);
  const inputShape = dims.length > 1 ? dims.filter((d, i) => d !== 1 || i === dims.length - 1) : dims;

  const layers: Layer[] = [];
  // The leading scaling x' = m·x + a, per feature (length inputSize) or one value for all.
  let m: Float64Array | undefined;
  let a: Float64Array | undefined;
  let current = inputs[0]!.name!;
  let width = inputSize;
  const refuse = (node: OnnxNode, why: string): never => {
    throw new ImportError(source, `node "${node.name ?? '(unnamed)'}" (${node.op_type ?? 'no type'}) ${why}`);
  };
  const constant = (node: OnnxNode, name: string | undefined, what: string) => {
    const tensor = name === undefined ? undefined : constants.get(name);
    if (!tensor) return refuse(node, `takes ${what} "${name ?? ''}" that is not a constant: Fathom cannot represent it`);
    return floatValues(tensor, `${what} "${name}" of node "${node.name ?? ''}"`, source);
  };

  for (const node of graph.node ?? []) {
    const op = node.op_type ?? '';
    if (op === 'Constant') continue;
    if (node.domain && node.domain !== 'ai.onnx') refuse(node, `is from the operator set "${node.domain}", which Fathom does not read`);
    const ins = node.input ?? [];
    const dataAt = ins.indexOf(current);
    if (dataAt < 0) refuse(node, 'does not take the previous node’s output: Fathom reads a chain of layers, one after another');
    const last = layers.at(-1);
    if (op === 'Identity' || op === 'Flatten' || op === 'Dropout') {
      const axis = attribute(node, 'axis')?.i ?? 1;
      if (op === 'Flatten' && axis !== 1) refuse(node, `flattens from axis ${axis}; Fathom keeps the batch axis (axis 1)`);
    } else if (SCALING_OPS.has(op) && layers.length === 0) {
      const c = constant(node, ins[1 - dataAt], 'the operand');
      if (c.values.length !== 1 && c.values.length !== inputSize)
        refuse(node, `scales by ${c.values.length} values; expected one, or one per input (${inputSize})`);
      if ((op === 'Sub' || op === 'Div') && dataAt !== 0)
        refuse(node, 'computes constant − input or constant / input, which is not a scaling Fathom has');
      m ??= new Float64Array(c.values.length === 1 ? 1 : inputSize).fill(1);
      a ??= new Float64Array(m.length);
      ({ m, a } = affineStep(op, m, a, c.values, node, refuse));
    } else if (op === 'Add' && last?.awaitsBias) {
      const c = constant(node, ins[1 - dataAt], 'the bias');
      if (c.values.length !== last.units) refuse(node, `adds ${c.values.length} values to a layer of ${last.units} units`);
      last.b = c.values;
      last.awaitsBias = false;
    } else if (op === 'Gemm' || op === 'MatMul') {
      if (dataAt !== 0) refuse(node, 'multiplies the weights by the input, not the input by the weights');
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
      if (last && !last.activation) last.activation = 'linear';
      layers.push({ units, w, b, awaitsBias: op === 'MatMul' });
      width = units;
    } else if (op in ACTIVATION_OPS) {
      if (!last || last.activation || last.awaitsBias)
        return refuse(node, 'does not follow a dense layer: Fathom has one activation per layer');
      const activation = ACTIVATION_OPS[op]!;
      if (activation === 'leaky-relu') {
        const alpha = attribute(node, 'alpha')?.f ?? 0.01;
        if (Math.abs(alpha - LEAK) > 1e-6) refuse(node, `has slope ${alpha}; Fathom's leaky ReLU has slope ${LEAK}`);
      }
      if (activation === 'softmax') {
        const axis = attribute(node, 'axis')?.i ?? -1;
        if (axis !== -1 && axis !== 1) refuse(node, `takes the softmax over axis ${axis}; Fathom's runs over a layer's units`);
      }
      last.activation = activation;
    } else
      refuse(node, 'cannot be represented in Fathom (it reads Gemm, MatMul + Add, Relu, LeakyRelu, Sigmoid, Tanh, Softmax and Flatten)');
    current = node.output?.[0] ?? '';
  }
  const outputs = (graph.output ?? []).map((o) => o.name);
  if (outputs.length !== 1 || outputs[0] !== current) throw new ImportError(source, 'its output is not the end of one chain of layers');
  if (layers.length === 0) throw new ImportError(source, 'holds no dense layer (Gemm or MatMul)');
  return assemble(layers, inputSize, inputShape, model.metadata_props ?? [], m && a ? zScore(m, a, source) : undefined, source);
}

/** One scaling node applied to x' = m·x + a. */
function affineStep(
  op: string,
  m: Float64Array,
  a: Float64Array,
  c: Float32Array,
  node: OnnxNode,
  refuse: (n: OnnxNode, why: string) => never,
) {
  const n = Math.max(m.length, c.length);
  const grow = (v: Float64Array) => (v.length === n ? v : new Float64Array(n).fill(v[0]!));
  const [m2, a2] = [grow(m), grow(a)];
  for (let j = 0; j < n; j++) {
    const cj = c[c.length === 1 ? 0 : j]!;
    if (op === 'Sub') a2[j]! -= cj;
    else if (op === 'Add') a2[j]! += cj;
    else {
      const factor = op === 'Mul' ? cj : 1 / cj;
      if (!Number.isFinite(factor) || factor === 0) refuse(node, `scales by ${cj}, which cannot be undone`);
      m2[j]! *= factor;
      a2[j]! *= factor;
    }
  }
  return { m: m2, a: a2 };
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

function transpose(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c]!;
  return out;
}

/** The spec (loss and init from Fathom's own metadata when there, else a fitting default), checked as any spec is. */
function assemble(
  layers: Layer[],
  inputSize: number,
  inputShape: number[],
  metadata: { key?: string; value?: string }[],
  leading: ScalingParams | undefined,
  source: string,
): ImportedOnnx {
  const meta = new Map(metadata.map((p) => [p.key ?? '', p.value ?? '']));
  let saved: { loss?: unknown; init?: unknown } = {};
  try {
    saved = JSON.parse(meta.get('fathom.spec') ?? '{}') as typeof saved;
  } catch {
    // Not Fathom's metadata: defaults below.
  }
  const out = layers.at(-1)!.activation ?? 'linear';
  const spec: NetworkSpec = {
    inputSize,
    layers: layers.map((l) => ({ units: l.units, activation: l.activation ?? 'linear' })),
    loss: LOSSES.includes(saved.loss as never) ? (saved.loss as NetworkSpec['loss']) : out === 'softmax' ? 'cross-entropy' : 'quadratic',
    init: INITS.includes(saved.init as never) ? (saved.init as NetworkSpec['init']) : 'xavier',
  };
  if (!(spec.layers as DenseLayerSpec[]).every((l) => ACTIVATIONS.includes(l.activation)))
    throw new ImportError(source, 'has an activation Fathom does not know');
  const problem = specProblems(spec)[0];
  if (problem) throw new ImportError(source, `describes a network Fathom cannot build: ${problem.message}`);
  let scaling = leading;
  const carried = meta.get('fathom.scaling');
  if (carried !== undefined && !leading) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(carried);
    } catch {
      parsed = undefined;
    }
    const checked = scalingParamsSchema.safeParse(parsed);
    if (!checked.success) throw new ImportError(source, 'its metadata "fathom.scaling" is not a scaling Fathom reads');
    scaling = checked.data as ScalingParams;
  }
  const result: ImportedOnnx = {
    spec,
    w: [new Float32Array(0), ...layers.map((l) => l.w)],
    b: [new Float32Array(0), ...layers.map((l) => l.b)],
    inputShape,
  };
  if (scaling) result.scaling = scaling;
  return result;
}
