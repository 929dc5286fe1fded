/**
 * A network's parameters as named tensors, under the names Fathom shows (core/engine/notation.ts)
 * spelled in ASCII: W2 and b2 feed layer 2 from the input layer 1, as in the ONNX export. A dense W is
 * units(l) × units(l−1); a convolution's W is filters × channels × k × k (OIHW, as PyTorch stores it);
 * a batchnorm layer's W and b are γ and β, and its running statistics are mean<l> and variance<l>;
 * pooling and dropout have none. Every weights file Fathom writes (safetensors, .npz, the PyTorch
 * project) uses these names, so a PyTorch module whose parameters and buffers carry them loads the
 * file with load_state_dict unchanged. Pure: no Node API.
 */
import type { Network } from '../../engine/network';
import { layerNumber } from '../../engine/notation';
import { checkParametersFinite } from '../model-file';

export interface NamedTensor {
  name: string;
  /** Row-major: [rows, columns] for a dense weight matrix, [filters, channels, k, k] for a kernel, [units] for biases. */
  shape: number[];
  data: Float32Array;
}

/** Which of a layer's arrays a tensor holds: its weights (γ), biases (β), or batchnorm's running statistics. */
export type TensorPart = 'w' | 'b' | 'mean' | 'variance';

/** One tensor a network has: its name, shape and where it lives (layer index as the engine counts, ≥ 1). */
export interface TensorSlot {
  name: string;
  shape: number[];
  layer: number;
  part: TensorPart;
}

/** "W2" for the weights into the layer the engine calls `index` (≥ 1). */
export const weightTensorName = (index: number): string => `W${layerNumber(index)}`;
/** "b2" for the biases of the layer the engine calls `index` (≥ 1). */
export const biasTensorName = (index: number): string => `b${layerNumber(index)}`;
/** "mean4" / "variance4": batchnorm's running statistics of the layer the engine calls `index`. */
export const meanTensorName = (index: number): string => `mean${layerNumber(index)}`;
export const varianceTensorName = (index: number): string => `variance${layerNumber(index)}`;

/** The tensors of a network of this spec and these layer shapes, in the order the files hold them. */
export function tensorSlots(net: Pick<Network, 'spec' | 'shapes'>): TensorSlot[] {
  const slots: TensorSlot[] = [];
  net.spec.layers.forEach((layer, i) => {
    const l = i + 1;
    const input = net.shapes[l - 1]!;
    const output = net.shapes[l]!;
    const slot = (part: TensorPart, name: string, shape: number[]) => slots.push({ name, shape, layer: l, part });
    switch (layer.kind) {
      case 'conv':
        slot('w', weightTensorName(l), [layer.filters, input.channels, layer.kernel, layer.kernel]);
        slot('b', biasTensorName(l), [layer.filters]);
        return;
      case 'batchnorm':
        slot('w', weightTensorName(l), [input.channels]);
        slot('b', biasTensorName(l), [input.channels]);
        slot('mean', meanTensorName(l), [input.channels]);
        slot('variance', varianceTensorName(l), [input.channels]);
        return;
      case 'maxpool':
      case 'dropout':
        return;
      default:
        slot('w', weightTensorName(l), [output.size, input.size]);
        slot('b', biasTensorName(l), [output.size]);
    }
  });
  return slots;
}

/** The engine's array behind a slot. */
function slotData(net: Network, slot: TensorSlot): ArrayLike<number> {
  switch (slot.part) {
    case 'w':
      return net.w[slot.layer]!;
    case 'b':
      return net.b[slot.layer]!;
    case 'mean':
      return net.state.mean[slot.layer]!;
    case 'variance':
      return net.state.variance[slot.layer]!;
  }
}

/** W2, b2, W3, b3… (and batchnorm's mean/variance): float32 copies. Throws ModelFileError 'non-finite' for NaN or ±∞. */
export function networkTensors(net: Network): NamedTensor[] {
  checkParametersFinite(net, 'the network being exported');
  return tensorSlots(net).map((slot) => ({ name: slot.name, shape: slot.shape, data: Float32Array.from(slotData(net, slot)) }));
}

/** The bytes of `data` as little-endian float32 (every format written here is little-endian). */
export function littleEndianBytes(data: Float32Array): Uint8Array {
  const bytes = new Uint8Array(data.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i]!, true);
  return bytes;
}
