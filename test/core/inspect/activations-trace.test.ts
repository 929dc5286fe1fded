import { describe, it, expect } from 'vitest';
import { ShapeError } from '../../../core/engine/errors';
import { Network } from '../../../core/engine/network';
import { traceActivations } from '../../../core/inspect/activations-trace';

// 2 inputs → 2 sigmoid units → 3 softmax outputs, with weights chosen by hand.
function handNetwork(precision: 'float32' | 'float64' = 'float64'): Network {
  const net = new Network(
    {
      inputSize: 2,
      layers: [
        { units: 2, activation: 'sigmoid' },
        { units: 3, activation: 'softmax' },
      ],
      loss: 'cross-entropy',
      init: 'normal',
    },
    precision,
  );
  // w[l] is units(l) × units(l−1), row j = the weights into unit j.
  net.setParameters([[], [1, -2, 0.5, 0.5], [1, 0, 0, 1, -1, -1]], [[], [0, -1], [0.1, 0.2, 0]]);
  return net;
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

describe('traceActivations', () => {
  it('keeps z and a of every layer, computed by hand', () => {
    const x = [0.5, 1];
    const z1 = [1 * 0.5 - 2 * 1 + 0, 0.5 * 0.5 + 0.5 * 1 - 1];
    const a1 = z1.map(sigmoid);
    const z2 = [a1[0]! + 0.1, a1[1]! + 0.2, -a1[0]! - a1[1]!];
    const e = z2.map(Math.exp);
    const a2 = e.map((v) => v / (e[0]! + e[1]! + e[2]!));

    const trace = traceActivations(handNetwork(), x);
    expect(trace.input).toEqual(x);
    expect(trace.layers.map((l) => [l.layer, l.activation])).toEqual([
      [1, 'sigmoid'],
      [2, 'softmax'],
    ]);
    const close = (got: number[], want: number[]): void => want.forEach((w, i) => expect(got[i]).toBeCloseTo(w, 12));
    close(trace.layers[0]!.z, z1);
    close(trace.layers[0]!.a, a1);
    close(trace.layers[1]!.z, z2);
    close(trace.layers[1]!.a, a2);
    expect(trace.output).toEqual(trace.layers[1]!.a);
    expect(trace.predicted).toBe(a2.indexOf(Math.max(...a2)));
  });

  it('agrees with predict() and survives a JSON round trip', () => {
    const net = handNetwork('float32');
    const x = Float32Array.of(-0.3, 2);
    const trace = traceActivations(net, x);
    expect(trace.output).toEqual(Array.from(net.predict(x)));
    expect(JSON.parse(JSON.stringify(trace))).toEqual(trace);
    expect(trace.layers.every((l) => Array.isArray(l.z) && Array.isArray(l.a))).toBe(true);
  });

  it('refuses an input of the wrong size', () => {
    expect(() => traceActivations(handNetwork(), [1, 2, 3])).toThrow(ShapeError);
  });
});
