/**
 * The convolution, max-pooling, dropout and batchnorm layers: forward values against an independent
 * nested-loop reference, and every gradient against float64 central differences (alone and stacked,
 * odd sizes, stride 2, both paddings, training-mode batchnorm and dropout with fixed masks).
 */
import { describe, expect, it } from 'vitest';
import { Network } from '../../../core/engine/network';
import { Rng } from '../../../core/engine/rng';
import { windowGeometry } from '../../../core/engine/shapes';
import type { LayerSpec, NetworkSpec } from '../../../core/engine/spec';

const conv = (
  filters: number,
  kernel: number,
  stride = 1,
  padding: 'valid' | 'same' = 'valid',
  activation: 'tanh' | 'linear' | 'relu' = 'tanh',
): LayerSpec => ({
  kind: 'conv',
  filters,
  kernel,
  stride,
  padding,
  activation,
});

function network(layers: LayerSpec[], shape: [number, number, number], seed = 3): Network {
  const [channels, height, width] = shape;
  const spec: NetworkSpec = {
    inputSize: channels * height * width,
    inputShape: { channels, height, width },
    layers: [...layers, { units: 3, activation: 'softmax' }],
    loss: 'cross-entropy',
    init: 'xavier',
  };
  const net = Network.create(spec, new Rng(seed), 'float64');
  const rng = new Rng(seed + 1);
  for (let l = 1; l <= net.L; l++) for (let i = 0; i < net.b[l]!.length; i++) net.b[l]![i] = rng.normal() * 0.1;
  return net;
}

/** Fills a batch of `rows` random inputs and one-hot targets. */
function batch(net: Network, rows: number, seed = 5) {
  const ws = net.workspace(rows);
  const rng = new Rng(seed);
  for (let i = 0; i < ws.a[0]!.length; i++) ws.a[0]![i] = rng.normal();
  const n = net.sizes[net.L]!;
  ws.y.fill(0);
  for (let r = 0; r < rows; r++) ws.y[r * n + (r % n)] = 1;
  return ws;
}

/** Max relative error between backprop and central differences over every parameter (and the input). */
function checkGradients(net: Network, rows: number, training: boolean): number {
  const ws = batch(net, rows);
  const cost = (): number => {
    net.rng = new Rng(77); // the same dropout masks in every pass
    net.feedforward(ws, training);
    return net.batchCost(ws) / rows;
  };
  cost();
  const grads = net.createGradients();
  net.backprop(ws, grads, 1 / rows);
  const h = 1e-5;
  let worst = 0;
  for (let l = 1; l <= net.L; l++) {
    for (const [buffer, grad] of [
      [net.w[l]!, grads.nablaW[l]!],
      [net.b[l]!, grads.nablaB[l]!],
    ] as const) {
      for (let i = 0; i < buffer.length; i++) {
        const saved = buffer[i]!;
        buffer[i] = saved + h;
        const plus = cost();
        buffer[i] = saved - h;
        const minus = cost();
        buffer[i] = saved;
        const numeric = (plus - minus) / (2 * h);
        const error = Math.abs(numeric - grad[i]!) / Math.max(Math.abs(numeric) + Math.abs(grad[i]!), 1e-7);
        worst = Math.max(worst, error);
      }
    }
  }
  return worst;
}

/** z = Σ w·x + b by direct nested loops over output position, filter, channel and kernel offset. */
function naiveConv(
  x: ArrayLike<number>,
  w: ArrayLike<number>,
  b: ArrayLike<number>,
  [C, H, W]: [number, number, number],
  F: number,
  k: number,
  s: number,
  padding: 'valid' | 'same',
): { z: number[]; OH: number; OW: number } {
  const g = windowGeometry(H, W, k, s, padding);
  const z: number[] = [];
  for (let f = 0; f < F; f++)
    for (let oy = 0; oy < g.outHeight; oy++)
      for (let ox = 0; ox < g.outWidth; ox++) {
        let sum = b[f]!;
        for (let c = 0; c < C; c++)
          for (let i = 0; i < k; i++)
            for (let j = 0; j < k; j++) {
              const y = oy * s + i - g.padTop;
              const xx = ox * s + j - g.padLeft;
              if (y >= 0 && y < H && xx >= 0 && xx < W) sum += w[((f * C + c) * k + i) * k + j]! * x[(c * H + y) * W + xx]!;
            }
        z.push(sum);
      }
  return { z, OH: g.outHeight, OW: g.outWidth };
}

