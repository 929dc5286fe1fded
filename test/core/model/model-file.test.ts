import { describe, expect, it } from 'vitest';
import { encodeFloat32 } from '../../../core/model/base64-float32';
import { ModelFileError, type ModelFileErrorCode } from '../../../core/model/errors';
import { MODEL_FORMAT, MODEL_VERSION, modelFileSchema, type ModelFile } from '../../../core/model/format';
import { buildModelFile, readModelFile } from '../../../core/model/model-file';
import { Network } from '../../../core/engine/network';
import { Rng } from '../../../core/engine/rng';
import type { NetworkSpec } from '../../../core/engine/spec';
import { SPEC, trainedSmall } from './fixtures';

const bits = (a: ArrayLike<number>): number[] => Array.from(new Uint32Array(Float32Array.from(a).buffer));

/** The error readModelFile throws for `text`. */
function failure(text: string, source = 'm.fathom.json'): ModelFileError {
  try {
    readModelFile(text, source);
  } catch (err) {
    expect(err).toBeInstanceOf(ModelFileError);
    return err as ModelFileError;
  }
  throw new Error('expected readModelFile to throw');
}

describe('model file round trip', () => {
  const { net, meta, history, test } = trainedSmall();
  const file = buildModelFile(net, meta);
  const text = JSON.stringify(file);

  it('writes format, version, spec, metadata and one parameters entry per layer', () => {
    expect(file).toMatchObject({ format: 'fathom-model', version: 1, spec: SPEC, appVersion: '0.1.0-test', createdAt: meta.createdAt });
    expect(MODEL_FORMAT).toBe('fathom-model');
    expect(MODEL_VERSION).toBe(2);
    expect(file.parameters).toHaveLength(2);
    expect(file.history).toHaveLength(history.length);
    expect(file.history[0]).toMatchObject({ epoch: 1, trainLoss: history[0]!.trainLoss, testAccuracy: history[0]!.testAccuracy });
    expect(modelFileSchema.safeParse(JSON.parse(text)).success).toBe(true);
  });

  it('reads back identical weights bit for bit and identical predictions', () => {
    const loaded = readModelFile(text);
    for (let l = 1; l <= net.L; l++) {
      expect(bits(loaded.net.w[l]!)).toEqual(bits(net.w[l]!));
      expect(bits(loaded.net.b[l]!)).toEqual(bits(net.b[l]!));
    }
    for (let i = 0; i < test.count; i++) {
      const x = test.inputs.subarray(i * 6, (i + 1) * 6);
      expect(bits(loaded.net.predict(x))).toEqual(bits(net.predict(x)));
    }
    expect(loaded.file).toEqual(JSON.parse(text));
    expect(loaded.net.spec).toEqual(SPEC);
  });

  it('stores w^l_jk row-major at j·units(l−1) + k, as Network.w does', () => {
    const tiny = new Network({ inputSize: 2, layers: [{ units: 3, activation: 'linear' }], loss: 'quadratic', init: 'normal' });
    tiny.setParameters([[], [11, 12, 21, 22, 31, 32]], [[], [1, 2, 3]]);
    const saved = buildModelFile(tiny, { ...meta, dataset: { ...meta.dataset, inputShape: [2], classes: [] }, history: [] });
    expect(saved.parameters[0]).toEqual({ weights: encodeFloat32([11, 12, 21, 22, 31, 32]), biases: encodeFloat32([1, 2, 3]) });
    expect(Array.from(readModelFile(JSON.stringify(saved)).net.predict([1, 0]))).toEqual([12, 23, 34]);
  });

  it('stores non-finite history values as null, since JSON has no NaN', () => {
    const diverged = [{ ...history[0]!, trainLoss: NaN, testLoss: Infinity }];
    const saved = buildModelFile(net, { ...meta, history: diverged });
    expect(saved.history[0]).toMatchObject({ trainLoss: null, testLoss: null });
    expect(readModelFile(JSON.stringify(saved)).file.history[0]!.trainLoss).toBeNull();
  });

  it('refuses to build a file from a network whose weights are NaN', () => {
    const broken = readModelFile(text).net;
    broken.w[2]![4] = NaN;
    expect(() => buildModelFile(broken, meta)).toThrow(
      /layer 3 weights \(parameters\[1\]\.weights\) hold 1 value that is not a finite number, the first NaN at row 0, column 4/,
    );
  });
});

