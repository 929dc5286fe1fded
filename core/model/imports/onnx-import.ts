/**
 * An ONNX model made elsewhere (torch.onnx.export, Keras via tf2onnx, Fathom's own export) as a
 * Fathom network, when it is a chain Fathom can represent: Gemm, or MatMul then Add (dense); Conv,
 * MaxPool, BatchNormalization (onnx-layers.ts); each conv or dense layer followed by at most one of
 * Relu, LeakyRelu (Fathom's slope 0.01), Sigmoid, Tanh, Softmax (last layer); Dropout (its ratio kept),
 * Flatten and Reshape to N × size, Identity passing through; leading nodes that scale the input
 * (onnx-scaling.ts); and the Transposes of a Keras model's channels-last images (onnx-keras.ts). Two rewrites keep the outputs exact where Fathom's layers have another order: an
 * activation after a max-pool moves onto the conv before it (max and a rising activation commute),
 * and a batchnorm followed by an activation is folded into the conv or dense layer before it. Any
 * other node is refused by its name and type; nothing is returned unless the whole graph was read.
 * Pure: takes the bytes.
 */
import { scalingParamsSchema } from '../../data/scaling-schema';
import type { ScalingParams } from '../../data/scaling';
import { INITS, LOSSES, type ActivationName, type InputShape, type LayerSpec, type LayerState, type NetworkSpec } from '../../engine/spec';
import { specProblems } from '../../engine/validate';
import { decodeOnnx, floatValues, type OnnxModel, type OnnxNode, type OnnxTensor } from './onnx-decode';
import { ImportError } from './errors';
import {
  attribute,
  batchNormLayer,
  convLayer,
  denseLayer,
  foldBatchNorm,
  maxPoolLayer,
  passThrough,
  type Flow,
  type ImportedLayer,
} from './onnx-layers';
import { channelsFirstColumns, keras } from './onnx-keras';
import { affineStep, importedScaling, perInput, SCALING_OPS, unitNorm, type LeadingScaling } from './onnx-scaling';

export interface ImportedOnnx {
  spec: NetworkSpec;
  /** w[l], b[l] for l = 1…L (index 0 unused), as Network.setParameters takes them. */
  w: Float32Array[];
  b: Float32Array[];
  /** Batchnorm's running mean and variance per layer, as Network.setState takes them (empty for other layers). */
  state: LayerState;
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
const PASS_THROUGH = new Set(['Identity', 'Flatten', 'Reshape', 'Dropout']);

type Refuse = (node: OnnxNode, why: string) => never;

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
  let inputShape = dims.length > 1 ? dims.filter((d, i) => d !== 1 || i === dims.length - 1) : dims;
  let image: InputShape | undefined = dims.length === 3 ? { channels: dims[0]!, height: dims[1]!, width: dims[2]! } : undefined;
  /** Set by a Transpose to channels-last before a Flatten (Keras's order): the image whose H, W, C values the next dense layer takes. */
  let channelsLast: InputShape | undefined;

  const layers: ImportedLayer[] = [];
  let leading: LeadingScaling | undefined;
  let current = inputs[0]!.name!;
  let flow: Flow = image ? { ...image, spatial: true } : { channels: inputSize, height: 1, width: 1, spatial: false };
  const refuse: Refuse = (node, why) => {
    throw new ImportError(source, `node "${node.name ?? '(unnamed)'}" (${node.op_type ?? 'no type'}) ${why}`);
  };
  const constant = (node: OnnxNode, name: string | undefined, what: string) => {
    const tensor = name === undefined ? undefined : constants.get(name);
    if (!tensor) return refuse(node, `takes ${what} "${name ?? ''}" that is not a constant: Fathom cannot represent it`);
    return floatValues(tensor, `${what} "${name}" of node "${node.name ?? ''}"`, source);
  };

