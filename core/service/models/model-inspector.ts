/**
 * The models the lab holds open for inspection, and the maths on them behind the inspect verbs of
 * window.lab: weights, evaluation on the test set, activation traces and gradient checks.
 *
 * A model is opened from a `*.fathom.json` the user picks (through the main process's dialog) or
 * from a run's checkpoint; either way the file is read and checked by core/model, and a file that
 * fails any check changes nothing here. Each open model gets a `modelId`; at most `maxOpen` stay
 * open (opening one more closes the one opened longest ago). Every answer is plain data (pixels
 * and weights as typed arrays), within MAX_REPLY_BYTES.
 * See model-data.ts for why the maths runs on the main thread.
 *
 * About 400 lines: each inspect verb is a short method over the same table of open models (and the
 * checkpoints of their runs); the maths is in core/engine, core/inspect and model-data.ts.
 */
import { randomBytes } from 'node:crypto';
import { basename, join } from 'node:path';
import { scaleSample } from '../../data/scaling';
import { backendAgreement } from '../../engine/backend-check';
import { gradientCheck, type LayerGradientCheck } from '../../engine/gradcheck';
import type { Kernels } from '../../engine/kernels';
import { jsKernels } from '../../engine/kernels-js';
import type { Network } from '../../engine/network';
import { layerNumber } from '../../engine/notation';
import { layerActivation } from '../../engine/spec';
import { traceActivations } from '../../inspect/activations-trace';
import type {
  GradientCheckRequest,
  GradientCheckResult,
  LayerWeights,
  ModelEvaluation,
  ModelIdRequest,
  ModelSource,
  ModelSummary,
  OpenModelResult,
  OpenRunModelRequest,
  TestImages,
  TestImagesRequest,
  TraceRequest,
  TraceResult,
  WeightsRequest,
} from '../../lab/contract';
import { MAX_REPLY_BYTES, mistakesPerReply, testImagesPerCall } from '../../lab/contract';
import { ModelFileError } from '../../model/errors';
import { MODEL_EXTENSION } from '../../model/format';
import type { DatasetInfo as ModelDatasetInfo } from '../../model/format';
import type { LoadedModel } from '../../model/model-file';
import type { ScalingParams } from '../../data/scaling';
import { APP_VERSION } from '../../version';
import { ImportError } from '../../model/imports/errors';
import { isOnnxPath, loadOnnxModel } from '../../model/imports/import-files';
import { loadModelFile } from '../../model/model-files';
import { checkpointEpoch, checkpointName } from '../runs/checkpoints';
import { DATASETS } from '../datasets/built-in';
import { LabError } from '../errors';
import { builtInTestSplit, evaluateInChunks, matchDataset, scaledTestSplit, testSample } from './model-data';
import type { TestSplit } from './model-data';

/** The scaling an ONNX model without its own is opened with: raw pixels 0–255 into [0, 1], as Fathom scales MNIST. */
const RAW_PIXELS: ScalingParams = { kind: 'min-max', per: 'global', min: [0], max: [255] };
/** What the inspector needs to know about a run's saved models (file names inside `dir`). */
export interface RunModelFiles {
  runName: string;
  dir: string;
  latestModel?: string;
  bestModel?: string;
  checkpoints: string[];
}

export interface ModelInspectorOptions {
  /** The main process's open dialog; null when the user cancels. */
  chooseOpenPath(): Promise<string | null>;
  /** A run's model files, once every write asked for so far has finished; throws for an unknown run. */
  runFiles(runId: string): Promise<RunModelFiles>;
  /** SHA-256 of a file (cached by the caller), to recognise a model's dataset. */
  sha256(path: string): Promise<string>;
  /** Models kept open at once; default 8. */
  maxOpen?: number;
  /** The dataset library, to evaluate models trained on the person's own data; absent = built-in data only. */
  library?: LibraryTestData;
  /** The kernels runs train with (a fresh instance per call), for the gradient check's second part; default the js kernels. */
  trainingKernels?: () => Kernels;
  /** Bytes the list of mistakes may take in a reply; default MISTAKES_REPLY_BYTES (smaller in tests). */
  mistakesReplyBytes?: number;
}

/** What the inspector needs of the dataset library. */
export interface LibraryTestData {
  /** The library dataset holding the files a model names (by SHA-256), or null. */
  match(info: ModelDatasetInfo): Promise<string | null>;
  /** A library classification dataset's raw test split; a LabError for a regression dataset or an unknown id. */
  testSplit(datasetId: string): Promise<TestSplit>;
}

