/** The gradient check's second part: backprop on the training kernels in float32 against the float64 reference. */
import { layerActivation } from '../../../core/engine/spec';
import { describe, expect, it } from 'vitest';
import type { Samples } from '../../../core/data/dataset';
import { backendAgreement } from '../../../core/engine/backend-check';
import type { Kernels } from '../../../core/engine/kernels';
import { jsKernels } from '../../../core/engine/kernels-js';
import { Network } from '../../../core/engine/network';
import { Rng } from '../../../core/engine/rng';
import { selectKernels } from '../../../core/engine/wasm/select';
import { mnistSpec, reluSoftmaxSpec } from '../../fixtures/specs';

function oneHotSamples(inputSize: number, classes: number, count: number, seed: number): Samples {
  const rng = new Rng(seed);
  const inputs = Float32Array.from({ length: count * inputSize }, () => (rng.uniform() < 0.3 ? rng.uniform() : 0));
  const labels = Int32Array.from({ length: count }, () => rng.int(classes));
  const targets = new Float32Array(count * classes);
  labels.forEach((label, r) => (targets[r * classes + label] = 1));
  return { count, inputSize, outputSize: classes, inputs, targets, labels };
}

describe('backendAgreement', () => {
  const samples = oneHotSamples(784, 10, 4, 3);
  for (const spec of [mnistSpec(), reluSoftmaxSpec()]) {
    const net = Network.create(spec, new Rng(7));
    it(`finds the wasm and js kernels in float32 within float32 rounding of float64 (${spec.layers.map((l) => layerActivation(l)).join('/')})`, () => {
      for (const kernels of [selectKernels('wasm'), jsKernels]) {
        const layers = backendAgreement(net, kernels, samples, [0, 1, 2, 3]);
        expect(layers.map((l) => l.layer)).toEqual(spec.layers.map((_, i) => i + 1));
        for (const layer of layers) {
          expect(layer.relativeError).toBeGreaterThan(0); // float32 really ran: not the reference compared with itself
          expect(layer.relativeError).toBeLessThan(1e-4);
        }
      }
    });
  }

  it('catches kernels that compute a wrong ∇w (the fault the finite differences in float64 cannot see)', () => {
    const net = Network.create(mnistSpec(), new Rng(7));
    const faulty: Kernels = {
      ...jsKernels,
      matMulAtB: (a, b, c, m, n, k, accumulate, sparse) => {
        jsKernels.matMulAtB(a, b, c, m, n, k, accumulate, sparse);
        c[0] = (c[0] ?? 0) + 0.5; // one wrong entry of the gradient
      },
    };
    const layers = backendAgreement(net, faulty, samples, [0, 1]);
    expect(Math.max(...layers.map((l) => l.relativeError))).toBeGreaterThan(1e-2);
  });
});
