import { describe, expect, it } from 'vitest';
import { toSamples } from '../../../core/data/classification';
import { byteTable, inputRowReader } from '../../../core/data/rows';
import { fitScaling, type ScalingKind, type ScalingPer } from '../../../core/data/scaling';
import { shuffledRows } from '../../../core/engine/batch-rows';
import { Network } from '../../../core/engine/network';
import { Rng } from '../../../core/engine/rng';
import { Trainer } from '../../../core/engine/trainer';
import { selectKernels } from '../../../core/engine/wasm/select';
import { BACKENDS } from './reference-kernels';
import { settings } from './helpers';

/** Image-like bytes: runs of zeros (whole 16-byte blocks among them) and strokes of any grey level. */
function imageBytes(count: number, width: number, seed: number): Uint8Array {
  const rng = new Rng(seed);
  const values = new Uint8Array(count * width);
  let on = false;
  for (let i = 0; i < values.length; i++) {
    if (i % 5 === 0) on = rng.uniform() < 0.3;
    if (on) values[i] = rng.int(256);
  }
  values[width + 1] = 255;
  return values;
}

const labelsOf = (count: number) => Uint8Array.from({ length: count }, (_, i) => i % 4);

describe.each(BACKENDS)('gatherRows on backend %s', (name) => {
  it('writes table[byte] for the rows in order, bit for bit, at any width and offset, placed or not', () => {
    const k = selectKernels(name);
    const rng = new Rng(3);
    const table = Float32Array.from({ length: 256 }, () => rng.normal());
    for (const width of [1, 3, 15, 16, 17, 33, 784]) {
      const count = 9;
      const bytes = imageBytes(count, width, width);
      const order = Uint32Array.from([4, 0, 8, 8, 2, 7, 1, 3, 6, 5]);
      const expected = new Float32Array(2 + 5 * width);
      for (let r = 0; r < 5; r++) for (let j = 0; j < width; j++) expected[2 + r * width + j] = table[bytes[order[3 + r]! * width + j]!]!;
      for (const placed of [false, true]) {
        // Placed: the table and the rows where the backend writes without copying (wasm: its memory, the kernel's own path).
        const t = placed ? k.alloc(256) : table;
        t.set(table);
        const out = placed ? k.alloc(expected.length) : new Float32Array(expected.length);
        k.gatherRows(bytes, t, order, 3, 5, width, out, 2);
        expect(Array.from(out), `width ${width}, placed ${placed}`).toEqual(Array.from(expected));
      }
    }
  });
});

const SCALED: [ScalingKind, ScalingPer][] = [
  ['none', 'global'],
  ['min-max', 'global'],
  ['min-max-symmetric', 'global'],
  ['z-score', 'global'],
  ['min-max', 'feature'],
  ['unit-norm', 'global'],
];

describe.each(BACKENDS)('shuffled batch rows on backend %s', (name) => {
  it.each(SCALED)('%s (%s): a batch reads the rows inputRowReader reads, in the shuffled order', (kind, per) => {
    const k = selectKernels(name);
    const count = 23;
    const width = 37;
    const values = imageBytes(count, width, 11);
    const samples = toSamples(values, labelsOf(count), count, width, 4, fitScaling(kind, values, count, width, per));
    const globalMap = kind !== 'unit-norm' && (kind === 'none' || per === 'global');
    expect(byteTable(samples) !== undefined).toBe(globalMap);
    const { order, rows } = shuffledRows(samples, k);
    new Rng(4).shuffle(order);
    const net = Network.create(
      { inputSize: width, layers: [{ units: 4, activation: 'softmax' }], loss: 'cross-entropy', init: 'he' },
      new Rng(1),
      'float32',
      k,
    );
    const ws = net.workspace(7);
    const read = inputRowReader(samples);
    const expected = new Float32Array(7 * width);
    for (const from of [0, 7, 16]) {
      const n = Math.min(7, count - from);
      rows.load(ws, from, n);
      for (let r = 0; r < n; r++) read(order[from + r]!, expected, r * width);
      expect(Array.from(ws.a[0]!.subarray(0, n * width)), `rows from ${from}`).toEqual(Array.from(expected.subarray(0, n * width)));
      for (let r = 0; r < n; r++) {
        expect(Array.from(ws.y.subarray(r * 4, r * 4 + 4))).toEqual(
          Array.from(samples.targets.subarray(order[from + r]! * 4, order[from + r]! * 4 + 4)),
        );
        expect(rows.label!(from + r)).toBe(samples.labels![order[from + r]!]);
      }
    }
  });

  it('training on bytes gives exactly the weights of training on their float32 rows', () => {
    const count = 60;
    const width = 40;
    const values = imageBytes(count, width, 21);
    const samples = toSamples(values, labelsOf(count), count, width, 4, fitScaling('min-max', values, count, width));
    // A spread copy drops the bytes (raw is not enumerable): the same rows, read as float32.
    const floats = { ...samples, inputs: Float32Array.from(samples.inputs) };
    expect(floats.raw).toBeUndefined();
    const spec = {
      inputSize: width,
      layers: [
        { units: 8, activation: 'sigmoid' as const },
        { units: 4, activation: 'sigmoid' as const },
      ],
      loss: 'quadratic' as const,
      init: 'normal' as const,
    };
    const weights = [samples, floats].map((train) => {
      const net = Network.create(spec, new Rng(5), 'float32', selectKernels(name));
      new Trainer(net, { train }, settings({ batchSize: 10, epochs: 2, learningRate: 3 })).run();
      return net.w.map((w) => Array.from(w));
    });
    expect(weights[0]).toEqual(weights[1]);
  });
});
