import { describe, it, expect } from 'vitest';
import { ShapeError, SpecError } from '../../../core/engine/errors';
import { Network } from '../../../core/engine/network';
import { Rng } from '../../../core/engine/rng';
import type { NetworkSpec } from '../../../core/engine/spec';
import type { DenseLayerSpec } from '../../../core/engine/spec';

const spec = (sizes: number[], hidden: DenseLayerSpec['activation'] = 'sigmoid'): NetworkSpec => ({
  inputSize: sizes[0]!,
  layers: sizes.slice(1).map((units, i) => ({ units, activation: i === sizes.length - 2 ? 'sigmoid' : hidden })),
  loss: 'quadratic',
  init: 'scaled-normal',
});

/**
 * The hand-worked 2-2-1 network: x = (1, 2),
 *   w¹ = [[0.5, −1], [1, 1]], b¹ = (0.5, −1), ReLU → z¹ = (−1, 2), a¹ = (0, 2)
 *   w² = [[3, −0.5]],          b² = (0.25),    sigmoid → z² = −0.75, a² = σ(−0.75) = 0.320821300824607
 */
function tiny(precision: 'float32' | 'float64' = 'float64'): Network {
  const net = new Network(
    {
      inputSize: 2,
      layers: [
        { units: 2, activation: 'relu' },
        { units: 1, activation: 'sigmoid' },
      ],
      loss: 'quadratic',
      init: 'normal',
    },
    precision,
  );
  net.setParameters([[], [0.5, -1, 1, 1], [3, -0.5]], [[], [0.5, -1], [0.25]]);
  return net;
}

describe('Network shapes', () => {
  it('lays out w[l] as units(l) × units(l−1), b[l] as units(l), with w[0] and b[0] empty', () => {
    const net = new Network(spec([4, 3, 2]));
    expect(net.sizes).toEqual([4, 3, 2]);
    expect(net.L).toBe(2);
    expect(net.w.map((w) => w.length)).toEqual([0, 12, 6]);
    expect(net.b.map((b) => b.length)).toEqual([0, 3, 2]);
    expect(net.w[1]).toBeInstanceOf(Float32Array);
    expect(new Network(spec([4, 3, 2]), 'float64').w[1]).toBeInstanceOf(Float64Array);
  });

  it('stores w[l] row-major: row j is neuron j, column k is input k', () => {
    const net = tiny();
    net.setParameters([[], [1, 0, 0, 0], [0, 0]], [[], [0, 0], [0]]);
    // Only w¹[0][0] is set, so neuron 0 sees input 0 and neuron 1 sees nothing.
    const ws = net.workspace(1);
    ws.a[0]!.set([5, 7]);
    net.feedforward(ws);
    expect(Array.from(ws.z[1]!)).toEqual([5, 0]);
    net.setParameters([[], [0, 1, 0, 0], [0, 0]], [[], [0, 0], [0]]);
    net.feedforward(ws);
    expect(Array.from(ws.z[1]!)).toEqual([7, 0]);
  });

  it('counts parameters like Keras: 784-30-10 has 23,860', () => {
    const net = new Network(spec([784, 30, 10]));
    expect(net.parameterCount()).toBe(23_860);
    expect(net.parameterCount(1)).toBe(784 * 30 + 30);
    expect(net.parameterCount(2)).toBe(30 * 10 + 10);
    expect(new Network(spec([2, 2, 1])).parameterCount()).toBe(9);
  });

  it('creates gradients shaped like the parameters, zeroed', () => {
    const net = new Network(spec([5, 4, 3]), 'float64');
    const g = net.createGradients();
    expect(g.nablaW.map((w) => w.length)).toEqual([0, 20, 12]);
    expect(g.nablaB.map((b) => b.length)).toEqual([0, 4, 3]);
    expect(g.nablaW[1]).toBeInstanceOf(Float64Array);
    expect(g.nablaW[1]!.every((v) => v === 0)).toBe(true);
  });

  it('reuses a workspace per batch size', () => {
    const net = new Network(spec([3, 2, 1]));
    const ws = net.workspace(4);
    expect(net.workspace(4)).toBe(ws);
    expect(net.workspace(5)).not.toBe(ws);
    expect(ws.a.map((a) => a.length)).toEqual([12, 8, 4]);
    expect(ws.delta.map((d) => d.length)).toEqual([0, 8, 4]);
    expect(ws.y.length).toBe(4);
  });
});

