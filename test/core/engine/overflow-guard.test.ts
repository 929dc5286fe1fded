import { describe, it, expect } from 'vitest';
import { Network } from '../../../core/engine/network';
import { OverflowGuard } from '../../../core/engine/overflow-guard';
import { Rng } from '../../../core/engine/rng';
import type { NetworkSpec, OptimizerName } from '../../../core/engine/spec';
import { BACKENDS } from './reference-kernels';
import { parameterBytes, settings } from './helpers';
import { selectKernels } from '../../../core/engine/wasm/select';

const SPEC: NetworkSpec = {
  inputSize: 3,
  layers: [
    { units: 4, activation: 'tanh' },
    { units: 2, activation: 'linear' },
  ],
  loss: 'mse',
  init: 'xavier',
};

/** A network, gradients of 0.5 everywhere and a guard over them; `norms` are the matching layer norms. */
function setUp(backend: (typeof BACKENDS)[number], optimizer: OptimizerName = 'sgd', l2 = 0) {
  const net = Network.create(SPEC, new Rng(1), 'float32', selectKernels(backend));
  const grads = net.createGradients();
  for (const g of [...grads.nablaW, ...grads.nablaB]) g.fill(0.5);
  const norms = [1, 2].map((l) => 0.5 * Math.sqrt(grads.nablaW[l]!.length + grads.nablaB[l]!.length));
  const guard = new OverflowGuard(net, grads, settings({ optimizer, l2 }));
  return { net, grads, guard, norms };
}

describe.each(BACKENDS)('OverflowGuard on the %s kernels', (backend) => {
  it('applies a finite update: w ← w − η (∇w + λw), b ← b − η ∇b', () => {
    const { net, guard, norms } = setUp(backend, 'sgd', 0.1);
    const w = Float32Array.from(net.w[1]!);
    const b = Float32Array.from(net.b[2]!);
    expect(guard.update(0.3, norms, 0.2)).toBeUndefined();
    net.w[1]!.forEach((v, i) => expect(v).toBeCloseTo(w[i]! - 0.2 * (0.5 + 0.1 * w[i]!), 6));
    net.b[2]!.forEach((v, i) => expect(v).toBeCloseTo(b[i]! - 0.2 * 0.5, 6));
  });

  it('leaves the parameters alone when the loss or a layer’s gradient is not finite', () => {
    const { net, guard, norms } = setUp(backend);
    const before = parameterBytes(net);
    expect(guard.update(NaN, norms, 0.1)).toEqual({ what: 'loss' });
    expect(guard.update(Infinity, norms, 0.1)).toEqual({ what: 'loss' });
    expect(guard.update(0.3, [norms[0]!, Infinity], 0.1)).toEqual({ what: 'gradient', layer: 2 });
    expect(guard.update(0.3, [NaN, NaN], 0.1)).toEqual({ what: 'gradient', layer: 1 });
    expect(parameterBytes(net).equals(before)).toBe(true);
  });

  it.each(['sgd', 'momentum', 'adam'] as const)(
    '%s: undoes an update that overflows, naming the first layer whose weights did',
    (optimizer) => {
      const { net, guard, norms } = setUp(backend, optimizer);
      const before = parameterBytes(net);
      // Adam moves each parameter by about η whatever the gradient, so η itself must overflow float32.
      expect(guard.update(0.3, norms, 1e39)).toEqual({ what: 'weight', layer: 1 });
      expect(parameterBytes(net).equals(before)).toBe(true);
      // An ordinary step after it is applied. (Momentum too: its velocity is kept in gradient units,
      // so the overflow lived only in η·u and an ordinary η makes an ordinary step.)
      expect(guard.update(0.3, norms, 1e-3)).toBeUndefined();
      expect(parameterBytes(net).equals(before)).toBe(false);
      expect([...net.w, ...net.b].every((p) => p.every(Number.isFinite))).toBe(true);
    },
  );
});
