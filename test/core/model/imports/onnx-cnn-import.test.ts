/**
 * ONNX import of convolutional networks: the CNN graphs PyTorch exports (test/fixtures/onnx, made by
 * make.py) open as Fathom networks computing PyTorch's outputs; Fathom's own CNN export comes back
 * with its spec, weights, running statistics and scaling (from the scaling nodes, so no --scale is
 * needed); convolutions Fathom does not have and malformed CNN files are refused with one line.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as protobuf from 'protobufjs';
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import type { ScalingParams } from '../../../../core/data/scaling';
import { Network } from '../../../../core/engine/network';
import { Rng } from '../../../../core/engine/rng';
import type { NetworkSpec } from '../../../../core/engine/spec';
import { ImportError } from '../../../../core/model/imports/errors';
import { importOnnx, type ImportedOnnx } from '../../../../core/model/imports/onnx-import';
import { exportOnnx } from '../../../../core/model/onnx';
import { ONNX_PROTO } from '../../../../core/model/onnx-proto';

const FIXTURES = join(__dirname, '../../../fixtures/onnx');
const fixture = (name: string): Uint8Array => readFileSync(join(FIXTURES, `${name}.onnx`));
const expected = (name: string) =>
  JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as { inputs: number[][]; outputs: number[][] };

function network(imported: ImportedOnnx): Network {
  const net = new Network(imported.spec);
  net.setParameters(imported.w, imported.b);
  net.setState(imported.state);
  return net;
}

/** The imported network gives PyTorch's outputs for the fixture's inputs (after `scale`). */
function expectPytorchOutputs(name: string, scale: (x: number[]) => number[] = (x) => x): ImportedOnnx {
  const imported = importOnnx(fixture(name), `${name}.onnx`);
  const net = network(imported);
  const { inputs, outputs } = expected(name);
  inputs.forEach((x, r) => {
    const got = net.predict(scale(x));
    outputs[r]!.forEach((y, j) => expect(Math.abs(got[j]! - y)).toBeLessThan(1e-5 + 1e-5 * Math.abs(y)));
  });
  return imported;
}

const image = (channels: number, height: number, width: number) => ({ channels, height, width });

