import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ScaledDataset } from '../../../core/data/idx-dataset';
import { loadMnist, loadMnistRaw } from '../../../core/data/mnist';
import { Network } from '../../../core/engine/network';
import { Rng } from '../../../core/engine/rng';
import { DEFAULT_TRAIN_SETTINGS, type NetworkSpec, type TrainSettings } from '../../../core/engine/spec';
import { Trainer } from '../../../core/engine/trainer';
import { ModelFileError } from '../../../core/model/errors';
import { decodeOnnx } from '../../../core/model/imports/onnx-decode';
import { exportOnnx } from '../../../core/model/onnx';
import { mnistSpec, reluSoftmaxSpec } from '../../fixtures/specs';

ort.env.wasm.numThreads = 1;

let mnist: ScaledDataset;
beforeAll(() => {
  mnist = loadMnist({ trainLimit: 2000, testLimit: 200 });
});

function trained(spec: NetworkSpec, settings: Partial<TrainSettings>): Network {
  const net = Network.create(spec, new Rng(11));
  const all: TrainSettings = { ...DEFAULT_TRAIN_SETTINGS, epochs: 1, seed: 5, ...settings };
  new Trainer(net, { train: mnist.train }, all).run({ onEpoch: () => undefined });
  return net;
}

/** Runs the exported model on the MNIST test images; returns outputs row-major. */
async function runOnnx(bytes: Uint8Array, inputs: Float32Array, rows: number): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    expect(session.inputNames).toEqual(['input']);
    expect(session.outputNames).toEqual(['output']);
    const result = await session.run({ input: new ort.Tensor('float32', inputs, [rows, inputs.length / rows]) });
    return result.output!.data as Float32Array;
  } finally {
    await session.release();
  }
}

/** Every ONNX output on the raw test images (the file scales them itself) equals net.predict on Fathom's scaled ones within `tolerance`. */
async function expectSameOutputs(net: Network, tolerance = 1e-5): Promise<void> {
  const { inputs, count, inputSize } = mnist.test;
  const raw = Float32Array.from(loadMnistRaw().test.pixels.subarray(0, count * inputSize));
  const out = await runOnnx(exportOnnx(net, mnist.scaling), raw, count);
  const nOut = net.sizes[net.L]!;
  expect(out.length).toBe(count * nOut);
  let worst = 0;
  for (let i = 0; i < count; i++) {
    const expected = net.predict(inputs.subarray(i * inputSize, (i + 1) * inputSize));
    for (let j = 0; j < nOut; j++) worst = Math.max(worst, Math.abs(out[i * nOut + j]! - expected[j]!));
  }
  expect(worst).toBeLessThanOrEqual(tolerance);
}

describe('ONNX export, checked with onnxruntime-web', () => {
  it("sigmoid network with quadratic loss (Nielsen's)", async () => {
    const net = trained(mnistSpec(), { learningRate: 3, batchSize: 10 });
    await expectSameOutputs(net);
  });

  it('relu hidden layer with softmax and cross-entropy', async () => {
    const net = trained(reluSoftmaxSpec([32]), { learningRate: 0.1, batchSize: 20 });
    await expectSameOutputs(net);
  });

  it('tanh and leaky-relu hidden layers with a linear output', async () => {
    const net = trained(
      mnistSpec({
        hidden: [
          { units: 24, activation: 'tanh' },
          { units: 16, activation: 'leaky-relu' },
        ],
        output: 'linear',
        loss: 'mse',
        init: 'xavier',
      }),
      { learningRate: 0.05, batchSize: 20 },
    );
    await expectSameOutputs(net);
  });

  it('step units, as comparison and cast', async () => {
    // Not trainable: compare the randomly initialised network.
    const net = Network.create(mnistSpec({ hidden: [20], activation: 'step', output: 'sigmoid' }), new Rng(2));
    await expectSameOutputs(net);
  });

  it('names the layers as the app does for a fully connected network: layer 2, layer 3', () => {
    const { graph } = decodeOnnx(exportOnnx(Network.create(mnistSpec(), new Rng(1)), mnist.scaling), 'm.onnx');
    expect(graph!.node!.map((n) => n.name)).toEqual([
      'scaling sub',
      'scaling div',
      'layer 2',
      'layer 2 sigmoid',
      'layer 3',
      'layer 3 sigmoid',
    ]);
  });

  it('records the spec and scaling in the model metadata', async () => {
    const net = Network.create(mnistSpec({ hidden: [], output: 'softmax', loss: 'cross-entropy', init: 'xavier' }), new Rng(1));
    const text = new TextDecoder().decode(exportOnnx(net, mnist.scaling));
    expect(text).toContain('fathom.scaling');
    expect(text).toContain(JSON.stringify(mnist.scaling));
    expect(text).toContain('"inputSize":784');
  });

  it('refuses a network with NaN weights', () => {
    const net = Network.create(
      { inputSize: 4, layers: [{ units: 2, activation: 'sigmoid' }], loss: 'quadratic', init: 'normal' },
      new Rng(1),
    );
    net.b[1]![1] = Infinity;
    expect(() => exportOnnx(net)).toThrow(ModelFileError);
    expect(() => exportOnnx(net)).toThrow(/the network being exported: layer 2 biases .* Infinity at unit 1/);
  });
});
