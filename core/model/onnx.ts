/**
 * Export to ONNX (opset 13, IR version 7), so a network trained in Fathom runs in onnxruntime,
 * PyTorch, Netron… The graph starts with the input scaling (onnx-scaling.ts), so the file takes raw
 * inputs — MNIST's 0–255 pixels as floats — and classifies them on its own; then each layer as
 * onnx-layers.ts writes it: Gemm with transB = 1 (W stays units(l) × units(l−1) as Network.w[l]
 * stores it), Conv (OIHW), MaxPool, Dropout (identity at inference), BatchNormalization (running
 * statistics), a Flatten where a dense layer follows a spatial one, and each activation. The spec and
 * the scaling are also recorded in the metadata ("fathom.spec", "fathom.scaling"; "fathom.input" =
 * "raw" says the scaling is in the graph), so Fathom's import recovers them exactly.
 * Pure: returns bytes; model-files.ts saves them.
 */
import * as protobuf from 'protobufjs';
import type { ScalingParams } from '../data/scaling';
import type { Network } from '../engine/network';
import { networkSizes } from '../engine/spec';
import { checkParametersFinite } from './model-file';
import { FLOAT, type GraphParts } from './onnx-graph';
import { layerNodes, onnxLayerName } from './onnx-layers';
import { ONNX_PROTO } from './onnx-proto';
import { scalingNodes } from './onnx-scaling';

export const ONNX_OPSET = 13;
export const ONNX_IR_VERSION = 7;
export const ONNX_INPUT = 'input';
export const ONNX_OUTPUT = 'output';
/** Metadata key whose value "raw" says the graph scales its own inputs (files before it took scaled inputs). */
export const ONNX_INPUT_KEY = 'fathom.input';

let modelType: protobuf.Type | undefined;

/** onnx.ModelProto, parsed once from our trimmed onnx.proto. */
function onnxModelType(): protobuf.Type {
  modelType ??= protobuf.parse(ONNX_PROTO, { keepCase: true }).root.lookupType('onnx.ModelProto');
  return modelType;
}

const valueInfo = (name: string, dims: (number | string)[]) => ({
  name,
  type: {
    tensor_type: {
      elem_type: FLOAT,
      shape: { dim: dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) },
    },
  },
});

/**
 * The network as an ONNX model: input "input" float [N, inputSize] (or [N, channels, height, width]
 * when the spec's input is an image) of RAW values, scaled inside by `scaling`; output "output" float
 * [N, units(L)]. Throws ModelFileError 'non-finite' for NaN or infinite weights.
 */
export function exportOnnx(net: Network, scaling?: ScalingParams): Uint8Array {
  checkParametersFinite(net, 'the network being exported');
  const { spec, sizes, L } = net;
  const image = spec.inputShape;
  const featureDims = image ? [image.channels, image.height, image.width] : [spec.inputSize];
  const parts: GraphParts = { nodes: [], initializer: [] };
  let a = scalingNodes(scaling, ONNX_INPUT, featureDims, parts);
  for (let l = 1; l <= L; l++) {
    const next = l === L ? ONNX_OUTPUT : onnxLayerName(net, l);
    layerNodes(net, l, a, next, parts);
    a = next;
  }

  const metadata = [
    { key: 'fathom.spec', value: JSON.stringify(spec) },
    { key: ONNX_INPUT_KEY, value: 'raw' },
  ];
  if (scaling) metadata.push({ key: 'fathom.scaling', value: JSON.stringify(scaling) });
  const Model = onnxModelType();
  const model = Model.fromObject({
    ir_version: ONNX_IR_VERSION,
    opset_import: [{ domain: '', version: ONNX_OPSET }],
    producer_name: 'Fathom',
    doc_string: `Network ${networkSizes(spec)}, exported by Fathom. Input: raw values (e.g. 0–255 pixels as floats); the graph applies the scaling recorded in metadata "fathom.scaling" itself.`,
    metadata_props: metadata,
    graph: {
      name: 'fathom',
      node: parts.nodes,
      initializer: parts.initializer,
      input: [valueInfo(ONNX_INPUT, ['N', ...featureDims])],
      output: [valueInfo(ONNX_OUTPUT, ['N', sizes[L]!])],
    },
  });
  return Model.encode(model).finish();
}