/** Parameters one getWeights call may return (a 2,000 × 2,000 layer, 16 MB of float32, within MAX_REPLY_BYTES): larger layers are refused. */
export const MAX_WEIGHTS_PER_CALL = 4_000_000;
/** Finite-difference step of the gradient check: small enough for the Taylor error, large enough for float64 rounding. */
export const GRADIENT_CHECK_H = 1e-5;
/**
 * Parameters checked per layer, spread evenly over its weights and biases: as many as fit a budget
 * of multiply-adds (each one costs two forward passes of the whole network), between 20 and 200.
 * Many are needed in the first layer: with only 20 spread over 784 × 30 weights, every one lands on
 * a pixel at the image's edge, which is never inked, so its slope is 0 both ways and proves nothing.
 */
export function gradientCheckPerLayer(net: Network): number {
  const BUDGET = 50_000_000;
  return Math.max(20, Math.min(200, Math.floor(BUDGET / (2 * net.L * net.parameterCount()))));
}
/** Of the checked parameters, how many are returned for display (the largest gradients). */
export const GRADIENT_CHECK_SHOWN = 4;
/** Checkpoint networks of a run kept loaded per model, for sliding back and forth over epochs. */
const CHECKPOINT_CACHE = 6;

interface OpenModel {
  summary: ModelSummary;
  net: Network;
  /** The file the model was read from, as read (Save model and Export ONNX write it again). */
  file: LoadedModel['file'];
  runId?: string;
  evaluation?: Promise<ModelEvaluation>;
  /** Checkpoint epoch → its network, most recently used last. */
  checkpoints: Map<number, Network>;
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
const formatMB = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MB`;

export class ModelInspector {
  private readonly models = new Map<string, OpenModel>();
  private readonly maxOpen: number;

  constructor(private readonly options: ModelInspectorOptions) {
    this.maxOpen = Math.max(1, options.maxOpen ?? 8);
  }

  /** Asks for a model file and opens it; a refused file is reported (with core/model's message) and changes nothing. */
  async openFile(): Promise<OpenModelResult> {
    const path = await this.options.chooseOpenPath();
    if (path === null) return { status: 'cancelled' };
    return this.openPath(path);
  }

  /** Opens the model file at `path`; a refused file is reported (with core/model's message) and changes nothing. */
  async openPath(path: string): Promise<Exclude<OpenModelResult, { status: 'cancelled' }>> {
    let loaded: LoadedModel;
    try {
      // An ONNX model made elsewhere opens too (core/model/imports); without its own scaling it is taken to read raw 0–255 pixels.
      loaded = isOnnxPath(path)
        ? (await loadOnnxModel(path, APP_VERSION, () => Promise.resolve(RAW_PIXELS))).model
        : await loadModelFile(path);
    } catch (err) {
      if (err instanceof ImportError) return { status: 'failed', code: 'wrong-format', message: err.message.replace(path, basename(path)) };
      if (!(err instanceof ModelFileError)) throw err;
      // The message starts with the full path; the file name says the same and reads better.
      const message = err.message.startsWith(path) ? `${basename(path)}${err.message.slice(path.length)}` : err.message;
      return { status: 'failed', code: err.code, message };
    }
    const fileName = basename(path);
    const name = fileName.endsWith(MODEL_EXTENSION) ? fileName.slice(0, -MODEL_EXTENSION.length) : fileName.replace(/\.onnx$/i, '');
    const model = await this.add(loaded, name, { kind: 'file', fileName, path }, []);
    return { status: 'opened', model: structuredClone(model.summary) };
  }

  /** Opens a run's latest checkpoint, its best one, or the one of a given epoch. */
  async openRun({ runId, epoch, best }: OpenRunModelRequest): Promise<ModelSummary> {
    const files = await this.options.runFiles(runId);
    const epochs = checkpointEpochs(files);
    let fileName: string | undefined;
    let checkpoint: 'latest' | 'best' | 'epoch';
    if (best) {
      checkpoint = 'best';
      fileName = files.bestModel;
      if (!fileName)
        throw new LabError('no-weights', `Run "${files.runName}" has no best checkpoint yet: it is written at the end of the first epoch.`);
    } else if (epoch !== undefined) {
      checkpoint = 'epoch';
      fileName = checkpointName(epoch);
      if (!files.checkpoints.includes(fileName))
        throw new LabError('not-found', `Run "${files.runName}" has no checkpoint of epoch ${epoch}; ${describeEpochs(epochs)}.`);
    } else {
      checkpoint = 'latest';
      fileName = files.latestModel;
      if (!fileName)
        throw new LabError(
          'no-weights',
          `Run "${files.runName}" has no saved weights yet: its first checkpoint is written at the end of epoch 1.`,
        );
    }
    const loaded = await loadModelFile(join(files.dir, fileName));
    const at = loaded.file.history.at(-1)?.epoch;
    const label = checkpoint === 'best' ? `best, epoch ${at}` : at === undefined ? 'untrained' : `epoch ${at}`;
    const model = await this.add(
      loaded,
      `${files.runName} (${label})`,
      { kind: 'run', runId, runName: files.runName, checkpoint },
      epochs,
      runId,
    );
    return structuredClone(model.summary);
  }

  /** An open model's name, file and network, to save or export it. */
  loaded(modelId: string): { name: string; loaded: LoadedModel } {
    const { summary, file, net } = this.get(modelId);
    return { name: summary.name, loaded: { file, net } };
  }

  /** The network of an open model at an epoch of its run (undefined: the model's own), and the epoch those weights had done (null: untrained). */
  async networkAt(modelId: string, epoch?: number): Promise<{ name: string; net: Network; epoch: number | null }> {
    const model = this.get(modelId);
    const net = epoch === undefined ? model.net : await this.checkpointNet(model, epoch);
    return { name: model.summary.name, net, epoch: epoch ?? model.summary.epoch };
  }

  /** The ids of the open models, oldest first. */
  openModelIds(): string[] {
    return [...this.models.keys()];
  }

  close({ modelId }: ModelIdRequest): void {
    this.models.delete(modelId);
  }

  closeAll(): void {
    this.models.clear();
  }

  /** Layer l's weights and biases (l = 1…L), of the open model or of one of its run's checkpoints. */
  async weights({ modelId, layer, epoch }: WeightsRequest): Promise<LayerWeights> {
    const model = this.get(modelId);
    const { L } = model.net;
    if (layer > L)
      throw new LabError(
        'invalid',
        `Model "${model.summary.name}" has ${plural(L, 'layer')} of weights (1–${L}); there is no layer ${layer}.`,
      );
    const net = epoch === undefined ? model.net : await this.checkpointNet(model, epoch);
    // Dense: units × units(l−1); conv: filters × (channelsIn·k·k); batchnorm: γ as channels × 1; pooling and dropout: none.
    const rows = net.b[layer]!.length;
    const cols = rows === 0 ? 0 : net.w[layer]!.length / rows;
    if (rows * cols > MAX_WEIGHTS_PER_CALL || (rows * cols + rows) * 4 > MAX_REPLY_BYTES)
      throw new LabError(
        'invalid',
        `Layer ${layerNumber(layer)} has ${(rows * cols).toLocaleString('en')} weights; the inspector shows layers of up to ${MAX_WEIGHTS_PER_CALL.toLocaleString('en')}.`,
      );
    const weights: LayerWeights = {
      modelId,
      layer,
      epoch: epoch ?? null,
      activation: layerActivation(net.spec.layers[layer - 1]!) ?? 'linear',
      rows,
      cols,
      w: Float32Array.from(net.w[layer]!),
      b: Float32Array.from(net.b[layer]!),
    };
    // BatchNorm normalises with these at inference: Inspect shows them beside γ and β.
    if (net.spec.layers[layer - 1]!.kind === 'batchnorm')
      weights.running = { mean: Float32Array.from(net.state.mean[layer]!), variance: Float32Array.from(net.state.variance[layer]!) };
    return weights;
  }

  /** Loss, accuracy, confusion matrix and every mistake on the test split of the model's dataset (computed once per model). */
  evaluate({ modelId }: ModelIdRequest): Promise<ModelEvaluation> {
    const model = this.get(modelId);
    if (!model.evaluation) {
      model.evaluation = this.runEvaluation(model);
      model.evaluation.catch(() => (model.evaluation = undefined));
    }
    return model.evaluation.then((result) => structuredClone(result));
  }

  /**
   * Raw test images by index, full size, each index once in the order first asked; refused when
   * they would not fit one reply (MAX_REPLY_BYTES), with how many would.
   */
  async testImages({ datasetId = 'mnist', indices }: TestImagesRequest): Promise<TestImages> {
    const test = await this.testSplit(datasetId);
    const size = test.rows * test.cols;
    const distinct = [...new Set(indices)];
    const bytesPerValue = test.pixels instanceof Uint8Array ? 1 : 4;
    const perCall = testImagesPerCall(size, bytesPerValue);
    if (distinct.length > perCall)
      throw new LabError(
        'invalid',
        `${distinct.length} test images of ${test.cols} × ${test.rows} are ${formatMB(distinct.length * size * bytesPerValue)}, more than the ${formatMB(MAX_REPLY_BYTES)} one reply carries: ask for at most ${perCall} at a time.`,
      );
    const pixels = test.pixels instanceof Uint8Array ? new Uint8Array(distinct.length * size) : new Float32Array(distinct.length * size);
    const labels: number[] = [];
    distinct.forEach((index, i) => {
      if (index >= test.count)
        throw new LabError('invalid', `The test split of ${test.name} has ${test.count} images, so there is no image ${index}.`);
      const from = index * size;
      for (let k = 0; k < size; k++) pixels[i * size + k] = test.pixels[from + k]!;
      labels.push(test.labels[index]!);
    });
    return { width: test.cols, height: test.rows, step: 1, indices: distinct, labels, pixels };
  }

  /** z and a of every layer for a test image or a prepared drawing (raw grey levels, scaled here with the model's scaling). */
  async trace({ modelId, input, testIndex }: TraceRequest): Promise<TraceResult> {
    const model = this.get(modelId);
    const { summary, net } = model;
    if (testIndex !== undefined) {
      const sample = testSample(await this.testSplit(this.datasetOf(model)), testIndex, summary.scaling);
      const trace = traceActivations(net, sample.samples.inputs);
      return { ...trace, modelId, raw: sample.raw, testIndex, label: sample.label };
    }
    const raw = input ?? [];
    if (raw.length !== net.sizes[0])
      throw new LabError(
        'invalid',
        `Model "${summary.name}" takes ${net.sizes[0]} inputs (${summary.dataset.inputShape.join(' × ')}); the image has ${raw.length} values.`,
      );
    const trace = traceActivations(net, scaleSample(summary.scaling, raw));
    return { ...trace, modelId, raw: [...raw], testIndex: null, label: null };
  }

  /** Backprop's gradient against central finite differences on one test image, per layer. */
  async gradientCheck({ modelId, testIndex }: GradientCheckRequest): Promise<GradientCheckResult> {
    const model = this.get(modelId);
    const sample = testSample(await this.testSplit(this.datasetOf(model)), testIndex, model.summary.scaling);
    await nextTurn();
    const perLayer = gradientCheckPerLayer(model.net);
    const checked = gradientCheck(model.net, sample.samples, [0], { h: GRADIENT_CHECK_H, perLayer, show: perLayer });
    // Show the weights and biases with the largest gradients: many first-layer weights see a blank border pixel, whose slope is 0 both ways.
    const largest = (list: LayerGradientCheck['samples'], n: number) =>
      [...list].sort((x, y) => Math.abs(y.backprop) - Math.abs(x.backprop)).slice(0, n);
    const layers = checked.map((layer) => {
      const weights = layer.samples.filter((p) => p.name.startsWith('w'));
      const biases = layer.samples.filter((p) => p.name.startsWith('b'));
      const half = GRADIENT_CHECK_SHOWN / 2;
      return { ...layer, samples: [...largest(weights, half), ...largest(biases, GRADIENT_CHECK_SHOWN - Math.min(half, weights.length))] };
    });
    await nextTurn();
    const kernels = this.options.trainingKernels?.() ?? jsKernels;
    const agreement = backendAgreement(model.net, kernels, sample.samples, [0]);
    return {
      modelId,
      testIndex,
      label: sample.label,
      h: GRADIENT_CHECK_H,
      layers,
      kernels: { label: kernels.label, precision: 'float32', layers: agreement },
    };
  }

  // ── internals ─────────────────────────────────────────────────────────────────────────────

  private async add(loaded: LoadedModel, name: string, source: ModelSource, checkpoints: number[], runId?: string): Promise<OpenModel> {
    const { file, net } = loaded;
    const summary: ModelSummary = {
      modelId: `model-${randomBytes(6).toString('hex')}`,
      name,
      source,
      spec: file.spec,
      settings: file.settings,
      history: file.history,
      dataset: file.dataset,
      datasetId: (await matchDataset(file.dataset, this.options.sha256)) ?? (await this.options.library?.match(file.dataset)) ?? null,
      scaling: file.scaling,
      parameterCount: net.parameterCount(),
      epoch: file.history.at(-1)?.epoch ?? null,
      checkpoints,
      createdAt: file.createdAt,
      appVersion: file.appVersion,
    };
    const model: OpenModel = { summary, net, file, checkpoints: new Map() };
    if (runId !== undefined) model.runId = runId;
    while (this.models.size >= this.maxOpen) this.models.delete(this.models.keys().next().value!);
    this.models.set(summary.modelId, model);
    return model;
  }

  private get(modelId: string): OpenModel {
    const model = this.models.get(modelId);
    if (!model) throw new LabError('not-found', `There is no open model "${modelId}"; open it again.`);
    return model;
  }

  /** The lab dataset the model was trained on, or an error saying the lab has no such data. */
  private datasetOf(model: OpenModel): string {
    const { datasetId, dataset, name } = model.summary;
    if (datasetId === null)
      throw new LabError(
        'invalid',
        `Model "${name}" was trained on "${dataset.name}", and the lab has no dataset with the same files, so it has no test images to use.`,
      );
    return datasetId;
  }

  /** A built-in dataset's test split, or a library one's. */
  private async testSplit(datasetId: string): Promise<TestSplit> {
    if (DATASETS.has(datasetId) || !this.options.library) return builtInTestSplit(datasetId);
    return this.options.library.testSplit(datasetId);
  }

  private async runEvaluation(model: OpenModel): Promise<ModelEvaluation> {
    const datasetId = this.datasetOf(model);
    const started = performance.now();
    await nextTurn();
    const test = await this.testSplit(datasetId);
    if (test.classCount !== model.net.sizes[model.net.L])
      throw new LabError(
        'invalid',
        `Model "${model.summary.name}" has ${model.net.sizes[model.net.L]} outputs, but ${test.name} has ${test.classCount} classes.`,
      );
    const result = await evaluateInChunks(model.net, scaledTestSplit(test, model.summary.scaling));
    return {
      modelId: model.summary.modelId,
      datasetId,
      split: 'test',
      count: result.count,
      loss: result.loss,
      accuracy: result.accuracy,
      confusion: result.confusion,
      misclassifiedCount: result.misclassified.length,
      misclassified: result.misclassified.slice(0, mistakesPerReply(test.classCount, this.options.mistakesReplyBytes)).map((m) => ({
        index: m.index,
        label: m.label,
        predicted: m.predicted,
        confidence: m.outputs[m.predicted]!,
        outputs: Array.from(m.outputs),
      })),
      seconds: (performance.now() - started) / 1000,
    };
  }

  /** The network of one checkpoint of the model's run (a model from a file has only its own epoch). */
  private async checkpointNet(model: OpenModel, epoch: number): Promise<Network> {
    const { summary } = model;
    if (model.runId === undefined) {
      if (epoch === summary.epoch) return model.net;
      throw new LabError(
        'not-found',
        `Model "${summary.name}" was opened from a file, which holds only the weights of ${summary.epoch === null ? 'an untrained network' : `epoch ${summary.epoch}`}; open its run to step through its checkpoints.`,
      );
    }
    const cached = model.checkpoints.get(epoch);
    if (cached) {
      model.checkpoints.delete(epoch);
      model.checkpoints.set(epoch, cached);
      return cached;
    }
    const files = await this.options.runFiles(model.runId);
    const fileName = checkpointName(epoch);
    if (!files.checkpoints.includes(fileName))
      throw new LabError(
        'not-found',
        `Run "${files.runName}" has no checkpoint of epoch ${epoch}; ${describeEpochs(checkpointEpochs(files))}.`,
      );
    const { net } = await loadModelFile(join(files.dir, fileName));
    if (net.sizes.join('-') !== model.net.sizes.join('-'))
      throw new LabError(
        'invalid',
        `The checkpoint of epoch ${epoch} is a ${net.sizes.join('-')} network, not ${model.net.sizes.join('-')} like the open model.`,
      );
    model.checkpoints.set(epoch, net);
    if (model.checkpoints.size > CHECKPOINT_CACHE) model.checkpoints.delete(model.checkpoints.keys().next().value!);
    return net;
  }
}

function checkpointEpochs(files: RunModelFiles): number[] {
  return files.checkpoints.flatMap((name) => checkpointEpoch(name) ?? []).sort((a, b) => a - b);
}

function describeEpochs(epochs: number[]): string {
  if (epochs.length === 0) return 'it has no epoch checkpoints yet';
  if (epochs.length === 1) return `it keeps only the latest one, of epoch ${epochs[0]}`;
  return `it keeps epochs ${epochs[0]}–${epochs.at(-1)}`;
}