describe('ONNX import of the CNNs PyTorch exports', () => {
  it('reads Conv (padding 1 as "same", stride 2), MaxPool, BatchNormalization per channel, Flatten, Gemm and Softmax', () => {
    const imported = expectPytorchOutputs('cnn');
    expect(imported.spec).toEqual({
      inputSize: 784,
      inputShape: image(1, 28, 28),
      layers: [
        { kind: 'conv', filters: 4, kernel: 3, stride: 1, padding: 'same', activation: 'relu' },
        { kind: 'maxpool', size: 2, stride: 2 },
        { kind: 'conv', filters: 6, kernel: 3, stride: 2, padding: 'valid', activation: 'tanh' },
        { kind: 'batchnorm' },
        { units: 16, activation: 'relu' },
        { units: 10, activation: 'softmax' },
      ],
      loss: 'cross-entropy',
      init: 'he',
    } satisfies NetworkSpec);
    expect(imported.inputShape).toEqual([28, 28]);
    expect(imported.state.mean[4]!.length).toBe(6);
    expect(imported.scaling).toBeUndefined();
  });

  it('reads the leading scaling, a ReLU after the max-pool (moved onto the conv), Reshape and BatchNorm1d on N × C', () => {
    const imported = importOnnx(fixture('cnn-scaled-reshape'), 'c.onnx');
    expect(imported.spec.layers).toEqual([
      { kind: 'conv', filters: 3, kernel: 5, stride: 1, padding: 'valid', activation: 'relu' },
      { kind: 'maxpool', size: 2, stride: 2 },
      { units: 12, activation: 'linear' },
      { kind: 'batchnorm' },
      { units: 10, activation: 'linear' },
    ]);
    const { mean, std } = imported.scaling as { mean: number[]; std: number[] };
    expect(mean[0]).toBeCloseTo(0.1307, 6);
    expect(std[0]).toBeCloseTo(0.3081, 6);
    expectPytorchOutputs('cnn-scaled-reshape', (x) => x.map((v) => (v - mean[0]!) / std[0]!));
  });

  it('reads the conv that PyTorch folded its batchnorm into, and a batchnorm before an activation folded the same way', async () => {
    expect(expectPytorchOutputs('conv-bn-relu').spec.layers[0]).toMatchObject({ kind: 'conv', activation: 'relu' });
    // The fixture's BatchNormalization node moved after a linear conv, then a ReLU: folded, the same outputs.
    const bytes = edited(fixture('cnn'), (m) => {
      const nodes = m.graph.node;
      const [conv, tanh, bn] = [nodes[3]!, nodes[4]!, nodes[5]!];
      bn.input[0] = conv.output[0]!;
      tanh.input[0] = bn.output[0]!;
      nodes[6]!.input[0] = tanh.output[0]!;
      nodes.splice(4, 2, bn, tanh);
    });
    const imported = importOnnx(bytes, 'folded.onnx');
    expect(imported.spec.layers.map((l) => l.kind ?? 'dense')).toEqual(['conv', 'maxpool', 'conv', 'dense', 'dense']);
    expect(imported.spec.layers[2]).toMatchObject({ activation: 'tanh' });
    // What onnxruntime computes with the batchnorm as a node, Fathom computes with it folded.
    ort.env.wasm.numThreads = 1;
    const { inputs } = expected('cnn');
    const session = await ort.InferenceSession.create(bytes);
    const result = await session.run({ input: new ort.Tensor('float32', Float32Array.from(inputs.flat()), [3, 1, 28, 28]) });
    await session.release();
    const runtime = result.output!.data as Float32Array;
    const net = network(imported);
    inputs.forEach((x, r) => net.predict(x).forEach((y, j) => expect(Math.abs(y - runtime[r * 10 + j]!)).toBeLessThan(1e-5)));
  });

  it("reads torchvision's per-channel Normalize of a 3-channel image as a z-score per input", () => {
    const imported = importOnnx(fixture('rgb-normalized'), 'rgb.onnx');
    expect(imported.spec.inputShape).toEqual(image(3, 8, 8));
    const { per, mean, std } = imported.scaling as { per: string; mean: number[]; std: number[] };
    expect(per).toBe('feature');
    expect([mean[0], mean[64], mean[191]].map((m) => m!.toFixed(4))).toEqual(['0.4850', '0.4560', '0.4060']);
    expect([std[0], std[64], std[191]].map((s) => s!.toFixed(4))).toEqual(['0.2290', '0.2240', '0.2250']);
    expectPytorchOutputs('rgb-normalized', (x) => x.map((v, i) => (v - mean[i]!) / std[i]!));
  });

  it('refuses a dilated and a grouped convolution with the node name', () => {
    expect(() => importOnnx(fixture('conv-dilated'), 'd.onnx')).toThrow(
      /^d\.onnx: node "\/0\/Conv" \(Conv\) has dilations \[2, 2\]; Fathom's convolution has dilation 1$/,
    );
    expect(() => importOnnx(fixture('conv-grouped'), 'g.onnx')).toThrow(
      /node "\/0\/Conv" \(Conv\) has group = 2; Fathom's convolution has group 1/,
    );
  });
});

/** A CNN with every layer kind, its batchnorm statistics moved from their start. */
function fathomCnn(): Network {
  const net = Network.create(
    {
      inputSize: 2 * 9 * 9,
      inputShape: image(2, 9, 9),
      layers: [
        { kind: 'conv', filters: 3, kernel: 3, stride: 2, padding: 'same', activation: 'leaky-relu' },
        { kind: 'batchnorm' },
        { kind: 'maxpool', size: 2, stride: 1 },
        { kind: 'dropout', rate: 0.3 },
        { units: 5, activation: 'sigmoid' },
        { kind: 'batchnorm' },
        { units: 4, activation: 'softmax' },
      ],
      loss: 'kl-divergence',
      init: 'xavier',
    },
    new Rng(7),
  );
  const rng = new Rng(8);
  for (const l of [2, 6]) {
    net.state.mean[l]!.forEach((_, c, m) => (m[c] = rng.uniform() - 0.5));
    net.state.variance[l]!.forEach((_, c, v) => (v[c] = rng.uniform() + 0.5));
  }
  return net;
}

