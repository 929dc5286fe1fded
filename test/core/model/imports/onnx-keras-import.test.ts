/**
 * ONNX import of the graphs tf2onnx writes for Keras models (test/fixtures/onnx/keras-*, made by
 * make_keras.py with onnx.helper; their expected outputs computed by numpy as Keras computes them,
 * channels-last): MatMul + Add dense layers, a Reshape by a shape initializer as the Flatten, the
 * Identity at the end, the Transpose of the NHWC input to NCHW and the one back before the Flatten.
 * A channels-last input of any number of channels is read as Fathom lays images out (channels
 * first); any other Transpose is refused with the node's name and type and the reason.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { scaleSample } from '../../../../core/data/scaling';
import { Network } from '../../../../core/engine/network';
import { importOnnx, type ImportedOnnx } from '../../../../core/model/imports/onnx-import';
import { ONNX_PROTO } from '../../../../core/model/onnx-proto';

const FIXTURES = join(__dirname, '../../../fixtures/onnx');
const fixture = (name: string): Uint8Array => readFileSync(join(FIXTURES, `${name}.onnx`));
const expected = (name: string) =>
  JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as { inputShape: number[]; inputs: number[][]; outputs: number[][] };

function network(imported: ImportedOnnx): Network {
  const net = new Network(imported.spec);
  net.setParameters(imported.w, imported.b);
  net.setState(imported.state);
  return net;
}

/** An H × W × C image (Keras's layout, the fixture's inputs) laid out C × H × W, as Fathom feeds images. */
function channelsFirst(x: number[], [height = 0, width = 0, channels = 0]: number[]): number[] {
  const out: number[] = [];
  for (let c = 0; c < channels; c++) for (let i = 0; i < height * width; i++) out.push(x[i * channels + c]!);
  return out;
}

/** The imported network gives the fixture's outputs (Keras's, by numpy) for its inputs, fed as Fathom lays images out and scaled as the file says. */
function expectKerasOutputs(name: string): ImportedOnnx {
  const imported = importOnnx(fixture(name), `${name}.onnx`);
  const net = network(imported);
  const { inputs: keras, inputShape, outputs } = expected(name);
  const inputs = inputShape.length === 3 ? keras.map((x) => channelsFirst(x, inputShape)) : keras;
  inputs.forEach((x, r) => {
    const got = net.predict(imported.scaling ? scaleSample(imported.scaling, x) : x);
    outputs[r]!.forEach((y, j) => expect(Math.abs(got[j]! - y), `${name} sample ${r} output ${j}`).toBeLessThan(1e-5 + 1e-5 * Math.abs(y)));
  });
  return imported;
}

/** The fixture with its graph changed by `edit` (a Transpose of another order, say). */
function edited(
  bytes: Uint8Array,
  edit: (model: { graph: { node: { op_type: string; attribute: { name: string; ints: number[] }[] }[] } }) => void,
): Uint8Array {
  const root = protobuf.parse(ONNX_PROTO, { keepCase: true }).root;
  const Model = root.lookupType('onnx.ModelProto');
  const model = Model.toObject(Model.decode(bytes), { longs: Number, defaults: false }) as Parameters<typeof edit>[0];
  edit(model);
  return Model.encode(Model.fromObject(model)).finish();
}

describe('ONNX import of the Keras graphs tf2onnx writes', () => {
  it('reads a dense MLP: Reshape by a shape initializer, MatMul + Add, Softmax, the closing Identity', () => {
    const imported = expectKerasOutputs('keras-mlp');
    expect(imported.spec).toEqual({
      inputSize: 784,
      layers: [
        { units: 32, activation: 'relu' },
        { units: 10, activation: 'softmax' },
      ],
      loss: 'cross-entropy',
      init: 'xavier',
    });
    expect(imported.inputShape).toEqual([28, 28]);
    expect(imported.scaling).toBeUndefined();
  });

  it('reads a CNN of NHWC input: its Rescaling, the Transpose to NCHW, and the flatten in H, W, C order before the dense layer', () => {
    const imported = expectKerasOutputs('keras-cnn');
    expect(imported.spec).toEqual({
      inputSize: 144,
      inputShape: { channels: 1, height: 12, width: 12 },
      layers: [
        { kind: 'conv', filters: 4, kernel: 3, stride: 1, padding: 'valid', activation: 'relu' },
        { kind: 'maxpool', size: 2, stride: 2 },
        { units: 12, activation: 'relu' },
        { units: 10, activation: 'softmax' },
      ],
      loss: 'cross-entropy',
      init: 'he',
    });
    expect(imported.inputShape).toEqual([12, 12]);
    // Keras's Rescaling(1/255) as a leading Mul: the file carries its scaling.
    expect(imported.scaling).toBeDefined();
    expect(scaleSample(imported.scaling!, [255])[0]).toBeCloseTo(1, 6);
  });

  it("reads a CNN of a three-channel NHWC input: Fathom feeds images channels-first, so the network takes 3 × 12 × 12 and gives Keras's outputs", () => {
    const imported = expectKerasOutputs('keras-cnn-rgb');
    expect(imported.spec.inputShape).toEqual({ channels: 3, height: 12, width: 12 });
    expect(imported.spec.inputSize).toBe(432);
    expect(imported.inputShape).toEqual([3, 12, 12]);
    expect(imported.spec.layers[0]).toEqual({ kind: 'conv', filters: 4, kernel: 3, stride: 1, padding: 'valid', activation: 'relu' });
  });

  it('refuses a Transpose of another order, and a layer on a channels-last image, by name and type', () => {
    const otherPerm = edited(fixture('keras-cnn'), (m) => {
      m.graph.node.find((n) => n.op_type === 'Transpose')!.attribute[0]!.ints = [0, 2, 1, 3];
    });
    expect(() => importOnnx(otherPerm, 'k.onnx')).toThrow(
      /node "sequential\/conv2d\/BiasAdd__6" \(Transpose\) transposes by \[0, 2, 1, 3\]; Fathom reads the Transposes of a Keras model only/,
    );
    // The Transpose back to channels-last moved before the max-pool: a layer would slide over a channels-last image.
    const pooledLast = edited(fixture('keras-cnn'), (m) => {
      const nodes = m.graph.node as unknown as { op_type: string; input: string[]; output: string[] }[];
      const pool = nodes.findIndex((n) => n.op_type === 'MaxPool');
      const back = nodes.findIndex((n, i) => n.op_type === 'Transpose' && i > pool);
      const [p, t] = [nodes[pool]!, nodes[back]!];
      // relu → transpose → pool → reshape
      const reluOut = p.input[0]!;
      const reshape = nodes[back + 1]!;
      t.input = [reluOut];
      p.input = [t.output[0]!];
      reshape.input = [p.output[0]!, reshape.input[1]!];
      nodes.splice(back, 1);
      nodes.splice(pool, 0, t);
    });
    expect(() => importOnnx(pooledLast, 'k.onnx')).toThrow(
      /node "sequential\/max_pooling2d\/MaxPool" \(MaxPool\) takes a channels-last image/,
    );
  });
});
