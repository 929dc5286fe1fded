import { describe, expect, it } from 'vitest';
import { toSamples } from '../../../core/data/classification';
import { byteSamples, inputRowReader } from '../../../core/data/rows';
import { applyScaling, fitScaling, SCALINGS, SCALING_PERS } from '../../../core/data/scaling';
import { firstRows } from '../../../core/data/subset';
import { Rng } from '../../../core/engine/rng';

const WIDTH = 12;
const COUNT = 9;

/** Bytes like an image's: mostly zeros, a few strokes, one blank row (unit-norm leaves it zero). */
function bytes(): Uint8Array {
  const rng = new Rng(5);
  const values = new Uint8Array(COUNT * WIDTH);
  for (let i = WIDTH; i < values.length; i++) if (rng.uniform() < 0.4) values[i] = rng.int(256);
  values[WIDTH + 3] = 255;
  return values;
}

const labels = Uint8Array.from({ length: COUNT }, (_, i) => i % 3);

describe('byte-backed samples', () => {
  for (const kind of SCALINGS) {
    for (const per of SCALING_PERS) {
      it(`${kind} (${per}): every row read from the bytes equals applyScaling's row, bit for bit`, () => {
        const values = bytes();
        const scaling = fitScaling(kind, values, COUNT, WIDTH, per);
        const expected = applyScaling(scaling, Array.from(values), COUNT, WIDTH);
        const samples = toSamples(values, labels, COUNT, WIDTH, 3, scaling);
        expect(samples.raw).toBeDefined();
        const read = inputRowReader(samples);
        const out32 = new Float32Array(COUNT * WIDTH);
        const out64 = new Float64Array(COUNT * WIDTH);
        for (let s = COUNT - 1; s >= 0; s--) {
          read(s, out32, s * WIDTH);
          read(s, out64, s * WIDTH);
        }
        expect(Array.from(out32)).toEqual(Array.from(expected));
        // A float64 workspace gets the float32 values, as copying `inputs` into it would give.
        expect(Array.from(out64)).toEqual(Array.from(expected));
        expect(Array.from(samples.inputs)).toEqual(Array.from(expected));
      });
    }
  }

  it('makes the float32 inputs only when they are read, once', () => {
    const values = bytes();
    const samples = byteSamples(values, fitScaling('min-max', values, COUNT, WIDTH), {
      count: COUNT,
      inputSize: WIDTH,
      outputSize: 1,
      targets: new Float32Array(COUNT),
    });
    const first = samples.inputs;
    expect(samples.inputs).toBe(first);
    expect(first[WIDTH + 3]).toBe(1);
  });

  it('a spread copy with other inputs drops the bytes, so it reads the new inputs', () => {
    const values = bytes();
    const samples = toSamples(values, labels, COUNT, WIDTH, 3, fitScaling('none', values, COUNT, WIDTH));
    const other = new Float32Array(COUNT * WIDTH).fill(0.5);
    const copy = { ...samples, inputs: other };
    expect(copy.raw).toBeUndefined();
    const out = new Float32Array(WIDTH);
    inputRowReader(copy)(2, out, 0);
    expect(Array.from(out)).toEqual(new Array(WIDTH).fill(0.5));
  });

  it('the first rows of byte-backed samples stay byte-backed and read the same', () => {
    const values = bytes();
    const scaling = fitScaling('z-score', values, COUNT, WIDTH);
    const samples = toSamples(values, labels, COUNT, WIDTH, 3, scaling);
    const head = firstRows(samples, 4);
    expect(head.raw?.values.length).toBe(4 * WIDTH);
    expect(head.count).toBe(4);
    expect(Array.from(head.labels!)).toEqual([0, 1, 2, 0]);
    expect(Array.from(head.inputs)).toEqual(Array.from(samples.inputs.subarray(0, 4 * WIDTH)));
  });

  it('float inputs are copied as they are', () => {
    const inputs = Float32Array.from({ length: 3 * 2 }, (_, i) => i / 7);
    const samples = toSamples(inputs, Uint8Array.of(0, 1, 0), 3, 2, 2, { kind: 'none' });
    expect(samples.raw).toBeUndefined();
    const out = new Float32Array(2);
    inputRowReader(samples)(1, out, 0);
    expect(Array.from(out)).toEqual(Array.from(inputs.subarray(2, 4)));
  });
});
