/**
 * Keras models through tf2onnx: Keras works channels-last (N × H × W × C) and tf2onnx keeps its
 * order with Transposes around the convolutions, and flattens in H, W, C order. Pure.
 */
import type { InputShape } from '../../engine/spec';
import type { OnnxNode } from './onnx-decode';
import { attribute, type Flow, type ImportedLayer } from './onnx-layers';

type Refuse = (node: OnnxNode, why: string) => never;

/**
 * The two Transposes tf2onnx writes for a Keras model, which works channels-last (N × H × W × C):
 * perm [0, 3, 1, 2] on the input before the first layer, which makes it channels-first (the input's
 * shape is then read as H × W × C), and perm [0, 2, 3, 1] before the Flatten, whose H, W, C order the
 * dense layer after it takes (its columns are reordered to Fathom's C, H, W). The first Transpose is
 * where Keras's layout meets Fathom's: Fathom lays out every image it feeds channels-first, so the
 * imported network takes C × H × W samples and computes what the file computes on the same image
 * (for one channel the two layouts are the same bytes). Any other Transpose is refused.
 */
export function keras(
  node: OnnxNode,
  at: { dims: number[]; flow: Flow; layers: ImportedLayer[]; channelsLast: boolean },
  refuse: Refuse,
): { input?: { image: InputShape; inputShape: number[] } } {
  const perm = attribute(node, 'perm')?.ints ?? [];
  const is = (p: number[]) => perm.length === p.length && p.every((v, i) => perm[i] === v);
  const { dims, flow, layers } = at;
  if (is([0, 3, 1, 2]) && layers.length === 0 && dims.length === 3 && flow.spatial && flow.channels === dims[0]) {
    const [height, width, channels] = dims as [number, number, number];
    // The shape a channels-first file of this image declares (as a PyTorch export's input reads).
    const inputShape = channels > 1 ? [channels, height, width] : [height, width];
    return { input: { image: { channels, height, width }, inputShape } };
  }
  if (is([0, 2, 3, 1]) && flow.spatial && layers.length > 0 && !at.channelsLast) return {};
  return refuse(
    node,
    `transposes by [${perm.join(', ')}]; Fathom reads the Transposes of a Keras model only: [0, 3, 1, 2] on its input, [0, 2, 3, 1] before its Flatten`,
  );
}

/** A dense layer's weights over a flattened H × W × C image (Keras's order) as weights over C × H × W (Fathom's). */
export function channelsFirstColumns(w: Float32Array, units: number, { channels, height, width }: InputShape): Float32Array {
  const n = channels * height * width;
  const out = new Float32Array(w.length);
  for (let j = 0; j < units; j++)
    for (let c = 0; c < channels; c++)
      for (let y = 0; y < height; y++)
        for (let x = 0; x < width; x++) out[j * n + (c * height + y) * width + x] = w[j * n + (y * width + x) * channels + c]!;
  return out;
}
