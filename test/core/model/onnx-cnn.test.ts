/**
 * The ONNX export of a CNN with every kind of layer, run by onnxruntime-web on RAW MNIST bytes
 * (0–255 as floats, the scaling being the graph's first nodes): its outputs are Fathom's forward pass
 * on the scaled images, and so are its predictions.
 */
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ScalingParams } from '../../../core/data/scaling';
import { applyScaling, fitScaling } from '../../../core/data/scaling';
import { loadMnist, loadMnistRaw } from '../../../core/data/mnist';
import type { IdxImageSet } from '../../../core/data/idx';
import { Network } from '../../../core/engine/network';
import { Rng } from '../../../core/engine/rng';
import { DEFAULT_TRAIN_SETTINGS, type NetworkSpec } from '../../../core/engine/spec';
import { Trainer } from '../../../core/engine/trainer';
import { decodeOnnx } from '../../../core/model/imports/onnx-decode';
import { exportOnnx } from '../../../core/model/onnx';
import { argmax } from '../../../core/engine/evaluate';

ort.env.wasm.numThreads = 1;

const ROWS = 100;

/** conv (same) → batchnorm → pool → conv (stride 2, valid) → dropout → dense → batchnorm → dense softmax. */
export const everyLayerSpec = (): NetworkSpec => ({
  inputSize: 784,
  inputShape: { channels: 1, height: 28, width: 28 },
  layers: [
    { kind: 'conv', filters: 4, kernel: 3, stride: 1, padding: 'same', activation: 'relu' },
    { kind: 'batchnorm' },
    { kind: 'maxpool', size: 2, stride: 2 },
    { kind: 'conv', filters: 6, kernel: 3, stride: 2, padding: 'valid', activation: 'tanh' },
    { kind: 'dropout', rate: 0.3 },
    { units: 16, activation: 'leaky-relu' },
    { kind: 'batchnorm' },
    { units: 10, activation: 'softmax' },
  ],
  loss: 'cross-entropy',
  init: 'he',
});

let test: IdxImageSet;
let trained: Network;
let scaling: ScalingParams;
beforeAll(() => {
  const mnist = loadMnist({ trainLimit: 600, testLimit: ROWS });
  scaling = mnist.scaling;
  test = loadMnistRaw().test;
  trained = Network.create(everyLayerSpec(), new Rng(3));
  const settings = { ...DEFAULT_TRAIN_SETTINGS, epochs: 1, batchSize: 20, learningRate: 0.002, optimizer: 'adam' as const, seed: 4 };
  new Trainer(trained, { train: mnist.train }, settings).run({ onEpoch: () => undefined });
});

/** The first ROWS test images, raw 0–255 as floats. */
const rawImages = (): Float32Array => Float32Array.from(test.pixels.subarray(0, ROWS * 784));

async function runOnnx(bytes: Uint8Array, input: Float32Array, dims: number[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const result = await session.run({ input: new ort.Tensor('float32', input, dims) });
    return result.output!.data as Float32Array;
  } finally {
    await session.release();
  }
}

/** ONNX outputs on raw images against net.predict on the images scaled by Fathom: the worst difference and the agreeing predictions. */
async function compare(net: Network, scale: ScalingParams): Promise<{ worst: number; agree: number }> {
  const raw = rawImages();
  const out = await runOnnx(exportOnnx(net, scale), raw, [ROWS, 1, 28, 28]);
  expect(out.length).toBe(ROWS * 10);
  const scaled = applyScaling(scale, raw, ROWS, 784);
  let worst = 0;
  let agree = 0;
  for (let r = 0; r < ROWS; r++) {
    const expected = net.predict(scaled.subarray(r * 784, (r + 1) * 784));
    for (let j = 0; j < 10; j++) worst = Math.max(worst, Math.abs(out[r * 10 + j]! - expected[j]!));
    if (argmax(out, r * 10, 10) === argmax(expected, 0, 10)) agree++;
  }
  return { worst, agree };
}

describe('ONNX export of a CNN, run by onnxruntime-web on raw MNIST bytes', () => {
  it('conv, batchnorm (per channel and per unit), max-pool, dropout, flatten and dense give Fathom’s outputs', async () => {
    // The statistics moved in training: the file must carry them, not γ = 1, β = 0, μ = 0, σ² = 1.
    expect(Array.from(trained.state.mean[2]!).some((m) => m !== 0)).toBe(true);
    const { worst, agree } = await compare(trained, scaling);
    expect(worst).toBeLessThan(1e-4);
    expect(agree).toBe(ROWS);
  });

  it('names nodes and weights as Fathom shows the layers, after the scaling nodes', () => {
    const { graph } = decodeOnnx(exportOnnx(trained, scaling), 'cnn.onnx');
    expect(graph!.node!.map((n) => `${n.name}: ${n.op_type}`)).toEqual([
      'scaling sub: Sub',
      'scaling div: Div',
      'conv 2: Conv',
      'conv 2 relu: Relu',
      'batchnorm 3: BatchNormalization',
      'pool 4: MaxPool',
      'conv 5: Conv',
      'conv 5 tanh: Tanh',
      'dropout 6: Dropout',
      'flatten 7: Flatten',
      'dense 7: Gemm',
      'dense 7 leaky-relu: LeakyRelu',
      'batchnorm 8: BatchNormalization',
      'dense 9: Gemm',
      'dense 9 softmax: Softmax',
    ]);
    const initializers = new Map(graph!.initializer!.map((t) => [t.name, t.dims]));
    expect(initializers.get('W2')).toEqual([4, 1, 3, 3]);
    expect(initializers.get('W5')).toEqual([6, 4, 3, 3]);
    expect(initializers.get('W7')).toEqual([16, 6 * 6 * 6]);
    expect(initializers.get('mean3')).toEqual([4]);
    expect(initializers.get('variance8')).toEqual([16]);
  });

  it.each([
    ['z-score, global', (raw: Float32Array) => fitScaling('z-score', raw, ROWS, 784)],
    ['z-score, per pixel', (raw: Float32Array) => fitScaling('z-score', raw, ROWS, 784, 'feature')],
    ['min-max, symmetric', (raw: Float32Array) => fitScaling('min-max-symmetric', raw, ROWS, 784)],
    ['unit norm', () => ({ kind: 'unit-norm' }) as const],
    ['none', () => ({ kind: 'none' }) as const],
  ])('carries the %s scaling as its first nodes', async (_, fit) => {
    const { worst, agree } = await compare(trained, fit(rawImages()));
    expect(worst).toBeLessThan(1e-3);
    expect(agree).toBeGreaterThanOrEqual(ROWS - 1);
  });
});