describe("Fathom's CNN export read back", () => {
  it.each<[string, ScalingParams | undefined]>([
    ['min-max', { kind: 'min-max', per: 'global', min: [0], max: [255] }],
    [
      'z-score per feature',
      {
        kind: 'z-score',
        per: 'feature',
        mean: Array.from({ length: 162 }, (_, i) => i / 3),
        std: Array.from({ length: 162 }, (_, i) => 1 + i / 7),
      },
    ],
    ['symmetric min-max', { kind: 'min-max-symmetric', per: 'global', min: [-1], max: [3] }],
    ['unit norm', { kind: 'unit-norm' }],
    ['none', { kind: 'none' }],
  ])('the same spec, weights, running statistics and the %s scaling', (_, scaling) => {
    const net = fathomCnn();
    const imported = importOnnx(exportOnnx(net, scaling), 'fathom.onnx');
    expect(imported.spec).toEqual(net.spec);
    expect(imported.scaling).toEqual(scaling);
    for (let l = 1; l <= net.L; l++) {
      expect(imported.w[l]).toEqual(Float32Array.from(net.w[l]!));
      expect(imported.b[l]).toEqual(Float32Array.from(net.b[l]!));
      expect(imported.state.mean[l]).toEqual(Float32Array.from(net.state.mean[l]!));
      expect(imported.state.variance[l]).toEqual(Float32Array.from(net.state.variance[l]!));
    }
  });

  it('a file exported before the scaling was a node (scaled inputs, the scaling only in the metadata) keeps the metadata’s scaling', () => {
    const scaling: ScalingParams = { kind: 'min-max', per: 'global', min: [0], max: [255] };
    const bytes = edited(exportOnnx(fathomCnn(), scaling), (m) => {
      m.metadata_props = m.metadata_props.filter((p) => p.key !== 'fathom.input');
      const nodes = m.graph.node;
      const first = nodes.findIndex((n) => !n.name.startsWith('scaling'));
      nodes[first]!.input[0] = 'input';
      nodes.splice(0, first);
    });
    expect(importOnnx(bytes, 'old.onnx').scaling).toEqual(scaling);
  });

  it('a file without scaling nodes or metadata takes its inputs as they are', () => {
    expect(importOnnx(exportOnnx(fathomCnn()), 'f.onnx').scaling).toEqual({ kind: 'none' });
  });

  it('refuses a unit norm floored at more than a blank sample needs', () => {
    const bytes = edited(exportOnnx(fathomCnn(), { kind: 'unit-norm' }), (m) => {
      const tiny = m.graph.initializer.find((t) => t.name === 'scaling tiny') as unknown as { raw_data: Uint8Array };
      tiny.raw_data = new Uint8Array(Float32Array.of(0.5).buffer);
    });
    expect(() => importOnnx(bytes, 'f.onnx')).toThrow(
      /node "scaling norm floor" \(Max\) floors the norm at 0\.5; Fathom's unit-norm divides by the norm itself/,
    );
  });

  it('refuses metadata that says another scaling than the nodes compute', () => {
    const bytes = edited(exportOnnx(fathomCnn(), { kind: 'min-max', per: 'global', min: [0], max: [255] }), (m) => {
      m.metadata_props.find((p) => p.key === 'fathom.scaling')!.value = JSON.stringify({
        kind: 'min-max',
        per: 'global',
        min: [0],
        max: [1],
      });
    });
    expect(() => importOnnx(bytes, 'f.onnx')).toThrow(
      /f\.onnx: its metadata "fathom\.scaling" does not match the scaling its first nodes compute/,
    );
  });
});

interface EditableModel {
  metadata_props: { key: string; value: string }[];
  graph: {
    initializer: { name: string; data_type: number; dims: number[] }[];
    node: {
      name: string;
      op_type: string;
      input: string[];
      output: string[];
      attribute: { name: string; i?: number; ints?: number[]; f?: number; s?: Uint8Array; type?: number }[];
    }[];
  };
}

/** `bytes` decoded, changed by `edit`, encoded again. */
function edited(bytes: Uint8Array, edit: (model: EditableModel) => void): Uint8Array {
  const Model = protobuf.parse(ONNX_PROTO, { keepCase: true }).root.lookupType('onnx.ModelProto');
  const model = Model.toObject(Model.decode(bytes), { longs: Number, arrays: true }) as EditableModel;
  edit(model);
  return Model.encode(Model.fromObject(model)).finish();
}

