/**
 * The PyTorch project of convolutional networks, run by Debian's python3-torch (skipped, with the
 * reason, where it is not installed): a network with every layer kind (convolutions with both paddings
 * and stride 2, max-pooling, dropout, batchnorm per channel and per unit) trained briefly in Fathom gives
 * Fathom's outputs in PyTorch to float32 rounding, from the project's weights and from the safetensors
 * and .npz exports (running statistics included, under their names); Nielsen's chapter-6 CNN's project
 * trains one short epoch on an MNIST subset.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScaledDataset } from '../../../../core/data/idx-dataset';
import { loadMnist } from '../../../../core/data/mnist';
import { evaluate } from '../../../../core/engine/evaluate';
import { Network } from '../../../../core/engine/network';
import { Rng } from '../../../../core/engine/rng';
import { DEFAULT_TRAIN_SETTINGS, type NetworkSpec, type TrainSettings } from '../../../../core/engine/spec';
import { Trainer } from '../../../../core/engine/trainer';
import { npzBytes } from '../../../../core/model/exports/npz';
import { safetensorsBytes } from '../../../../core/model/exports/safetensors';
import { networkTensors } from '../../../../core/model/exports/tensors';
import { readNpz } from '../../../../core/model/imports/npz';
import { readSafetensors } from '../../../../core/model/imports/safetensors';
import { weightsForDesign } from '../../../../core/model/imports/weights-into-design';
import { exportProject, modelOf } from './project-fixtures';
import { jsonLines, NO_TORCH_REASON, PYTHON, run } from './torch';

const python = PYTHON ?? 'python3';
let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'fathom-pytorch-cnn-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const IMAGE = { channels: 1, height: 28, width: 28 };

/** Every layer kind: same padding (even, then uneven with stride 2), valid padding, both batchnorms, dropout. */
const everyKind: NetworkSpec = {
  inputSize: 784,
  inputShape: IMAGE,
  layers: [
    { kind: 'conv', filters: 4, kernel: 3, stride: 1, padding: 'same', activation: 'relu' },
    { kind: 'batchnorm' },
    { kind: 'maxpool', size: 2, stride: 2 },
    { kind: 'conv', filters: 6, kernel: 4, stride: 2, padding: 'same', activation: 'tanh' },
    { kind: 'conv', filters: 5, kernel: 2, stride: 1, padding: 'valid', activation: 'leaky-relu' },
    { kind: 'dropout', rate: 0.3 },
    { units: 16, activation: 'sigmoid' },
    { kind: 'batchnorm' },
    { units: 10, activation: 'softmax' },
  ],
  loss: 'cross-entropy',
  init: 'he',
};

/** Nielsen's chapter-6 network: conv 5×5×20 ReLU → max-pool 2 → 100 ReLU → 10 softmax. */
const chapter6: NetworkSpec = {
  inputSize: 784,
  inputShape: IMAGE,
  layers: [
    { kind: 'conv', filters: 20, kernel: 5, stride: 1, padding: 'valid', activation: 'relu' },
    { kind: 'maxpool', size: 2, stride: 2 },
    { units: 100, activation: 'relu' },
    { units: 10, activation: 'softmax' },
  ],
  loss: 'cross-entropy',
  init: 'he',
};