describe('Network.create', () => {
  it('draws the same weights from the same seed, different from another seed', () => {
    const a = Network.create(spec([6, 5, 3]), new Rng(3));
    const b = Network.create(spec([6, 5, 3]), new Rng(3));
    const c = Network.create(spec([6, 5, 3]), new Rng(4));
    expect(Array.from(a.w[1]!)).toEqual(Array.from(b.w[1]!));
    expect(Array.from(a.b[2]!)).toEqual(Array.from(b.b[2]!));
    expect(Array.from(a.w[1]!)).not.toEqual(Array.from(c.w[1]!));
  });
});

describe('feedforward', () => {
  it('computes the hand-worked 2-2-1 network', () => {
    const net = tiny();
    const ws = net.workspace(1);
    ws.a[0]!.set([1, 2]);
    const out = net.feedforward(ws);
    expect(Array.from(ws.z[1]!)).toEqual([-1, 2]);
    expect(Array.from(ws.a[1]!)).toEqual([0, 2]);
    expect(ws.z[2]![0]).toBe(-0.75);
    expect(out[0]).toBeCloseTo(0.320821300824607, 15);
  });

  it('handles a batch row by row', () => {
    const net = tiny();
    const ws = net.workspace(3);
    ws.a[0]!.set([1, 2, 0, 0, -1, 1]);
    const out = net.feedforward(ws);
    // Row 2: z¹ = (0.5, −1), a¹ = (0.5, 0), hand-computed z² = 1.5 + 0.25 = 1.75.
    // Row 3: z¹ = (−1, −1), a¹ = (0, 0), z² = 0.25.
    expect(out[0]).toBeCloseTo(0.320821300824607, 15);
    expect(out[1]).toBeCloseTo(1 / (1 + Math.exp(-1.75)), 15);
    expect(out[2]).toBeCloseTo(1 / (1 + Math.exp(-0.25)), 15);
  });

  it('predict() returns a Float32 copy of the output', () => {
    const net = tiny('float32');
    const out = net.predict([1, 2]);
    expect(out).toBeInstanceOf(Float32Array);
    expect(out[0]).toBeCloseTo(0.320821300824607, 6);
    out[0] = 99;
    expect(net.predict([1, 2])[0]).toBeCloseTo(0.320821300824607, 6);
  });

  it('predict() rejects an input of the wrong length with a ShapeError', () => {
    const net = tiny();
    expect(() => net.predict([1, 2, 3])).toThrow(ShapeError);
    expect(() => net.predict([1])).toThrow(/Expected 2 inputs, got 1/);
  });

  it('setParameters() rejects arrays of the wrong shape with a ShapeError', () => {
    const net = tiny();
    expect(() => net.setParameters([[], [1, 2, 3], [1, 2]], [[], [0, 0], [0]])).toThrow(ShapeError);
    expect(() => net.setParameters([[], [1, 2, 3, 4], [1, 2]], [[], [0, 0], [0, 0]])).toThrow(/Layer 3: expected w 1×2 and b 1/);
  });
});

