/**
 * Building a model file from a trained Network, and reading one back with every check a file from
 * disk needs. Pure: no Node API, so the renderer can read a model the user drops on the window.
 * About 370 lines: every check of the format (schema, sizes, finite values, in steps) sits beside the
 * builder it mirrors, so the format is written and checked in one place.
 */
import type { z } from 'zod';
import type { ScalingParams } from '../data/scaling';
import type { FloatArray } from '../engine/activations';
import { Network } from '../engine/network';
import { layerNumber as bookLayer } from '../engine/notation';
import { isDense, type LayerSpec, type TrainSettings } from '../engine/spec';
import { layerSizes, parameterShapes } from '../engine/shapes';
import { specProblems } from '../engine/validate';
import { Base64Error, DECODE_STEP, decodeFloat32Steps, encodeFloat32, runSteps } from './base64-float32';
import { ModelFileError } from './errors';
import { MODEL_FORMAT, MODEL_VERSION, modelFileSchema } from './format';
import type { DatasetInfo, ModelFile, ModelOrigin, SavedEpoch, SavedLayerParameters } from './format';

export interface ModelMeta {
  scaling: ScalingParams;
  settings: TrainSettings;
  dataset: DatasetInfo;
  /** The epochs so far; the engine's EpochReport[] fits, and so does a loaded file's history. */
  history: readonly SavedEpoch[];
  appVersion: string;
  /** Default: now. */
  createdAt?: string;
  /** The model file a run started from. */
  startedFrom?: ModelOrigin;
}

export interface LoadedModel {
  file: ModelFile;
  /** A float32 network with the file's weights and biases. */
  net: Network;
}

/**
 * The model file for a network and what is known about its training. Weights are stored as
 * float32 (a float64 network is rounded). Throws ModelFileError if the result would not read back,
 * e.g. 'non-finite' for weights that diverged to NaN.
 */
export function buildModelFile(net: Network, meta: ModelMeta): ModelFile {
  const source = 'the network being saved';
  checkParametersFinite(net, source);
  const { spec } = net;
  const { settings } = meta;
  const file: ModelFile = {
    format: MODEL_FORMAT,
    version: spec.layers.every(isDense) && !spec.inputShape ? 1 : MODEL_VERSION,
    spec: {
      inputSize: spec.inputSize,
      ...(spec.inputShape ? { inputShape: { ...spec.inputShape } } : {}),
      layers: spec.layers.map(savedLayer),
      loss: spec.loss,
      init: spec.init,
    },
    scaling: structuredClone(meta.scaling),
    settings: { ...settings, stop: { ...settings.stop } },
    dataset: structuredClone(meta.dataset),
    history: meta.history.map(savedEpoch),
    createdAt: meta.createdAt ?? new Date().toISOString(),
    appVersion: meta.appVersion,
    parameters: [],
    ...(meta.startedFrom ? { startedFrom: { ...meta.startedFrom } } : {}),
  };
  for (let l = 1; l <= net.L; l++) {
    const saved: SavedLayerParameters = { weights: encodeFloat32(net.w[l]!), biases: encodeFloat32(net.b[l]!) };
    if (net.state.mean[l]!.length > 0) {
      saved.runningMean = encodeFloat32(net.state.mean[l]!);
      saved.runningVariance = encodeFloat32(net.state.variance[l]!);
    }
    file.parameters.push(saved);
  }
  checkModel(file, source); // the same checks as reading, so nothing is saved that cannot be loaded
  return file;
}

/** A layer as saved: dense layers keep the two keys of version-1 files, the others their kind's keys. */
function savedLayer(layer: LayerSpec): LayerSpec {
  if (isDense(layer)) return { units: layer.units, activation: layer.activation };
  return { ...layer };
}

/** Parses and checks the text of a `.fathom.json` file; `source` (a file name) starts every error message. */
export function readModelFile(text: string, source = 'model file'): LoadedModel {
  return validateModelFile(parseJson(text, source), source);
}

/** Checks already-parsed JSON (e.g. an IPC payload) as readModelFile does, and builds the network. */
export function validateModelFile(json: unknown, source = 'model file'): LoadedModel {
  return toLoaded(checkModel(json, source));
}

/** Long strings a parse left out as placeholders (model-json.ts): their bytes, and the string itself when asked for. */
export interface LongStrings {
  bytesOf(text: string): Uint8Array | undefined;
  stringOf(text: string): string;
}