  const nodes = (graph.node ?? []).filter((node) => node.op_type !== 'Constant');
  for (let at = 0; at < nodes.length; at++) {
    const node = nodes[at]!;
    const op = node.op_type ?? '';
    if (node.domain && node.domain !== 'ai.onnx') refuse(node, `is from the operator set "${node.domain}", which Fathom does not read`);
    const ins = node.input ?? [];
    const dataAt = ins.indexOf(current);
    if (dataAt < 0) refuse(node, 'does not take the previous node’s output: Fathom reads a chain of layers, one after another');
    const last = layers.at(-1);
    if (channelsLast && !PASS_THROUGH.has(op) && op !== 'Gemm' && op !== 'MatMul')
      refuse(
        node,
        "takes a channels-last image (after a Transpose): Fathom's layers take channels-first images, and only a Flatten and a dense layer may follow",
      );
    if (op === 'Transpose') {
      const read = keras(node, { dims, flow, layers, channelsLast: channelsLast !== undefined }, refuse);
      if (read.input) {
        ({ image, inputShape } = read.input);
        flow = { ...read.input.image, spatial: true };
      } else channelsLast = { channels: flow.channels, height: flow.height, width: flow.width };
    } else if (PASS_THROUGH.has(op)) {
      flow = passThrough(node, op, flow, layers, constants, source, refuse);
    } else if (op === 'ReduceL2' && layers.length === 0 && !leading) {
      at += unitNorm(nodes, at, current, flow, constant, refuse);
      leading = { kind: 'unit-norm' };
      current = nodes[at]!.output?.[0] ?? '';
      continue;
    } else if (SCALING_OPS.has(op) && layers.length === 0) {
      if ((op === 'Sub' || op === 'Div') && dataAt !== 0)
        refuse(node, 'computes constant − input or constant / input, which is not a scaling Fathom has');
      leading = affineStep(op, leading, perInput(constant(node, ins[1 - dataAt], 'the operand'), image), inputSize, node, refuse);
    } else if (op === 'Add' && last?.kind === 'dense' && last.awaitsBias) {
      const c = constant(node, ins[1 - dataAt], 'the bias');
      if (c.values.length !== last.units) refuse(node, `adds ${c.values.length} values to a layer of ${last.units} units`);
      last.b = c.values;
      last.awaitsBias = false;
    } else if (op === 'Gemm' || op === 'MatMul') {
      if (flow.spatial)
        refuse(node, `takes a ${flow.channels}×${flow.height}×${flow.width} image; a dense layer needs a Flatten before it`);
      const layer = denseLayer(node, op, flow.channels, constant, refuse);
      if (channelsLast) layer.w = channelsFirstColumns(layer.w, layer.units, channelsLast);
      channelsLast = undefined;
      if (last && (last.kind === 'dense' || last.kind === 'conv')) last.activation ??= 'linear';
      layers.push(layer);
      flow = { channels: layer.units, height: 1, width: 1, spatial: false };
    } else if (op === 'Conv') {
      const bias = ins[2] ? constant(node, ins[2], 'the bias') : undefined;
      const read = convLayer(node, flow, constant(node, ins[1], 'the weights'), bias, refuse);
      if (last && (last.kind === 'dense' || last.kind === 'conv')) last.activation ??= 'linear';
      layers.push(read.layer);
      flow = read.flow;
    } else if (op === 'MaxPool') {
      const read = maxPoolLayer(node, flow, refuse);
      layers.push(read.layer);
      flow = read.flow;
    } else if (op === 'BatchNormalization') {
      const tensors = [1, 2, 3, 4].map((i) => constant(node, ins[i], ['the scale', 'the bias', 'the mean', 'the variance'][i - 1]!));
      layers.push(batchNormLayer(node, flow, tensors, refuse));
    } else if (op in ACTIVATION_OPS) {
      activate(node, ACTIVATION_OPS[op]!, layers, refuse);
    } else
      refuse(
        node,
        'cannot be represented in Fathom (it reads Gemm, MatMul + Add, Conv, MaxPool, BatchNormalization, Relu, LeakyRelu, Sigmoid, Tanh, Softmax, Dropout, Flatten, Reshape, Identity and the Transposes of a Keras model)',
      );
    current = node.output?.[0] ?? '';
  }
  const outputs = (graph.output ?? []).map((o) => o.name);
  if (outputs.length !== 1 || outputs[0] !== current) throw new ImportError(source, 'its output is not the end of one chain of layers');
  if (!layers.some((l) => l.kind === 'dense')) throw new ImportError(source, 'holds no dense layer (Gemm or MatMul)');
  return assemble(layers, inputSize, image, inputShape, model, leading, source);
}

