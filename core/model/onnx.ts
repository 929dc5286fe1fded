/**
 * Export to ONNX (opset 13, IR version 7), so a network trained in Fathom runs in onnxruntime,
 * PyTorch, Netron… Each layer becomes Gemm(a, W, b) with transB = 1 — W stays units(l) × units(l−1)
 * exactly as Network.w[l] stores it — followed by its activation. Inputs must already be scaled;
 * the scaling is recorded in the model's metadata ("fathom.scaling") for whoever feeds it.
 * Pure: returns bytes; model-files.ts saves them.
 */
import * as protobuf from 'protobufjs';
import type { ScalingParams } from '../data/scaling';
import type { Network } from '../engine/network';
import { layerNumber } from '../engine/notation';
import { isDense, type ActivationName, type DenseLayerSpec } from '../engine/spec';
import { float32ToBytes } from './base64-float32';
import { ModelFileError } from './errors';
import { checkParametersFinite } from './model-file';
import { ONNX_PROTO } from './onnx-proto';

export const ONNX_OPSET = 13;
export const ONNX_IR_VERSION = 7;
export const ONNX_INPUT = 'input';
export const ONNX_OUTPUT = 'output';

/** onnx.TensorProto.DataType and onnx.AttributeProto.AttributeType values used here. */
const FLOAT = 1;
const ATTR_FLOAT = 1;
const ATTR_INT = 2;

/** The same leak as the engine's leaky ReLU (core/engine/activations.ts). */
const LEAKY_RELU_ALPHA = 0.01;

let modelType: protobuf.Type | undefined;

/** onnx.ModelProto, parsed once from our trimmed onnx.proto. */
function onnxModelType(): protobuf.Type {
  modelType ??= protobuf.parse(ONNX_PROTO, { keepCase: true }).root.lookupType('onnx.ModelProto');
  return modelType;
}

interface Attribute {
  name: string;
  type: number;
  f?: number;
  i?: number;
}

interface Node {
  name: string;
  op_type: string;
  input: string[];
  output: string[];
  attribute?: Attribute[];
}

interface Tensor {
  name: string;
  dims: number[];
  data_type: number;
  raw_data: Uint8Array;
}

const floatTensor = (name: string, dims: number[], values: ArrayLike<number>): Tensor => ({
  name,
  dims,
  data_type: FLOAT,
  raw_data: float32ToBytes(values), // ONNX raw_data is little-endian, as float32ToBytes writes
});

const valueInfo = (name: string, dims: (number | string)[]) => ({
  name,
  type: {
    tensor_type: {
      elem_type: FLOAT,
      shape: { dim: dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) },
    },
  },
});

/** The nodes computing a = σ(z) for one activation. */
function activationNodes(activation: ActivationName, z: string, a: string, layer: number): Node[] {
  const node = (op_type: string, attribute?: Attribute[]): Node => ({
    name: `${op_type.toLowerCase()}${layer}`,
    op_type,
    input: [z],
    output: [a],
    attribute,
  });
  switch (activation) {
    case 'linear':
      return [node('Identity')];
    case 'sigmoid':
      return [node('Sigmoid')];
    case 'tanh':
      return [node('Tanh')];
    case 'relu':
      return [node('Relu')];
    case 'leaky-relu':
      return [node('LeakyRelu', [{ name: 'alpha', type: ATTR_FLOAT, f: LEAKY_RELU_ALPHA }])];
    case 'softmax':
      return [node('Softmax', [{ name: 'axis', type: ATTR_INT, i: -1 }])];
    case 'step': {
      // a = 1 where z ≥ 0, else 0: a comparison giving booleans, cast back to float.
      const flags = `step${layer}_flags`;
      return [
        { name: `step${layer}`, op_type: 'GreaterOrEqual', input: [z, 'zero'], output: [flags] },
        { name: `step${layer}_cast`, op_type: 'Cast', input: [flags], output: [a], attribute: [{ name: 'to', type: ATTR_INT, i: FLOAT }] },
      ];
    }
  }
}

/**
 * The network as an ONNX model: input "input" float [N, inputSize] (already scaled), output
 * "output" float [N, units(L)]. Throws ModelFileError 'non-finite' for NaN or infinite weights.
 */
export function exportOnnx(net: Network, scaling?: ScalingParams): Uint8Array {
  checkParametersFinite(net, 'the network being exported');
  const { spec, sizes, L } = net;
  const denseLayers = spec.layers.filter(isDense);
  if (denseLayers.length !== spec.layers.length)
    throw new ModelFileError(
      'bad-spec',
      'the network being exported',
      'ONNX export covers fully connected networks only so far; this one has convolution, pooling, dropout or batchnorm layers.',
    );
  const nodes: Node[] = [];
  const initializer: Tensor[] = [];
  let a = ONNX_INPUT;
  for (let l = 1; l <= L; l++) {
    const activation = denseLayers[l - 1]!.activation;
    const n = layerNumber(l); // names in the seed's numbering: W2 feeds layer 2 from the input layer 1
    initializer.push(floatTensor(`W${n}`, [sizes[l]!, sizes[l - 1]!], net.w[l]!), floatTensor(`b${n}`, [sizes[l]!], net.b[l]!));
    const z = `z${n}`;
    const next = l === L ? ONNX_OUTPUT : `a${n}`;
    nodes.push({
      name: `dense${n}`,
      op_type: 'Gemm',
      input: [a, `W${n}`, `b${n}`],
      output: [z],
      attribute: [{ name: 'transB', type: ATTR_INT, i: 1 }],
    });
    nodes.push(...activationNodes(activation, z, next, n));
    a = next;
  }
  if (denseLayers.some((layer: DenseLayerSpec) => layer.activation === 'step')) initializer.push(floatTensor('zero', [], [0]));

  const layers = denseLayers.map((layer) => `${layer.units} ${layer.activation}`).join(' → ');
  const metadata = [{ key: 'fathom.spec', value: JSON.stringify(spec) }];
  if (scaling) metadata.push({ key: 'fathom.scaling', value: JSON.stringify(scaling) });
  const Model = onnxModelType();
  const model = Model.fromObject({
    ir_version: ONNX_IR_VERSION,
    opset_import: [{ domain: '', version: ONNX_OPSET }],
    producer_name: 'Fathom',
    doc_string: `Fully connected network ${spec.inputSize} → ${layers}, exported by Fathom. Inputs must be scaled as in metadata "fathom.scaling".`,
    metadata_props: metadata,
    graph: {
      name: 'fathom',
      node: nodes,
      initializer,
      input: [valueInfo(ONNX_INPUT, ['N', spec.inputSize])],
      output: [valueInfo(ONNX_OUTPUT, ['N', sizes[L]!])],
    },
  });
  return Model.encode(model).finish();
}