/**
 * validateModelFile that awaits `pause()` between steps of about a millisecond of work (a layer's
 * base64 is decoded a megabyte at a time, straight into the network's own arrays), so checking a
 * model of hundreds of megabytes never holds the thread that awaits it for more than a step.
 * With `long`, weights left out of the parse are decoded from their bytes, and the file's weight
 * strings are made only when something reads them (a save).
 */
export async function validateModelFileStepped(
  json: unknown,
  source: string,
  pause: () => Promise<void>,
  long?: LongStrings,
): Promise<LoadedModel> {
  const steps = checkModelSteps(json, source, { intoNetwork: true, ...(long ? { long } : {}) });
  for (;;) {
    const next = steps.next();
    if (next.done) return toLoaded(next.value);
    await pause();
  }
}

function toLoaded({ file, w, b, state, net }: CheckedModel): LoadedModel {
  if (net) return { file, net };
  const built = new Network(file.spec);
  built.setParameters(w, b);
  built.setState(state);
  return { file, net: built };
}

/** Replaces a placeholder property by one that makes its string on first read (and then keeps it). */
function lazyString(holder: object, key: string, make: () => string): void {
  Object.defineProperty(holder, key, {
    enumerable: true,
    configurable: true,
    get() {
      const value = make();
      Object.defineProperty(holder, key, { value, enumerable: true, configurable: true, writable: true });
      return value;
    },
    set(value: unknown) {
      Object.defineProperty(holder, key, { value, enumerable: true, configurable: true, writable: true });
    },
  });
}

function parseJson(text: string, source: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // a byte-order mark some editors add
  if (body.trim() === '') throw emptyModelFile(source);
  try {
    return JSON.parse(body);
  } catch (err) {
    throw modelJsonError(err as Error, source, body.trimEnd().length);
  }
}

/** The error for a file holding nothing but white space. */
export function emptyModelFile(source: string): ModelFileError {
  return new ModelFileError('truncated', source, 'the file is empty; it was probably cut off before anything was written');
}

