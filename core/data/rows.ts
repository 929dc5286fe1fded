/**
 * How the engine reads input rows: from the scaled float32 inputs, or, for samples that keep
 * their inputs as bytes, scaled from the bytes as the row is read (MNIST's training set is 47 MB
 * as bytes, 188 MB as float32). Both give the same numbers. Pure.
 */
import type { RawInputs, Samples } from './dataset';
import { applyScaling, rowScaler, type ScalingParams } from './scaling';

/** Writes the scaled input row of sample `s` to out[at…at + inputSize). */
export type InputRowReader = (s: number, out: Float32Array | Float64Array, at: number) => void;

/** The reader of `samples`' input rows; make it once per split (it holds one view per row for the float32 case). */
export function inputRowReader(samples: Samples): InputRowReader {
  const width = samples.inputSize;
  const raw = samples.raw;
  if (raw) {
    const { values, scaleRow } = raw;
    return (s, out, at) => scaleRow(values, s * width, out, at);
  }
  // One view per row, made on first use: set() from it is a memcpy, with no view allocated per row.
  let views: Float32Array[] | undefined;
  return (s, out, at) => {
    views ??= Array.from({ length: samples.count }, (_, r) => samples.inputs.subarray(r * width, (r + 1) * width));
    out.set(views[s]!, at);
  };
}

/**
 * Samples whose inputs stay the bytes `values` (count × inputSize): `inputs` is scaled from them
 * on first read only (and kept), rows are scaled as the engine reads them.
 */
export function byteSamples(values: Uint8Array, scaling: ScalingParams, fields: Omit<Samples, 'inputs' | 'raw'>): Samples {
  const { count, inputSize } = fields;
  const raw: RawInputs = { values: values.subarray(0, count * inputSize), scaling, scaleRow: rowScaler(scaling, inputSize, true) };
  let inputs: Float32Array | undefined;
  const samples = { ...fields } as Samples;
  Object.defineProperty(samples, 'inputs', {
    enumerable: true,
    get: () => (inputs ??= applyScaling(scaling, raw.values, count, inputSize)),
  });
  // Not enumerable: a copy made by spreading ({ ...samples, inputs: other }) reads `inputs` and
  // drops `raw`, so it can never pair new inputs with the old bytes.
  Object.defineProperty(samples, 'raw', { enumerable: false, value: raw });
  return samples;
}

/**
 * The scaled value of each byte 0…255 when every input of `samples` is scaled by the same map of
 * its own value (kept as bytes, scaling 'none' or a global affine one): then a row reads
 * out[j] = table[byte[j]], the very numbers its RowScaler writes. Undefined otherwise.
 */
export function byteTable(samples: Samples): Float32Array | undefined {
  const raw = samples.raw;
  if (!raw) return undefined;
  const { scaling, scaleRow } = raw;
  if (scaling.kind === 'unit-norm' || (scaling.kind !== 'none' && scaling.per !== 'global')) return undefined;
  const width = samples.inputSize;
  const row = new Uint8Array(width);
  const out = new Float32Array(width);
  const table = new Float32Array(256);
  for (let v = 0; v < 256; v++) {
    row.fill(v);
    scaleRow(row, 0, out, 0);
    table[v] = out[0]!;
  }
  return table;
}