describe('ONNX import of malformed CNN files: one line, nothing half-loaded', () => {
  const good = fixture('cnn');
  const attempt = (bytes: Uint8Array): string => {
    try {
      importOnnx(bytes, 'bad.onnx');
    } catch (err) {
      expect(err).toBeInstanceOf(ImportError);
      expect((err as Error).message).not.toContain('\n');
      return (err as Error).message;
    }
    throw new Error('expected a refusal');
  };
  const node = (m: EditableModel, op: string) => m.graph.node.find((n) => n.op_type === op)!;
  const setInts = (m: EditableModel, op: string, name: string, ints: number[]) => {
    const attr = node(m, op).attribute.find((a) => a.name === name);
    if (attr) attr.ints = ints;
    else node(m, op).attribute.push({ name, type: 7, ints });
  };

  it('cut short anywhere', () => {
    for (const cut of [2, 50, 500, 5000, good.length / 2, good.length - 1])
      expect(attempt(good.subarray(0, Math.floor(cut)))).toMatch(/^bad\.onnx: /);
  });

  it('conv weights of the wrong type, and of a huge declared shape', () => {
    const conv = (m: EditableModel) => m.graph.initializer.find((t) => t.name === '0.weight')!;
    expect(attempt(edited(good, (m) => (conv(m).data_type = 11)))).toMatch(
      /"0\.weight" of node "\/0\/Conv" is of ONNX data type 11; Fathom reads float32/,
    );
    expect(attempt(edited(good, (m) => (conv(m).dims = [4, 1, 100_000, 100_000])))).toMatch(
      /of shape \[4, 1, 100000, 100000\] needs 160000000000 bytes; it holds 144/,
    );
  });

  it('weights that do not fit the channels flowing in', () => {
    const bytes = edited(good, (m) => {
      const w = m.graph.initializer.find((t) => t.name === '3.weight')!;
      w.dims = [6, 2, 6, 3];
    });
    expect(attempt(bytes)).toMatch(/node "\/3\/Conv" \(Conv\) has a 6×3 kernel; Fathom's kernels are square/);
  });

  it.each<[string, (m: EditableModel) => void, RegExp]>([
    [
      'padding that is neither none nor same',
      (m) => setInts(m, 'Conv', 'pads', [0, 0, 1, 1]),
      /pads \[0, 0, 1, 1\]; Fathom pads not at all or as "same" \(\[1, 1, 1, 1\]/,
    ],
    [
      'SAME_LOWER padding',
      (m) => node(m, 'Conv').attribute.push({ name: 'auto_pad', type: 3, s: new TextEncoder().encode('SAME_LOWER') }),
      /has auto_pad SAME_LOWER/,
    ],
    ['unequal strides', (m) => setInts(m, 'Conv', 'strides', [1, 2]), /has strides \[1, 2\]; Fathom's are square/],
    ['a padded max-pool', (m) => setInts(m, 'MaxPool', 'pads', [1, 1, 1, 1]), /"\/2\/MaxPool" \(MaxPool\) pads its input/],
    [
      'a max-pool rounding up',
      (m) => {
        setInts(m, 'MaxPool', 'kernel_shape', [3, 3]);
        node(m, 'MaxPool').attribute.find((a) => a.name === 'ceil_mode')!.i = 1;
      },
      /rounds its output size up \(ceil_mode 1\)/,
    ],
    [
      'a batchnorm in training mode',
      (m) => node(m, 'BatchNormalization').attribute.push({ name: 'training_mode', type: 2, i: 1 }),
      /is in training mode/,
    ],
    [
      'a batchnorm of the wrong width',
      (m) => (m.graph.initializer.find((t) => t.name === '5.running_mean')!.dims = [7]),
      /needs 28 bytes; it holds 24/,
    ],
    [
      'a Reshape to a shape that is not N × size',
      (m) => {
        const flatten = node(m, 'Flatten');
        flatten.op_type = 'Reshape';
        flatten.attribute = [];
        flatten.input.push('shape');
        m.graph.initializer.push({
          name: 'shape',
          data_type: 7,
          dims: [3],
          raw_data: new Uint8Array(new BigInt64Array([-1n, 6n, 36n]).buffer),
        } as never);
      },
      /reshapes to \[-1, 6, 36\]; Fathom reads a Reshape that flattens each sample to \[N, 216\]/,
    ],
    [
      'a dense layer on an image (no Flatten)',
      (m) => {
        const flatten = node(m, 'Flatten');
        node(m, 'Gemm').input[0] = flatten.input[0]!;
        m.graph.node.splice(m.graph.node.indexOf(flatten), 1);
      },
      /"\/8\/Gemm" \(Gemm\) takes a 6×6×6 image; a dense layer needs a Flatten before it/,
    ],
  ])('%s', (_, edit, message) => {
    expect(attempt(edited(good, edit))).toMatch(message);
  });
});
