/**
 * The pieces of an ONNX graph that Fathom's export writes (nodes, attributes, float tensors), as the
 * plain objects protobufjs encodes with the schema of onnx-proto.ts. Pure.
 */
import { float32ToBytes } from './base64-float32';

/** onnx.TensorProto.DataType and onnx.AttributeProto.AttributeType values used here. */
export const FLOAT = 1;
export const ATTR_FLOAT = 1;
export const ATTR_INT = 2;
export const ATTR_INTS = 7;

export interface Attribute {
  name: string;
  type: number;
  f?: number;
  i?: number;
  ints?: number[];
}

export interface Node {
  name: string;
  op_type: string;
  input: string[];
  output: string[];
  attribute?: Attribute[];
}

export interface Tensor {
  name: string;
  dims: number[];
  data_type: number;
  raw_data: Uint8Array;
}

export const floatTensor = (name: string, dims: number[], values: ArrayLike<number>): Tensor => ({
  name,
  dims,
  data_type: FLOAT,
  raw_data: float32ToBytes(values), // ONNX raw_data is little-endian, as float32ToBytes writes
});

export const intAttribute = (name: string, i: number): Attribute => ({ name, type: ATTR_INT, i });
export const intsAttribute = (name: string, ints: number[]): Attribute => ({ name, type: ATTR_INTS, ints });
export const floatAttribute = (name: string, f: number): Attribute => ({ name, type: ATTR_FLOAT, f });

/** What a graph is made of while it is built: nodes in order and the constants they read. */
export interface GraphParts {
  nodes: Node[];
  initializer: Tensor[];
}