describe('backprop', () => {
  it('gives the hand-worked gradients of the 2-2-1 network (quadratic cost, y = 1)', () => {
    const net = tiny();
    const ws = net.workspace(1);
    ws.a[0]!.set([1, 2]);
    ws.y.set([1]);
    net.feedforward(ws);
    // C = ½(a² − 1)²
    expect(net.batchCost(ws)).toBeCloseTo(0.23064185270678947, 14);
    const g = net.createGradients();
    net.backprop(ws, g, 1);
    // δ² = (a − y) σ'(z²) = (0.3208 − 1) · 0.3208 · 0.6792 = −0.14798963841997922
    const d2 = -0.14798963841997922;
    expect(g.nablaB[2]![0]).toBeCloseTo(d2, 14);
    // ∂C/∂w² = δ² a¹ = (0, 2δ²)
    expect(g.nablaW[2]![0]).toBe(0);
    expect(g.nablaW[2]![1]).toBeCloseTo(2 * d2, 14);
    // δ¹ = (w²ᵀ δ²) ⊙ relu'(z¹) = (3δ² · 0, −0.5δ² · 1)
    expect(g.nablaB[1]![0]).toBe(0);
    expect(g.nablaB[1]![1]).toBeCloseTo(-0.5 * d2, 14);
    // ∂C/∂w¹ = δ¹ xᵀ
    expect(Array.from(g.nablaW[1]!).map((v) => +v.toFixed(14))).toEqual([0, 0, +(-0.5 * d2).toFixed(14), +(-1 * d2).toFixed(14)]);
  });

  it('accumulates chunks into the same gradient as one batch', () => {
    const net = Network.create(spec([5, 4, 3], 'tanh'), new Rng(8), 'float64');
    const rng = new Rng(9);
    const rows = 7;
    const x = Float64Array.from({ length: rows * 5 }, () => rng.normal());
    const y = Float64Array.from({ length: rows * 3 }, () => rng.uniform());
    const whole = net.createGradients();
    const ws = net.workspace(rows);
    ws.a[0]!.set(x);
    ws.y.set(y);
    net.feedforward(ws);
    net.backprop(ws, whole, 1 / rows);

    const chunked = net.createGradients();
    // Chunks of 3, 3 and 1 rows, each scaled by 1/rows like the trainer does.
    for (const [start, count] of [
      [0, 3],
      [3, 3],
      [6, 1],
    ] as const) {
      const c = net.workspace(count);
      c.a[0]!.set(x.subarray(start * 5, (start + count) * 5));
      c.y.set(y.subarray(start * 3, (start + count) * 3));
      net.feedforward(c);
      net.backprop(c, chunked, 1 / rows, start > 0);
    }
    for (let l = 1; l <= net.L; l++) {
      for (let i = 0; i < whole.nablaW[l]!.length; i++) expect(chunked.nablaW[l]![i]).toBeCloseTo(whole.nablaW[l]![i]!, 14);
      for (let i = 0; i < whole.nablaB[l]!.length; i++) expect(chunked.nablaB[l]![i]).toBeCloseTo(whole.nablaB[l]![i]!, 14);
    }
  });
});

describe('invalid specs', () => {
  const base = (): NetworkSpec => spec([4, 3, 2]);
  const fieldOf = (s: NetworkSpec): string => {
    try {
      new Network(s);
    } catch (err) {
      expect(err).toBeInstanceOf(SpecError);
      return (err as SpecError).field;
    }
    throw new Error('expected a SpecError');
  };

  it('throws a SpecError naming the field', () => {
    expect(fieldOf({ ...base(), inputSize: 0 })).toBe('inputSize');
    expect(fieldOf({ ...base(), inputSize: 2.5 })).toBe('inputSize');
    expect(fieldOf({ ...base(), layers: [] })).toBe('layers');
    const zeroUnits = base();
    (zeroUnits.layers[1] as DenseLayerSpec).units = 0;
    expect(fieldOf(zeroUnits)).toBe('layers[1].units');
    const softmaxHidden = base();
    (softmaxHidden.layers[0] as DenseLayerSpec).activation = 'softmax';
    expect(fieldOf(softmaxHidden)).toBe('layers[0].activation');
    expect(fieldOf({ ...base(), loss: 'cross-entropy' })).toBe('loss');
    expect(fieldOf({ ...base(), init: 'uniform' as never })).toBe('init');
  });

  it('puts the reason in the message', () => {
    expect(() => new Network({ ...base(), loss: 'cross-entropy' })).toThrow(/softmax/);
    expect(() => new Network({ ...base(), inputSize: -1 })).toThrow(/got -1/);
  });
});
