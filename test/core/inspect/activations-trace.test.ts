import { describe, it, expect } from 'vitest';
import { ShapeError } from '../../../core/engine/errors';
import { Network } from '../../../core/engine/network';
import { fitTrace, shrinkMaps, traceActivations } from '../../../core/inspect/activations-trace';

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

describe('traces of feature maps', () => {
  it('says every layer’s kind and shape (flat layers are n × 1 × 1)', () => {
    const trace = traceActivations(handNetwork(), [0.5, 1]);
    expect(trace.inputShape).toEqual({ channels: 2, height: 1, width: 1, spatial: false, step: 1 });
    expect(trace.layers.map((l) => [l.kind, l.shape.channels, l.shape.spatial])).toEqual([
      ['dense', 2, false],
      ['dense', 3, false],
    ]);
  });

  it('averages maps larger than the drawing limit down, channel by channel', () => {
    // 2 channels of 4 × 4: channel 0 counts 0…15, channel 1 is all 1; at most 2 a side → 2 × 2 squares averaged.
    const values = [...Array.from({ length: 16 }, (_, k) => k), ...new Array(16).fill(1)];
    const small = shrinkMaps(values, 2, 4, 4, 2);
    expect(small).toMatchObject({ height: 2, width: 2, step: 2 });
    expect(small.values).toEqual([(0 + 1 + 4 + 5) / 4, (2 + 3 + 6 + 7) / 4, (8 + 9 + 12 + 13) / 4, (10 + 11 + 14 + 15) / 4, 1, 1, 1, 1]);
    // A 5 × 3 map at most 2 a side: squares of 3, the last ones partial.
    const odd = shrinkMaps(
      Array.from({ length: 15 }, (_, k) => k),
      1,
      5,
      3,
      2,
    );
    expect(odd).toMatchObject({ height: 2, width: 1, step: 3 });
    expect(odd.values).toEqual([(0 + 1 + 2 + 3 + 4 + 5 + 6 + 7 + 8) / 9, (9 + 10 + 11 + 12 + 13 + 14) / 6]);
    expect(shrinkMaps([1, 2, 3, 4], 1, 2, 2, 128)).toEqual({ values: [1, 2, 3, 4], height: 2, width: 2, step: 1 });
  });

  it('leaves out z of the largest spatial layers first to stay within the reply budget, and refuses what cannot fit', () => {
    const map = (n: number) => ({ channels: 1, height: n, width: 1, spatial: true, step: 1 });
    const layer = (l: number, n: number) => ({
      layer: l,
      kind: 'conv' as const,
      activation: 'relu' as const,
      shape: map(n),
      z: new Array<number>(n).fill(0),
      a: new Array<number>(n).fill(0),
    });
    const trace = () => ({ input: [0], inputShape: map(1), layers: [layer(1, 100), layer(2, 10)], output: [0], predicted: 0 });
    // 2 + 220 values = 1,776 bytes; a budget of 1,000 drops the 100-value layer's z only.
    const fitted = fitTrace(trace(), 1000);
    expect(fitted.layers.map((l) => [l.z.length, l.zOmitted ?? false])).toEqual([
      [0, true],
      [10, false],
    ]);
    expect(fitted.layers[0]!.a).toHaveLength(100);
    expect(fitTrace(trace(), 1_000_000).layers.every((l) => !l.zOmitted)).toBe(true);
    expect(() => fitTrace(trace(), 100)).toThrow(ShapeError);
  });
});
