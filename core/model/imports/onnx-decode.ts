/**
 * ONNX bytes to plain objects, with the protobuf reader of the ONNX export's schema (onnx-proto.ts):
 * protobufjs checks every declared length against the bytes it has, so a truncated file or a huge
 * declared size is refused there, before anything is allocated for it. Tensors are then read from
 * raw_data (little-endian) or float_data, their dims checked against the bytes they hold.
 * Pure: takes the bytes.
 */
import * as protobuf from 'protobufjs';
import { ONNX_PROTO } from '../onnx-proto';
import { ImportError } from './errors';

export interface OnnxAttribute {
  name: string;
  type?: number;
  f?: number;
  i?: number;
  ints?: number[];
  s?: Uint8Array;
  t?: OnnxTensor;
}

export interface OnnxTensor {
  name?: string;
  dims?: number[];
  data_type?: number;
  float_data?: number[];
  int64_data?: number[];
  raw_data?: Uint8Array;
}

export interface OnnxNode {
  name?: string;
  op_type?: string;
  domain?: string;
  input?: string[];
  output?: string[];
  attribute?: OnnxAttribute[];
}

export interface OnnxValueInfo {
  name?: string;
  type?: { tensor_type?: { elem_type?: number; shape?: { dim?: { dim_value?: number; dim_param?: string }[] } } };
}

export interface OnnxModel {
  producer_name?: string;
  metadata_props?: { key?: string; value?: string }[];
  graph?: {
    node?: OnnxNode[];
    initializer?: OnnxTensor[];
    input?: OnnxValueInfo[];
    output?: OnnxValueInfo[];
  };
}

/** onnx.TensorProto.DataType FLOAT and INT64. */
export const ONNX_FLOAT = 1;
export const ONNX_INT64 = 7;

let modelType: protobuf.Type | undefined;

export function decodeOnnx(bytes: Uint8Array, source: string): OnnxModel {
  modelType ??= protobuf.parse(ONNX_PROTO, { keepCase: true }).root.lookupType('onnx.ModelProto');
  let decoded: protobuf.Message;
  try {
    decoded = modelType.decode(bytes);
  } catch (err) {
    const reason =
      err instanceof RangeError || /index out of range/.test((err as Error).message)
        ? 'cut short, or a length in it is larger than the file'
        : (err as Error).message;
    throw new ImportError(source, `is not a readable ONNX model (${reason})`);
  }
  const model = modelType.toObject(decoded, { longs: Number, arrays: true }) as OnnxModel;
  if (!model.graph || (model.graph.node ?? []).length === 0)
    throw new ImportError(source, 'holds no ONNX graph (no nodes): not an ONNX model');
  return model;
}

/** The values of a float tensor, checked against its dims. */
export function floatValues(tensor: OnnxTensor, what: string, source: string): { dims: number[]; values: Float32Array } {
  const dims = tensor.dims ?? [];
  if (tensor.data_type !== ONNX_FLOAT)
    throw new ImportError(source, `${what} is of ONNX data type ${tensor.data_type ?? 'none'}; Fathom reads float32 tensors`);
  if (!dims.every((d) => Number.isSafeInteger(d) && d >= 0))
    throw new ImportError(source, `${what} has invalid dimensions [${dims.join(', ')}]`);
  const count = dims.reduce((a, b) => a * b, 1);
  const raw = tensor.raw_data;
  if (raw && raw.length > 0) {
    if (raw.length !== count * 4)
      throw new ImportError(source, `${what} of shape [${dims.join(', ')}] needs ${count * 4} bytes; it holds ${raw.length}`);
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const values = new Float32Array(count);
    for (let i = 0; i < count; i++) values[i] = view.getFloat32(i * 4, true);
    return { dims, values };
  }
  const floats = tensor.float_data ?? [];
  if (floats.length !== count)
    throw new ImportError(
      source,
      `${what} of shape [${dims.join(', ')}] holds ${floats.length} values (weights kept in an external file are not read)`,
    );
  return { dims, values: Float32Array.from(floats) };
}

/** The values of an int64 tensor (a Reshape's shape), checked against its dims; values beyond 2⁵³ are refused. */
export function int64Values(tensor: OnnxTensor, what: string, source: string): number[] {
  const dims = tensor.dims ?? [];
  if (tensor.data_type !== ONNX_INT64)
    throw new ImportError(source, `${what} is of ONNX data type ${tensor.data_type ?? 'none'}; expected int64`);
  if (!dims.every((d) => Number.isSafeInteger(d) && d >= 0) || dims.length > 1)
    throw new ImportError(source, `${what} has invalid dimensions [${dims.join(', ')}] for a list of sizes`);
  const count = dims.reduce((a, b) => a * b, 1);
  const raw = tensor.raw_data;
  let values: number[];
  if (raw && raw.length > 0) {
    if (raw.length !== count * 8)
      throw new ImportError(source, `${what} of shape [${dims.join(', ')}] needs ${count * 8} bytes; it holds ${raw.length}`);
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    values = Array.from({ length: count }, (_, i) => Number(view.getBigInt64(i * 8, true)));
  } else values = tensor.int64_data ?? [];
  if (values.length !== count || !values.every(Number.isSafeInteger))
    throw new ImportError(source, `${what} of shape [${dims.join(', ')}] does not hold ${count} whole numbers`);
  return values;
}

/** A string attribute's text (auto_pad), '' when absent. */
export const attributeText = (attribute: OnnxAttribute | undefined): string => (attribute?.s ? new TextDecoder().decode(attribute.s) : '');