describe('damaged model files', () => {
  const { net, meta } = trainedSmall();
  const good: ModelFile = buildModelFile(net, meta);
  const text = JSON.stringify(good, null, 1);
  /** The good file with a change, as text. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- edits reach anywhere in the parsed JSON
  const edit = (change: (f: Record<string, any>) => void): string => {
    const f = structuredClone(good) as Parameters<typeof change>[0];
    change(f);
    return JSON.stringify(f);
  };

  const cases: [string, string, ModelFileErrorCode, RegExp][] = [
    [
      'truncated text',
      text.slice(0, Math.floor(text.length * 0.6)),
      'truncated',
      /^m\.fathom\.json: the JSON stops in the middle of a value .* looks truncated/,
    ],
    ['truncated right after a value', text.slice(0, text.lastIndexOf('}')), 'truncated', /looks truncated/],
    ['an empty file', '', 'truncated', /the file is empty/],
    ['not JSON', 'PK\u0003\u0004 this is a zip', 'not-json', /^m\.fathom\.json: this is not valid JSON \(Unexpected token/],
    ['a JSON array', '[1, 2, 3]', 'wrong-format', /not a Fathom model file \(the JSON is an array/],
    [
      'another format name',
      edit((f) => (f.format = 'keras-model')),
      'wrong-format',
      /its format is "keras-model"; expected "fathom-model"/,
    ],
    ['no format at all', JSON.stringify({ layers: [] }), 'wrong-format', /it has no "format" field/],
    [
      'a newer version',
      edit((f) => (f.version = 3)),
      'newer-version',
      /written by a newer Fathom \(format version 3; this one reads up to 2\)/,
    ],
    ['version 0', edit((f) => (f.version = 0)), 'schema', /the field "version" is invalid/],
    ['a missing field', edit((f) => delete f.settings.learningRate), 'schema', /the required field "settings\.learningRate" is missing/],
    ['a missing section', edit((f) => delete f.scaling), 'schema', /the required field "scaling" is missing/],
    [
      'a wrong type',
      edit((f) => (f.spec.layers[1].units = '3')),
      'schema',
      /the field "spec\.layers\[1\]\.units" is invalid: .*expected number/,
    ],
    ['an unknown activation', edit((f) => (f.spec.layers[0].activation = 'swish')), 'schema', /"spec\.layers\[0\]\.activation" is invalid/],
    ['a bad date', edit((f) => (f.createdAt = 'yesterday')), 'schema', /"createdAt" is invalid/],
    [
      'a bad dataset hash',
      edit((f) => (f.dataset.files = [{ name: 'x', sha256: 'abc' }])),
      'schema',
      /"dataset\.files\[0\]\.sha256" is invalid: must be 64 lowercase hex digits/,
    ],
    [
      'malformed base64',
      edit((f) => (f.parameters[0].weights = f.parameters[0].weights.slice(0, -1))),
      'bad-base64',
      /layer 2 weights \(parameters\[0\]\.weights\) are not base64 float32 data: .*groups of 4/,
    ],
    ['base64 with a stray character', edit((f) => (f.parameters[1].biases = 'AAC*AAAA')), 'bad-base64', /layer 3 biases .* character "\*"/],
    [
      'bytes that are not whole floats',
      edit((f) => (f.parameters[0].biases = 'AAAAAAAA')),
      'bad-base64',
      /6 bytes, which is not a whole number of 4-byte floats/,
    ],
    [
      'one float missing',
      edit((f) => (f.parameters[0].weights = encodeFloat32(new Float32Array(29)))),
      'shape-mismatch',
      /layer 2 weights \(parameters\[0\]\.weights\): expected 5×6 = 30 floats, found 29/,
    ],
    [
      'too many biases',
      edit((f) => (f.parameters[1].biases = encodeFloat32([1, 2, 3, 4]))),
      'shape-mismatch',
      /layer 3 biases \(parameters\[1\]\.biases\): expected 3 floats, found 4/,
    ],
    [
      'a NaN weight',
      edit((f) => (f.parameters[0].weights = encodeFloat32(Float32Array.from({ length: 30 }, (_, i) => (i === 13 ? NaN : 0.1))))),
      'non-finite',
      /layer 2 weights .* the first NaN at row 2, column 1 \(index 13\)/,
    ],
    [
      'an infinite bias',
      edit((f) => (f.parameters[1].biases = encodeFloat32([0, -Infinity, Infinity]))),
      'non-finite',
      /layer 3 biases .* hold 2 values that are not a finite number, the first -Infinity at unit 1/,
    ],
    [
      'a layer more than the parameters',
      edit((f) => f.spec.layers.unshift({ units: 6, activation: 'relu' })),
      'shape-mismatch',
      /holds parameters for 2 layers, but its spec describes 3/,
    ],
    [
      'units not matching the weights',
      edit((f) => (f.spec.layers[0].units = 4)),
      'shape-mismatch',
      /layer 2 weights .*: expected 4×6 = 24 floats, found 30/,
    ],
    [
      'softmax on a hidden layer',
      edit((f) => (f.spec.layers[0].activation = 'softmax')),
      'bad-spec',
      /its network spec cannot be built \(spec\.layers\[0\]\.activation\): Softmax .* output layer only/,
    ],
    [
      'a loss that cannot work with the output',
      edit((f) => (f.spec.layers[1].activation = 'relu')),
      'bad-spec',
      /\(spec\.loss\): Categorical cross-entropy/,
    ],
    [
      'a dataset shape not matching the input layer',
      edit((f) => (f.dataset.inputShape = [2, 2])),
      'shape-mismatch',
      /dataset\.inputShape \[2, 2\] holds 4 inputs, but the network's input layer has 6/,
    ],
    [
      'per-feature scaling of the wrong width',
      edit((f) => (f.scaling = { kind: 'z-score', per: 'feature', mean: [0, 0], std: [1, 1] })),
      'shape-mismatch',
      /statistics for 2 inputs, but the network has 6/,
    ],
  ];

  it.each(cases)('rejects %s', (_name, damaged, code, message) => {
    const err = failure(damaged);
    expect(err.code).toBe(code);
    expect(err.message).toMatch(message);
    expect(err.message.split('\n')).toHaveLength(1);
  });

  it('names the path of the field at fault', () => {
    expect(failure(edit((f) => (f.settings.stop = { kind: 'early-stopping', patience: 0 }))).path).toBe('settings.stop.patience');
    expect(failure(edit((f) => (f.parameters[1].weights = 'AAAA'))).path).toBe('parameters[1].weights');
  });

  it('accepts a byte-order mark, trailing whitespace and unknown extra fields', () => {
    expect(readModelFile(`\uFEFF${text}\n\n`).net.L).toBe(2);
    expect(readModelFile(edit((f) => (f.comment = 'from a newer minor writer'))).file).not.toHaveProperty('comment');
  });

  it('builds nothing from a spec the engine refuses even when constructed directly', () => {
    expect(() => Network.create({ ...SPEC, layers: [{ units: 5, activation: 'softmax' }, ...SPEC.layers] }, new Rng(1))).toThrow(
      /output layer only/,
    );
  });
});

describe('model file version 2 (CNN layers)', () => {
  const cnn: NetworkSpec = {
    ...SPEC,
    inputShape: { channels: 1, height: 2, width: 3 },
    layers: [
      { kind: 'conv', filters: 3, kernel: 2, stride: 1, padding: 'same', activation: 'relu' },
      { kind: 'batchnorm' },
      { kind: 'maxpool', size: 2, stride: 1 },
      { kind: 'dropout', rate: 0.2 },
      { units: 3, activation: 'softmax' },
    ],
    loss: 'cross-entropy',
  };

  it('trains, saves as version 2 with the running statistics, and reads back the same predictions', () => {
    const { net, meta, test } = trainedSmall(cnn);
    const file = buildModelFile(net, meta);
    expect(file.version).toBe(2);
    expect(file.spec).toEqual(cnn);
    expect(file.parameters[1]).toMatchObject({ runningMean: expect.any(String), runningVariance: expect.any(String) });
    expect(file.parameters[0]!.runningMean).toBeUndefined();
    const loaded = readModelFile(JSON.stringify(file)).net;
    expect(bits(loaded.state.mean[2]!)).toEqual(bits(net.state.mean[2]!));
    expect(bits(loaded.state.variance[2]!)).toEqual(bits(net.state.variance[2]!));
    expect(Array.from(net.state.mean[2]!).some((m) => m !== 0)).toBe(true); // training moved them
    for (let i = 0; i < 5; i++) {
      const x = test.inputs.subarray(i * 6, (i + 1) * 6);
      expect(bits(loaded.predict(x))).toEqual(bits(net.predict(x)));
    }
  });

  it('refuses a version-1 file with CNN layers and a batchnorm layer without its statistics', () => {
    const { net, meta } = trainedSmall(cnn);
    const file = buildModelFile(net, meta);
    expect(failure(JSON.stringify({ ...file, version: 1 })).message).toMatch(/version-1 model file holds dense layers only/);
    const missing = structuredClone(file);
    delete missing.parameters[1]!.runningVariance;
    const err = failure(JSON.stringify(missing));
    expect(err.code).toBe('shape-mismatch');
    expect(err.message).toMatch(/parameters\[1\]\.runningVariance.*missing/);
  });
});
