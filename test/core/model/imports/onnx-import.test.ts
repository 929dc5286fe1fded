/**
 * ONNX models exported by PyTorch (test/fixtures/onnx, made by make.py) open as Fathom networks
 * computing PyTorch's outputs; Fathom's own export comes back as it left; anything Fathom cannot
 * represent, and every malformed file, is refused with one line and nothing half-built.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { Network } from '../../../../core/engine/network';
import { layerActivation } from '../../../../core/engine/spec';
import { Rng } from '../../../../core/engine/rng';
import { loadOnnxModel } from '../../../../core/model/imports/import-files';
import { ImportError } from '../../../../core/model/imports/errors';
import { importOnnx } from '../../../../core/model/imports/onnx-import';
import { exportOnnx } from '../../../../core/model/onnx';
import { ONNX_PROTO } from '../../../../core/model/onnx-proto';
import { mnistSpec, reluSoftmaxSpec } from '../../../fixtures/specs';

const FIXTURES = join(__dirname, '../../../fixtures/onnx');
const fixture = (name: string): Uint8Array => readFileSync(join(FIXTURES, `${name}.onnx`));
const expected = (name: string) =>
  JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as { inputs: number[][]; outputs: number[][] };

/** The imported network gives PyTorch's outputs for the fixture's inputs (after the scaling it carries, if any). */
function expectPytorchOutputs(name: string, scale: (x: number[]) => number[] = (x) => x): Network {
  const imported = importOnnx(fixture(name), `${name}.onnx`);
  const net = new Network(imported.spec);
  net.setParameters(imported.w, imported.b);
  const { inputs, outputs } = expected(name);
  inputs.forEach((x, r) => {
    const got = net.predict(scale(x));
    outputs[r]!.forEach((y, j) => expect(Math.abs(got[j]! - y)).toBeLessThan(1e-5 + 1e-5 * Math.abs(y)));
  });
  return net;
}

describe('ONNX import of models PyTorch exported', () => {
  it('reads Flatten, Gemm, Relu, Gemm, Softmax from 1×28×28 images', () => {
    const imported = importOnnx(fixture('flatten-relu-softmax'), 'f.onnx');
    expect(imported.spec).toEqual({ ...reluSoftmaxSpec([16]), init: 'xavier' });
    expect(imported.inputShape).toEqual([28, 28]);
    expect(imported.scaling).toBeUndefined();
    expectPytorchOutputs('flatten-relu-softmax');
  });

  it('turns a leading Sub and Div into the z-score scaling, and reads sigmoid, tanh and leaky ReLU', () => {
    const imported = importOnnx(fixture('scaled-sigmoid-tanh'), 's.onnx');
    expect(imported.spec.layers.map((l) => layerActivation(l))).toEqual(['sigmoid', 'tanh', 'leaky-relu']);
    expect(imported.scaling).toMatchObject({ kind: 'z-score', per: 'global' });
    const { mean, std } = imported.scaling as { mean: number[]; std: number[] };
    expect(mean[0]).toBeCloseTo(0.1307, 6);
    expect(std[0]).toBeCloseTo(0.3081, 6);
    expectPytorchOutputs('scaled-sigmoid-tanh', (x) => x.map((v) => (v - mean[0]!) / std[0]!));
  });

  it('reads MatMul + Add as a dense layer, and a layer without activation as linear', () => {
    const net = expectPytorchOutputs('matmul-add');
    expect(net.spec.layers).toEqual([
      { units: 6, activation: 'relu' },
      { units: 3, activation: 'linear' },
    ]);
  });

  it('reads a convolution (more CNNs in onnx-cnn-import.test.ts)', () => {
    const net = expectPytorchOutputs('conv');
    expect(net.spec.layers[0]).toEqual({ kind: 'conv', filters: 2, kernel: 3, stride: 1, padding: 'valid', activation: 'linear' });
  });

  it("reads Fathom's own export back: the same spec, weights and scaling", () => {
    const spec = mnistSpec({ hidden: [12], activation: 'tanh', output: 'sigmoid', loss: 'binary-cross-entropy', init: 'he' });
    const net = Network.create(spec, new Rng(2));
    const scaling = { kind: 'min-max' as const, per: 'global' as const, min: [0], max: [255] };
    const imported = importOnnx(exportOnnx(net, scaling), 'fathom.onnx');
    expect(imported.spec).toEqual(spec);
    expect(imported.scaling).toEqual(scaling);
    expect(imported.w[1]).toEqual(net.w[1]);
    expect(imported.b[2]).toEqual(net.b[2]);
  });
});

