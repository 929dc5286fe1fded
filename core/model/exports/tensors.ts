/**
 * A network's weights and biases as named tensors, under the names Fathom shows (core/engine/notation.ts)
 * spelled in ASCII: W2 (units(2) × units(1)) and b2 feed layer 2 from the input layer 1, as in the ONNX
 * export. Every weights file Fathom writes (safetensors, .npz, the PyTorch project) uses these names,
 * so a PyTorch module whose parameters carry them loads the file with load_state_dict unchanged.
 * Pure: no Node API.
 */
import type { Network } from '../../engine/network';
import { layerNumber } from '../../engine/notation';
import { checkParametersFinite } from '../model-file';

export interface NamedTensor {
  name: string;
  /** Row-major: [rows, columns] for a weight matrix, [units] for biases. */
  shape: number[];
  data: Float32Array;
}

/** "W2" for the weights into the layer the engine calls `index` (≥ 1). */
export const weightTensorName = (index: number): string => `W${layerNumber(index)}`;
/** "b2" for the biases of the layer the engine calls `index` (≥ 1). */
export const biasTensorName = (index: number): string => `b${layerNumber(index)}`;

/** W2, b2, W3, b3…: float32 copies of the network's parameters. Throws ModelFileError 'non-finite' for NaN or ±∞. */
export function networkTensors(net: Network): NamedTensor[] {
  checkParametersFinite(net, 'the network being exported');
  const tensors: NamedTensor[] = [];
  for (let l = 1; l <= net.L; l++) {
    tensors.push({ name: weightTensorName(l), shape: [net.sizes[l]!, net.sizes[l - 1]!], data: Float32Array.from(net.w[l]!) });
    tensors.push({ name: biasTensorName(l), shape: [net.sizes[l]!], data: Float32Array.from(net.b[l]!) });
  }
  return tensors;
}

/** The bytes of `data` as little-endian float32 (every format written here is little-endian). */
export function littleEndianBytes(data: Float32Array): Uint8Array {
  const bytes = new Uint8Array(data.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i]!, true);
  return bytes;
}
