/**
 * The gradient check proves backprop's maths in float64 with the plain TypeScript kernels; a model
 * trains on other kernels (wasm SIMD) in float32. This check runs the same backprop on those kernels
 * and compares it with the float64 reference, so a fault in the kernels the model actually trains
 * on shows up too. Agreement is float32 rounding: relative errors near 1e-7…1e-5, never 1e-2.
 */
import type { Samples } from '../data/dataset';
import type { FloatArray } from './activations';
import { loadChosenRows } from './evaluate';
import type { Kernels } from './kernels';
import { Network, type Precision } from './network';

export interface LayerBackendAgreement {
  /** The engine's index (1 = the first weights, w² in the seed's numbering). */
  layer: number;
  /** ‖g_kernels − g_reference‖ / (‖g_kernels‖ + ‖g_reference‖) over the layer's weights and biases. */
  relativeError: number;
}

function gradientsOn(source: Network, precision: Precision, kernels: Kernels | undefined, samples: Samples, rows: number[]) {
  const net = new Network(source.spec, precision, kernels);
  net.setParameters(source.w, source.b);
  net.setState(source.state); // batchnorm's running statistics, as the gradient check copies them
  const ws = net.workspace(rows.length);
  loadChosenRows(net, ws, samples, rows);
  net.feedforward(ws);
  const grads = net.createGradients();
  net.backprop(ws, grads, 1 / rows.length);
  return { net, grads };
}

function squaredDistance(a: FloatArray, b: FloatArray): { diff: number; normA: number; normB: number } {
  let diff = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    diff += (a[i]! - b[i]!) ** 2;
    normA += a[i]! * a[i]!;
    normB += b[i]! * b[i]!;
  }
  return { diff, normA, normB };
}

/** Per layer, how far backprop on `kernels` in float32 is from backprop in float64 on the js kernels. */
export function backendAgreement(source: Network, kernels: Kernels, samples: Samples, rows: number[]): LayerBackendAgreement[] {
  const reference = gradientsOn(source, 'float64', undefined, samples, rows);
  const tested = gradientsOn(source, 'float32', kernels, samples, rows);
  const layers: LayerBackendAgreement[] = [];
  for (let l = 1; l <= reference.net.L; l++) {
    const w = squaredDistance(tested.grads.nablaW[l]!, reference.grads.nablaW[l]!);
    const b = squaredDistance(tested.grads.nablaB[l]!, reference.grads.nablaB[l]!);
    const denom = Math.sqrt(w.normA + b.normA) + Math.sqrt(w.normB + b.normB);
    layers.push({ layer: l, relativeError: denom > 0 ? Math.sqrt(w.diff + b.diff) / denom : 0 });
  }
  return layers;
}