describe('ONNX import refuses what Fathom cannot represent, by node name and type', () => {
  it('a leaky ReLU of another slope', () => {
    expect(() => importOnnx(fixture('leaky-slope'), 'l.onnx')).toThrow(
      /node "\/1\/LeakyRelu" \(LeakyRelu\) has slope 0\.2\d*; Fathom's leaky ReLU has slope 0\.01/,
    );
  });
});

describe('ONNX import of malformed files: one line, nothing half-loaded', () => {
  const good = fixture('flatten-relu-softmax');
  const attempt = (bytes: Uint8Array): ImportError => {
    try {
      importOnnx(bytes, 'bad.onnx');
    } catch (err) {
      expect(err).toBeInstanceOf(ImportError);
      expect((err as Error).message).not.toContain('\n');
      return err as ImportError;
    }
    throw new Error('expected a refusal');
  };

  it('an empty file, text, and a file cut short anywhere', () => {
    expect(attempt(new Uint8Array(0)).message).toMatch(/^bad\.onnx: /);
    attempt(new TextEncoder().encode('{"format": "fathom-model"}'));
    for (const cut of [1, 10, 100, 1000, good.length / 2, good.length - 3]) attempt(good.subarray(0, Math.floor(cut)));
  });

  it('a huge declared length (a field claiming 2 GB in a small file)', () => {
    // Field 7 (graph), length-delimited, with a varint length of 0x7fffffff.
    const huge = Uint8Array.from([0x08, 0x07, 0x3a, 0xff, 0xff, 0xff, 0xff, 0x07, 0x00]);
    expect(attempt(huge).message).toMatch(/cut short, or a length in it is larger than the file/);
  });

  /** The fixture, decoded, changed by `edit`, encoded again. */
  function edited(edit: (model: { graph: { initializer: { data_type: number; dims: number[] }[]; node: { op_type: string }[] } }) => void) {
    const Model = protobuf.parse(ONNX_PROTO, { keepCase: true }).root.lookupType('onnx.ModelProto');
    const model = Model.toObject(Model.decode(good), { longs: Number, arrays: true }) as Parameters<typeof edit>[0];
    edit(model);
    return Model.encode(Model.fromObject(model)).finish();
  }

  it('wrong types: a weight tensor of int64 instead of float', () => {
    const bytes = edited((m) => (m.graph.initializer[0]!.data_type = 7));
    expect(attempt(bytes).message).toMatch(/ONNX data type 7; Fathom reads float32 tensors/);
  });

  it('a node of a kind Fathom has no layer for (an Elu where the Relu was)', () => {
    const bytes = edited((m) => (m.graph.node.find((n) => n.op_type === 'Relu')!.op_type = 'Elu'));
    expect(() => importOnnx(bytes, 'elu.onnx')).toThrow(/elu\.onnx: node "\/2\/Relu" \(Elu\) cannot be represented in Fathom/);
  });

  it('dims that do not match the data a tensor holds', () => {
    const bytes = edited((m) => (m.graph.initializer[0]!.dims = [16, 100_000_000]));
    expect(attempt(bytes).message).toMatch(/of shape \[16, 100000000\] needs 6400000000 bytes; it holds 50176/);
  });
});

describe('loadOnnxModel (from disk)', () => {
  it('builds a Fathom model, asking for the scaling when the file does not carry it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fathom-onnx-'));
    try {
      const path = join(dir, 'f.onnx');
      await writeFile(path, fixture('flatten-relu-softmax'));
      await expect(loadOnnxModel(path, 'test')).rejects.toThrow(/does not say how its inputs are scaled/);
      const scaling = { kind: 'min-max' as const, per: 'global' as const, min: [0], max: [255] };
      const { model, scalingFromFile } = await loadOnnxModel(path, 'test', () => Promise.resolve(scaling));
      expect(scalingFromFile).toBe(false);
      expect(model.file.scaling).toEqual(scaling);
      expect(model.file.dataset.inputShape).toEqual([28, 28]);
      expect(model.net.sizes).toEqual([784, 16, 10]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