/** An activation node onto the layer it belongs to (see the two rewrites in the file's comment). */
function activate(node: OnnxNode, activation: ActivationName, layers: ImportedLayer[], refuse: Refuse): void {
  if (activation === 'leaky-relu') {
    const alpha = attribute(node, 'alpha')?.f ?? 0.01;
    if (Math.abs(alpha - LEAK) > 1e-6) refuse(node, `has slope ${alpha}; Fathom's leaky ReLU has slope ${LEAK}`);
  }
  if (activation === 'softmax') {
    const axis = attribute(node, 'axis')?.i ?? -1;
    if (axis !== -1 && axis !== 1) refuse(node, `takes the softmax over axis ${axis}; Fathom's runs over a layer's units`);
  }
  const last = layers.at(-1);
  const before = layers.at(-2);
  const open = (l: ImportedLayer | undefined): l is ImportedLayer & { kind: 'conv' | 'dense' } =>
    (l?.kind === 'conv' || l?.kind === 'dense') && !l.activation && !(l.kind === 'dense' && l.awaitsBias);
  if (open(last)) last.activation = activation;
  else if (last?.kind === 'maxpool' && before?.kind === 'conv' && open(before) && activation !== 'softmax') before.activation = activation;
  else if (last?.kind === 'batchnorm' && open(before)) {
    foldBatchNorm(before, last);
    layers.pop();
    before.activation = activation;
  } else refuse(node, 'does not follow a conv or dense layer: Fathom has one activation per layer, after its conv or dense part');
}

/** The spec (loss and init from Fathom's own metadata when there, else a fitting default), checked as any spec is. */
function assemble(
  layers: ImportedLayer[],
  inputSize: number,
  image: InputShape | undefined,
  inputShape: number[],
  model: OnnxModel,
  leading: LeadingScaling | undefined,
  source: string,
): ImportedOnnx {
  const meta = new Map((model.metadata_props ?? []).map((p) => [p.key ?? '', p.value ?? '']));
  let saved: { loss?: unknown; init?: unknown; inputShape?: InputShape } = {};
  try {
    saved = JSON.parse(meta.get('fathom.spec') ?? '{}') as typeof saved;
  } catch {
    // Not Fathom's metadata: defaults below.
  }
  const specLayers = layers.map((l): LayerSpec => {
    switch (l.kind) {
      case 'dense':
        return { units: l.units, activation: l.activation ?? 'linear' };
      case 'conv':
        return {
          kind: 'conv',
          filters: l.filters,
          kernel: l.kernel,
          stride: l.stride,
          padding: l.padding,
          activation: l.activation ?? 'linear',
        };
      case 'maxpool':
        return { kind: 'maxpool', size: l.size, stride: l.stride };
      case 'dropout':
        return { kind: 'dropout', rate: l.rate };
      case 'batchnorm':
        return { kind: 'batchnorm' };
    }
  });
  const out = specLayers.at(-1)!;
  const spatial = layers.some((l) => l.kind === 'conv' || l.kind === 'maxpool');
  // An image input is kept where a layer slides over it, or where Fathom's own file says the network had one.
  const keepImage = image && (spatial || JSON.stringify(saved.inputShape) === JSON.stringify(image));
  const spec: NetworkSpec = {
    inputSize,
    ...(keepImage ? { inputShape: image } : {}),
    layers: specLayers,
    loss: LOSSES.includes(saved.loss as never)
      ? (saved.loss as NetworkSpec['loss'])
      : 'activation' in out && out.activation === 'softmax'
        ? 'cross-entropy'
        : 'quadratic',
    init: INITS.includes(saved.init as never) ? (saved.init as NetworkSpec['init']) : spatial ? 'he' : 'xavier',
  };
  const problem = specProblems(spec)[0];
  if (problem) throw new ImportError(source, `describes a network Fathom cannot build: ${problem.message}`);
  const carried = meta.get('fathom.scaling');
  let metaScaling: ScalingParams | undefined;
  if (carried !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(carried);
    } catch {
      parsed = undefined;
    }
    const checked = scalingParamsSchema.safeParse(parsed);
    if (!checked.success) throw new ImportError(source, 'its metadata "fathom.scaling" is not a scaling Fathom reads');
    metaScaling = checked.data as ScalingParams;
  }
  const scaling = importedScaling(leading, metaScaling, meta.get('fathom.input') === 'raw', source);
  const none = new Float32Array(0);
  const result: ImportedOnnx = {
    spec,
    w: [none, ...layers.map((l) => (l.kind === 'dense' || l.kind === 'conv' ? l.w : l.kind === 'batchnorm' ? l.gamma : none))],
    b: [none, ...layers.map((l) => (l.kind === 'dense' || l.kind === 'conv' ? l.b : l.kind === 'batchnorm' ? l.beta : none))],
    state: {
      mean: [none, ...layers.map((l) => (l.kind === 'batchnorm' ? l.mean : none))],
      variance: [none, ...layers.map((l) => (l.kind === 'batchnorm' ? l.variance : none))],
    },
    inputShape,
  };
  if (scaling) result.scaling = scaling;
  return result;
}