describe('convolution', () => {
  it.each([
    ['valid, stride 1', 1, 'valid'],
    ['valid, stride 2', 2, 'valid'],
    ['same, stride 1', 1, 'same'],
    ['same, stride 2', 2, 'same'],
  ] as const)('matches a direct nested-loop convolution (%s) on an odd 2×7×6 input', (_name, stride, padding) => {
    const net = network([conv(3, 3, stride, padding, 'linear')], [2, 7, 6]);
    const ws = batch(net, 2);
    net.feedforward(ws);
    for (let r = 0; r < 2; r++) {
      const x = ws.a[0]!.subarray(r * 84, (r + 1) * 84);
      const { z, OH, OW } = naiveConv(x, net.w[1]!, net.b[1]!, [2, 7, 6], 3, 3, stride, padding);
      expect(net.shapes[1]).toMatchObject({ channels: 3, height: OH, width: OW });
      const got = Array.from(ws.z[1]!.subarray(r * z.length, (r + 1) * z.length));
      got.forEach((v, i) => expect(v).toBeCloseTo(z[i]!, 12));
    }
  });

  it.each([
    ['valid, stride 1', 1, 'valid'],
    ['valid, stride 2', 2, 'valid'],
    ['same, stride 1', 1, 'same'],
    ['same, stride 2', 2, 'same'],
  ] as const)('has gradients equal to central differences (%s)', (_name, stride, padding) => {
    expect(checkGradients(network([conv(3, 3, stride, padding)], [2, 7, 6]), 3, true)).toBeLessThan(1e-6);
  });

  it('backprop through two stacked convolutions and a pool into dense layers matches central differences', () => {
    const net = network(
      [conv(3, 3, 1, 'same'), conv(4, 2, 2, 'valid'), { kind: 'maxpool', size: 2, stride: 1 }, { units: 5, activation: 'sigmoid' }],
      [1, 9, 7],
    );
    expect(checkGradients(net, 2, true)).toBeLessThan(1e-6);
  });
});

describe('max-pooling', () => {
  it('takes the max of each window per channel and routes δ to it', () => {
    const net = network([{ kind: 'maxpool', size: 2, stride: 2 }], [2, 5, 5]);
    const ws = batch(net, 1);
    net.feedforward(ws);
    const x = ws.a[0]!;
    // channel 1, output (1, 0): the window rows 2–3, columns 0–1 of a 5×5 plane (the last row/column are left out)
    const window = [x[25 + 10], x[25 + 11], x[25 + 15], x[25 + 16]] as number[];
    expect(net.shapes[1]).toMatchObject({ channels: 2, height: 2, width: 2 });
    expect(ws.a[1]![4 + 2]).toBe(Math.max(...window));
    expect(checkGradients(net, 3, true)).toBeLessThan(1e-6);
  });

  it('checks out stacked after a convolution with overlapping windows (size 3, stride 2)', () => {
    expect(checkGradients(network([conv(2, 2), { kind: 'maxpool', size: 3, stride: 2 }], [1, 8, 8]), 2, true)).toBeLessThan(1e-6);
  });
});

describe('batchnorm', () => {
  it('normalises each channel over the batch in training, and its gradients (through the batch statistics) match', () => {
    const net = network([conv(2, 3), { kind: 'batchnorm' }], [1, 5, 5]);
    const ws = batch(net, 4);
    net.feedforward(ws, true);
    const z = ws.z[2]!;
    let sum = 0;
    let squares = 0;
    for (let r = 0; r < 4; r++) for (let i = 0; i < 9; i++) sum += z[r * 18 + i]!; // channel 0: 9 positions per sample
    const mean = sum / 36;
    for (let r = 0; r < 4; r++) for (let i = 0; i < 9; i++) squares += (z[r * 18 + i]! - mean) ** 2;
    expect(mean).toBeCloseTo(net.b[2]![0]!, 10); // γ·0 + β
    expect(Math.sqrt(squares / 36)).toBeCloseTo(Math.abs(net.w[2]![0]!), 4); // γ·1 (ε aside)
    expect(checkGradients(network([conv(2, 3), { kind: 'batchnorm' }], [1, 5, 5]), 4, true)).toBeLessThan(1e-5);
  });

  it('works per unit after a dense layer, and uses the running statistics at inference', () => {
    const net = network([{ units: 6, activation: 'tanh' }, { kind: 'batchnorm' }], [1, 3, 3]);
    expect(checkGradients(net, 5, true)).toBeLessThan(1e-5);
    expect(checkGradients(net, 5, false)).toBeLessThan(1e-6);
    const ws = batch(net, 5);
    const before = Array.from(net.state.mean[2]!);
    net.feedforward(ws, false);
    expect(Array.from(net.state.mean[2]!)).toEqual(before);
    net.feedforward(ws, true);
    expect(Array.from(net.state.mean[2]!)).not.toEqual(before);
  });
});

describe('dropout', () => {
  it('drops and rescales in training only; its masks repeat with the seed', () => {
    const net = network(
      [
        { units: 50, activation: 'tanh' },
        { kind: 'dropout', rate: 0.5 },
      ],
      [1, 2, 2],
    );
    const ws = batch(net, 4);
    const infer = Float64Array.from(net.feedforward(ws, false));
    expect(Array.from(ws.a[2]!)).toEqual(Array.from(ws.a[1]!));
    net.rng = new Rng(9);
    const trainA = Float64Array.from(net.feedforward(ws, true));
    const dropped = Array.from(ws.a[2]!);
    expect(trainA).not.toEqual(infer);
    const zeros = dropped.filter((v) => v === 0).length;
    expect(zeros / dropped.length).toBeGreaterThan(0.35);
    expect(zeros / dropped.length).toBeLessThan(0.65);
    dropped.forEach((v, i) => expect(v === 0 || Math.abs(v - 2 * ws.a[1]![i]!) < 1e-12).toBe(true));
    net.rng = new Rng(9);
    net.feedforward(ws, true);
    expect(Array.from(ws.a[2]!)).toEqual(dropped);
    expect(checkGradients(net, 3, true)).toBeLessThan(1e-6);
  });
});
