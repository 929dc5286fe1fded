/**
 * What a layer that is not fully connected does in a batch. The dense layers stay inline in
 * network.ts (their hot loop is the kernels' fused product); convolution, max-pooling, dropout and
 * batchnorm implement this. Every array is rows × size(l), each sample's values in CHW order.
 */
import type { FloatArray } from '../activations';
import type { Kernels } from '../kernels';
import type { Rng } from '../rng';
import type { LayerShape } from '../shapes';

export interface LayerContext {
  kernels: Kernels;
  /** Allocates a zeroed array in the network's precision (and, for float32, where the kernels read it). */
  alloc(n: number): FloatArray;
  /** Allocates a zeroed Int32Array (pooling's argmax), where the kernels read it too. */
  allocIndices(n: number): Int32Array;
}

export interface ForwardPass {
  rows: number;
  /** a^{l−1}: the layer's input. */
  input: FloatArray;
  /** z^l and a^l: written by the layer (equal for layers without an activation). */
  z: FloatArray;
  a: FloatArray;
  /** Training: dropout draws masks from `rng`, batchnorm uses the batch's statistics and updates its running ones. */
  training: boolean;
  rng: Rng;
}

export interface BackwardPass {
  rows: number;
  input: FloatArray;
  /** δ^l = ∂C/∂z^l, already multiplied by σ'(z^l). */
  delta: FloatArray;
  /** Receives ∂C/∂a^{l−1} (the network then multiplies by σ'(z^{l−1}) to make δ^{l−1}); absent for the first layer. */
  inputDelta?: FloatArray;
  nablaW: FloatArray;
  nablaB: FloatArray;
  accumulate: boolean;
  /** Whether the last forward pass was a training one (dropout masks, batch statistics). */
  training: boolean;
}

export interface LayerOp {
  readonly input: LayerShape;
  readonly output: LayerShape;
  forward(w: FloatArray, b: FloatArray, pass: ForwardPass): void;
  backward(w: FloatArray, b: FloatArray, pass: BackwardPass): void;
}