/** JSON.parse's error as a ModelFileError: 'truncated' when it stopped at `end` (the text's length without trailing space). */
export function modelJsonError(err: Error, source: string, end: number): ModelFileError {
  const message = err.message;
  const position = /position (\d+)/.exec(message);
  if (/end of (JSON input|data)/i.test(message) || (position && Number(position[1]) >= end))
    return new ModelFileError(
      'truncated',
      source,
      `the JSON stops in the middle of a value at character ${end}, so the file looks truncated (cut off while being written or copied)`,
    );
  return new ModelFileError('not-json', source, `this is not valid JSON (${message})`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** 'spec.layers[1].units' from zod's path. */
function pathText(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) text += typeof key === 'number' ? `[${key}]` : `${text ? '.' : ''}${String(key)}`;
  return text;
}

function schemaError(json: unknown, issues: z.core.$ZodIssue[], source: string): ModelFileError {
  const issue = issues[0]!;
  const path = pathText(issue.path);
  // Walk to the parent of the failing field to tell "missing" from "wrong".
  let parent: unknown = json;
  for (const key of issue.path.slice(0, -1)) parent = (parent as Record<PropertyKey, unknown> | undefined)?.[key as string];
  const last = issue.path.at(-1);
  const missing = last !== undefined && typeof parent === 'object' && parent !== null && !(last in parent);
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length === 2 ? '' : 's'})` : '';
  const detail = missing
    ? `the required field "${path}" is missing${more}`
    : `the field "${path || '(top level)'}" is invalid: ${issue.message}${more}`;
  return new ModelFileError('schema', source, detail, path);
}

interface CheckedModel {
  file: ModelFile;
  /** Indexed like Network.w and Network.b: [0] is empty. */
  w: Float32Array[];
  b: Float32Array[];
  /** Batchnorm's running statistics, indexed like w (empty for other layers). */
  state: { mean: Float32Array[]; variance: Float32Array[] };
  /** The network the weights were decoded into, when asked for. */
  net?: Network;
}

interface CheckOptions {
  /** Decode into a Network built from the spec (a load); without, into fresh arrays (a save's check). */
  intoNetwork?: boolean;
  long?: LongStrings;
}

/** Everything short of building the Network: format, version, schema, spec, shapes, finite values. */
function checkModel(json: unknown, source: string): CheckedModel {
  return runSteps(checkModelSteps(json, source));
}

/** checkModel as steps: it yields between pieces of work (see validateModelFileStepped). */
function* checkModelSteps(json: unknown, source: string, options: CheckOptions = {}): Generator<void, CheckedModel> {
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new ModelFileError(
      'wrong-format',
      source,
      `this is not a Fathom model file (the JSON is ${describe(json)}, not an object with "format": "${MODEL_FORMAT}")`,
    );
  const { format, version } = json as { format?: unknown; version?: unknown };
  if (format !== MODEL_FORMAT)
    throw new ModelFileError(
      'wrong-format',
      source,
      format === undefined
        ? `this is not a Fathom model file (it has no "format" field; expected "${MODEL_FORMAT}")`
        : `this is not a Fathom model file (its format is ${describe(format)}; expected "${MODEL_FORMAT}")`,
      'format',
    );
  if (typeof version === 'number' && Number.isInteger(version) && version > MODEL_VERSION)
    throw new ModelFileError(
      'newer-version',
      source,
      `it was written by a newer Fathom (format version ${version}; this one reads up to ${MODEL_VERSION}), so update Fathom to open it`,
      'version',
    );
  const parsed = modelFileSchema.safeParse(json);
  if (!parsed.success) throw schemaError(json, parsed.error.issues, source);
  const file = parsed.data;

  const problem = specProblems(file.spec)[0];
  if (problem)
    throw new ModelFileError(
      'bad-spec',
      source,
      `its network spec cannot be built (spec.${problem.field}): ${problem.message}`,
      `spec.${problem.field}`,
    );

  if (file.version === 1 && (file.spec.inputShape || !file.spec.layers.every(isDense)))
    throw new ModelFileError(
      'schema',
      source,
      'a version-1 model file holds dense layers only; convolution, pooling, dropout and batchnorm need version 2',
      'version',
    );
  const sizes = layerSizes(file.spec);
  const shapes = parameterShapes(file.spec);
  const L = file.spec.layers.length;
  const mismatch = (detail: string, path: string) => new ModelFileError('shape-mismatch', source, detail, path);
  if (file.parameters.length !== L)
    throw mismatch(
      `it holds parameters for ${file.parameters.length} layer${file.parameters.length === 1 ? '' : 's'}, but its spec describes ${L}`,
      'parameters',
    );

  const w: Float32Array[] = [new Float32Array(0)];
  const b: Float32Array[] = [new Float32Array(0)];
  const state: CheckedModel['state'] = { mean: [new Float32Array(0)], variance: [new Float32Array(0)] };
  const { long } = options;
  const net = options.intoNetwork ? new Network(file.spec) : undefined;
  for (let l = 1; l <= L; l++) {
    const n = sizes[l]!;
    const nPrev = sizes[l - 1]!;
    const decode = function* (
      kind: 'weights' | 'biases' | 'runningMean' | 'runningVariance',
      expected: number,
      shape: string,
      into: Float32Array | undefined,
    ): Generator<void, Float32Array> {
      const path = `parameters[${l - 1}].${kind}`;
      const label = `layer ${bookLayer(l)} ${kind} (${path})`;
      const text = file.parameters[l - 1]![kind];
      if (text === undefined) throw mismatch(`${label}: missing (a batchnorm layer stores its running statistics)`, path);
      let values: Float32Array;
      try {
        values = yield* decodeFloat32Steps(long?.bytesOf(text) ?? text, DECODE_STEP, into);
      } catch (err) {
        if (!(err instanceof Base64Error)) throw err;
        throw new ModelFileError('bad-base64', source, `${label} are not base64 float32 data: ${err.message}`, path);
      }
      if (values.length !== expected) throw mismatch(`${label}: expected ${shape} floats, found ${values.length}`, path);
      checkFinite(values, l, kind, kind === 'weights' && dense ? nPrev : 1, source);
      return values;
    };
    const p = shapes[l]!;
    const dense = isDense(file.spec.layers[l - 1]!);
    w.push(
      yield* decode('weights', p.weights, dense ? `${n}×${nPrev} = ${n * nPrev}` : `${p.weights}`, net?.w[l] as Float32Array | undefined),
    );
    b.push(yield* decode('biases', p.biases, `${p.biases}`, net?.b[l] as Float32Array | undefined));
    if (p.state > 0) {
      state.mean.push(yield* decode('runningMean', p.state, `${p.state}`, net?.state.mean[l] as Float32Array | undefined));
      state.variance.push(yield* decode('runningVariance', p.state, `${p.state}`, net?.state.variance[l] as Float32Array | undefined));
    } else {
      state.mean.push(new Float32Array(0));
      state.variance.push(new Float32Array(0));
    }
    yield;
  }

  const { dataset, scaling } = file;
  const inputs = dataset.inputShape.reduce((p, d) => p * d, 1);
  if (inputs !== file.spec.inputSize)
    throw mismatch(
      `dataset.inputShape [${dataset.inputShape.join(', ')}] holds ${inputs} inputs, but the network's input layer has ${file.spec.inputSize}`,
      'dataset.inputShape',
    );
  if (dataset.classes.length > 0 && dataset.classes.length !== sizes[L])
    throw mismatch(
      `dataset.classes names ${dataset.classes.length} classes, but the output layer has ${sizes[L]} units`,
      'dataset.classes',
    );
  if ((scaling.kind === 'min-max' || scaling.kind === 'min-max-symmetric' || scaling.kind === 'z-score') && scaling.per === 'feature') {
    const count = scaling.kind === 'z-score' ? scaling.mean.length : scaling.min.length;
    if (count !== file.spec.inputSize)
      throw mismatch(`the per-feature scaling has statistics for ${count} inputs, but the network has ${file.spec.inputSize}`, 'scaling');
  }
  file.history.forEach((epoch, i) => {
    if (epoch.layers.length !== L)
      throw mismatch(`history[${i}] reports ${epoch.layers.length} layers, but the network has ${L}`, `history[${i}].layers`);
  });
  if (long) {
    for (const layer of file.parameters) {
      for (const kind of ['weights', 'biases'] as const) {
        const text = layer[kind];
        if (long.bytesOf(text) !== undefined) lazyString(layer, kind, () => long.stringOf(text));
      }
    }
  }
  return { file, w, b, state, ...(net ? { net } : {}) };
}