describe.skipIf(!PYTHON)(`CNN projects under python3-torch${PYTHON ? '' : ` (skipped: ${NO_TORCH_REASON})`}`, () => {
  describe('a network with every layer kind, trained briefly in Fathom', () => {
    let mnist: ScaledDataset;
    let net: Network;
    let dir: string;
    const settings: TrainSettings = {
      ...DEFAULT_TRAIN_SETTINGS,
      epochs: 1,
      seed: 5,
      batchSize: 20,
      learningRate: 0.05,
      optimizer: 'momentum',
      l2: 1e-4,
    };
    beforeAll(async () => {
      mnist = loadMnist({ trainLimit: 600, testLimit: 100 });
      net = Network.create(everyKind, new Rng(5));
      const history = new Trainer(net, { train: mnist.train }, settings).run();
      dir = await exportProject(root, 'every-kind', modelOf(net, mnist, settings, history));
    });

    /** The module's outputs (in eval mode) for the first `rows` test inputs, loaded from `weights`. */
    async function torchOutputs(rows: number, weights: string): Promise<Float32Array> {
      await writeFile(join(dir, 'inputs.f32'), mnist.test.inputs.subarray(0, rows * 784));
      const script = [
        'import numpy as np, torch, sys',
        'from model import FathomNet, load_weights',
        'm = FathomNet()',
        'w = sys.argv[1]',
        "state = {k: torch.from_numpy(v) for k, v in np.load(w).items()} if w.endswith('.npz') else load_weights(w)",
        'm.load_state_dict(state, strict=True)',
        'm.eval()',
        `x = torch.from_numpy(np.fromfile('inputs.f32', '<f4').reshape(${rows}, 784))`,
        "m(x).detach().numpy().astype('<f4').tofile('outputs.f32')",
      ].join('\n');
      await run(python, ['-c', script, weights], dir);
      const bytes = await readFile(join(dir, 'outputs.f32'));
      return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
    }

    function expectFathomOutputs(outputs: Float32Array, rows: number): void {
      expect(outputs).toHaveLength(rows * 10);
      for (let r = 0; r < rows; r++) {
        const expected = net.predict(mnist.test.inputs.subarray(r * 784, (r + 1) * 784));
        for (let j = 0; j < 10; j++)
          expect(Math.abs(outputs[r * 10 + j]! - expected[j]!)).toBeLessThanOrEqual(1e-5 + 1e-5 * Math.abs(expected[j]!));
      }
    }

    it('writes the running statistics into the weights files under their names', () => {
      const names = networkTensors(net).map((t) => `${t.name} [${t.shape.join(', ')}]`);
      expect(names).toEqual([
        'W2 [4, 1, 3, 3]',
        'b2 [4]',
        'W3 [4]',
        'b3 [4]',
        'mean3 [4]',
        'variance3 [4]',
        'W5 [6, 4, 4, 4]',
        'b5 [6]',
        'W6 [5, 6, 2, 2]',
        'b6 [5]',
        'W8 [16, 180]',
        'b8 [16]',
        'W9 [16]',
        'b9 [16]',
        'mean9 [16]',
        'variance9 [16]',
        'W10 [10, 16]',
        'b10 [10]',
      ]);
      const mean3 = networkTensors(net).find((t) => t.name === 'mean3')!;
      expect([...mean3.data]).toEqual([...net.state.mean[2]!]);
      expect(mean3.data.some((m) => m !== 0)).toBe(true); // training moved them
      const back = readNpz(npzBytes(networkTensors(net)), 'w.npz');
      const { state } = weightsForDesign(net, back, 'w.npz');
      expect([...state.variance[8]!]).toEqual([...net.state.variance[8]!]);
    });

    it("gives Fathom's outputs to float32 rounding from the project's weights, and its test loss and accuracy with --evaluate", async () => {
      expectFathomOutputs(await torchOutputs(60, 'weights.safetensors'), 60);
      const evaluated = jsonLines(await run(python, ['train.py', '--evaluate', '--device', 'cpu'], dir), 'evaluated')[0]!;
      const fathom = evaluate(net, mnist.test);
      expect(evaluated['testAccuracy']).toBe(fathom.accuracy);
      expect(evaluated['testLoss'] as number).toBeCloseTo(fathom.loss, 5);
    });

    it('loads the safetensors and .npz exports with load_state_dict (strict) to the same outputs', async () => {
      await writeFile(join(dir, 'export.safetensors'), safetensorsBytes(networkTensors(net)));
      await writeFile(join(dir, 'export.npz'), npzBytes(networkTensors(net)));
      expectFathomOutputs(await torchOutputs(30, 'export.safetensors'), 30);
      expectFathomOutputs(await torchOutputs(30, 'export.npz'), 30);
    });

    it('trains on in PyTorch and writes weights (with running statistics) Fathom reads back, scoring there as in PyTorch', async () => {
      const stdout = await run(python, ['train.py', '--epochs', '1', '--device', 'cpu', '--out', 'again.safetensors'], dir);
      const epoch = jsonLines(stdout, 'epoch')[0]!;
      expect(epoch['epoch']).toBe(2);
      const tensors = readSafetensors(await readFile(join(dir, 'again.safetensors')), 'again.safetensors');
      const { w, b, state, matched } = weightsForDesign(net, tensors, 'again.safetensors');
      expect(matched).toBe('by-name');
      const copy = new Network(net.spec);
      copy.setParameters(w, b);
      copy.setState(state);
      const there = evaluate(copy, mnist.test);
      expect(there.accuracy).toBe(epoch['testAccuracy']);
      expect(there.loss).toBeCloseTo(epoch['testLoss'] as number, 4);
    });
  });

  it("trains Nielsen's chapter-6 CNN for one short epoch on an MNIST subset, as Fathom does", async () => {
    const mnist = loadMnist({ trainLimit: 2000, testLimit: 500 });
    const settings: TrainSettings = { ...DEFAULT_TRAIN_SETTINGS, epochs: 1, seed: 1, batchSize: 10, learningRate: 0.05 };
    const net = Network.create(chapter6, new Rng(1));
    const dir = await exportProject(root, 'chapter6', modelOf(net, mnist, settings));
    const fathom = new Trainer(net, { train: mnist.train, test: mnist.test }, settings).run().at(-1)!.testAccuracy!;
    const stdout = await run(python, ['train.py', '--device', 'cpu'], dir);
    expect(jsonLines(stdout, 'started')[0]).toMatchObject({ network: '28x28x1-conv5x5x20-maxpool2-100-10', train: 2000, test: 500 });
    const torch = jsonLines(stdout, 'epoch')[0]!['testAccuracy'] as number;
    expect(fathom).toBeGreaterThan(0.8);
    expect(torch).toBeGreaterThan(0.8);
    // A small subset: the shuffles differ (PyTorch's generator, not Fathom's), so the band is wider than the full-MNIST tests'.
    expect(Math.abs(torch - fathom)).toBeLessThanOrEqual(0.05);
  });
});