/** Throws ModelFileError 'non-finite' if any weight or bias of the network is NaN or ±Infinity. */
export function checkParametersFinite(net: Network, source: string): void {
  for (let l = 1; l <= net.L; l++) {
    checkFinite(net.w[l]!, l, 'weights', net.sizes[l - 1]!, source);
    checkFinite(net.b[l]!, l, 'biases', 1, source);
  }
}

/** Throws 'non-finite' at the first NaN or ±Infinity, naming its row and column. */
function checkFinite(
  values: FloatArray,
  l: number,
  kind: 'weights' | 'biases' | 'runningMean' | 'runningVariance',
  cols: number,
  source: string,
): void {
  let first = -1;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) {
      if (first < 0) first = i;
      count++;
    }
  }
  if (first < 0) return;
  const where = kind === 'weights' ? `row ${Math.floor(first / cols)}, column ${first % cols}` : `unit ${first}`;
  const path = `parameters[${l - 1}].${kind}`;
  throw new ModelFileError(
    'non-finite',
    source,
    `layer ${bookLayer(l)} ${kind} (${path}) hold ${count} value${count === 1 ? '' : 's'} that ${count === 1 ? 'is' : 'are'} not a finite number, the first ${values[first]} at ${where} (index ${first})`,
    path,
  );
}

const finiteOrNull = (x: number | null | undefined): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

/** An EpochReport (or a loaded SavedEpoch) as stored: known fields only, non-finite numbers as null. */
function savedEpoch(report: SavedEpoch): SavedEpoch {
  const saved: SavedEpoch = {
    epoch: report.epoch,
    trainLoss: finiteOrNull(report.trainLoss),
    trainAccuracy: finiteOrNull(report.trainAccuracy),
    samplesPerSecond: finiteOrNull(report.samplesPerSecond) ?? 0,
    seconds: finiteOrNull(report.seconds) ?? 0,
    layers: report.layers.map((m) => ({
      layer: m.layer,
      gradientNorm: finiteOrNull(m.gradientNorm),
      weightNorm: finiteOrNull(m.weightNorm),
      saturated: finiteOrNull(m.saturated),
      dead: finiteOrNull(m.dead),
    })),
  };
  if (report.validationLoss !== undefined) saved.validationLoss = finiteOrNull(report.validationLoss);
  if (report.validationAccuracy !== undefined) saved.validationAccuracy = finiteOrNull(report.validationAccuracy);
  if (report.testLoss !== undefined) saved.testLoss = finiteOrNull(report.testLoss);
  if (report.testAccuracy !== undefined) saved.testAccuracy = finiteOrNull(report.testAccuracy);
  if (report.isBest !== undefined) saved.isBest = report.isBest;
  if (report.stopReason !== undefined) saved.stopReason = report.stopReason;
  if (report.nonFinite !== undefined) saved.nonFinite = { ...report.nonFinite };
  return saved;
}
