/**
 * One run of the command-line trainer once its command line is parsed: check the outputs, load
 * the model and the data, train (until the stopping rule, Ctrl-C or a NaN), then write --out and
 * --onnx. Returns the exit code; throws CliError (exit 2) or any other error (exit 1).
 */
import { layerActivation, networkSizes, type NetworkSpec } from '../engine/spec';
import os from 'node:os';
import type { ScaledDataset } from '../data/idx-dataset';
import { loadMnist, mnistFiles } from '../data/mnist';
import { SCALINGS, type ScalingParams } from '../data/scaling';
import { evaluate } from '../engine/evaluate';
import { findLearningRate, type LrFinderResult } from '../engine/lr-finder';
import { Network } from '../engine/network';
import { layerNumber } from '../engine/notation';
import { nodeWorkerFactory } from '../engine/parallel/node-workers';
import { ParallelTrainer } from '../engine/parallel/parallel-trainer';
import { autoThreads } from '../engine/parallel/policy';
import { Rng } from '../engine/rng';
import type { EpochReport, NonFinite } from '../engine/reports';
import { Trainer } from '../engine/trainer';
import { dataProblems } from '../engine/validate';
import { selectKernels } from '../engine/wasm/select';
import type { LoadedDataset } from '../data/library/materialise';
import { modelDatasetInfo } from '../data/library/describe';
import type { ModelFile, SavedEpoch } from '../model/format';
import { buildModelFile, type LoadedModel } from '../model/model-file';
import { trainingSizeProblems } from '../model/limits';
import { loadModelFile, saveModelFile, saveOnnxFile } from '../model/model-files';
import { isOnnxPath, loadOnnxModel, loadWeightsInto } from '../model/imports/import-files';
import { APP_VERSION } from '../version';
import type { CliOptions } from './args';
import { loadCliDataset, type CliDatasetOptions } from './dataset';
import { CliError } from './errors';
import { checkExportPlaces, writeExports } from './exports';
import { CtrlC, INTERRUPTED_EXIT_CODE } from './interrupt';
import { trainLoop, type LoopEnd } from './loop';
import { mnistIdentity, namesBuiltInMnist, withScaling } from './mnist';
import { checkOutputPlace } from './out-paths';
import type { CliOutput } from './output';
import { epochLine } from './progress';
import { runSweep } from './sweep';

const sizesOf = (net: Network): string => networkSizes(net.spec);
const activationsOf = (spec: NetworkSpec): string => spec.layers.flatMap((l) => layerActivation(l) ?? []).join(', ');
const plural = (n: number, word: string): string => `${n.toLocaleString('en')} ${word}${n === 1 ? '' : 's'}`;

export async function runCli(options: CliOptions, output: CliOutput): Promise<number> {
  // Heard from the first batch until the files are written.
  const ctrlC = new CtrlC((line) => output.note(line));
  try {
    return await trainAndSave(options, output, ctrlC);
  } finally {
    ctrlC.dispose();
  }
}

async function trainAndSave(options: CliOptions, output: CliOutput, ctrlC: CtrlC): Promise<number> {
  // Before anything slow: a long run must not be lost to an output folder that is not there.
  if (options.out) await checkOutputPlace('--out', options.out);
  if (options.onnx) await checkOutputPlace('--onnx', options.onnx);
  await checkExportPlaces(options);
  // A model file is checked before MNIST is read, so a bad file fails at once.
  const loaded = options.load ? await loadModel(options.load, options, output) : undefined;
  if (loaded && options.epochsGiven) {
    // The file's size is bounded by its format; training it needs gradients and optimiser state too.
    const tooBig = trainingSizeProblems(loaded.file.spec, options.settings, options.machine, options.workers)[0];
    if (tooBig) throw new CliError(`${options.load}: ${tooBig.message}`);
  }
  const { dataset, source } = await loadData(options, loaded);
  const kernels = selectKernels(options.backend);
  const net = loaded?.net ?? Network.create(options.spec, new Rng(options.settings.seed), 'float32', kernels);
  if (loaded) net.kernels = kernels;
  if (options.weights) {
    const { net: given, matched } = await loadWeightsInto(net, options.weights);
    net.setParameters(given.w, given.b);
    output.say(`starting from the weights of ${options.weights} (matched ${matched === 'by-name' ? 'by name' : 'in order'})`);
  }
  const problem = dataProblems(net.spec, dataset.train.inputSize, dataset.train.outputSize)[0];
  if (problem)
    throw new CliError(`${loaded ? options.load : options.dataset ? `--dataset ${options.dataset}` : '--layers'}: ${problem.message}`);
  if (options.sweep) {
    await runSweep(options.sweep, options, dataset, kernels, output, ctrlC);
    return ctrlC.requested ? INTERRUPTED_EXIT_CODE : 0;
  }
  if (options.findLr) return reportFinder(findLearningRate(net, dataset, options.settings), output);
  let history: SavedEpoch[] = [];
  if (loaded) {
    describeLoaded(options.load!, loaded.file, net, dataset, output);
    history = loaded.file.history;
  }
  let end: LoopEnd | undefined;
  if (!loaded || options.epochsGiven) {
    // Epochs continue the loaded model's numbering, on screen as in the saved history.
    const offset = history.at(-1)?.epoch ?? 0;
    let trainer: Trainer;
    ({ end, trainer } = await train(net, dataset, options, output, offset, ctrlC));
    history = [...history, ...trainer.history.map((r) => ({ ...r, epoch: r.epoch + offset }))];
    if (end.kind === 'diverged') {
      output.emit({ type: 'diverged', ...end.detail, epoch: end.detail.epoch + offset });
      throw new Error(divergedMessage(end.detail, offset, options));
    }
  }
  if (options.out) {
    await saveModelFile(options.out, await modelFile(net, history, options, source ?? dataset));
    output.say(`saved ${options.out}`);
    output.emit({ type: 'saved', file: options.out });
  }
  if (options.onnx) {
    await saveOnnxFile(options.onnx, net, dataset.scaling);
    output.say(`exported ${options.onnx}`);
    output.emit({ type: 'onnx', file: options.onnx });
  }
  const dataFiles = source === undefined && (!options.dataset || namesBuiltInMnist(options.dataset)) ? mnistFiles() : undefined;
  await writeExports(options, net, () => modelFile(net, history, options, source ?? dataset), dataFiles, output);
  return end?.kind === 'interrupted' ? INTERRUPTED_EXIT_CODE : 0;
}

/**
 * --load: a Fathom model file, or an ONNX model (isOnnxPath) with the scaling it carries, else the
 * --scale asked for, fitted on the training data as a new run would fit it.
 */
async function loadModel(path: string, options: CliOptions, output: CliOutput): Promise<LoadedModel> {
  if (!isOnnxPath(path)) return loadModelFile(path);
  const fitted = async () => {
    if (!options.scaleGiven)
      throw new CliError(
        `--load ${path}: the file does not say how its inputs are scaled: add --scale NAME (${SCALINGS.join(', ')}): ` +
          '--scale min-max for a model trained on pixels ÷ 255 (MNIST tutorials), --scale none for one trained on the raw values',
      );
    return (await loadData(options, undefined)).dataset.scaling;
  };
  const { model, scalingFromFile } = await loadOnnxModel(path, APP_VERSION, fitted);
  if (scalingFromFile && options.scaleGiven) output.note(`--scale is not used: ${path} carries its own input scaling`);
  return model;
}

/** The data to train or evaluate on: a --dataset (`source`, with its files' hashes) or the built-in MNIST. */
async function loadData(
  options: CliOptions,
  loaded: LoadedModel | undefined,
): Promise<{ dataset: ScaledDataset; source: LoadedDataset | undefined }> {
  const modelScaling = loaded?.file.scaling;
  if (options.dataset && !namesBuiltInMnist(options.dataset)) {
    // Read with the model's scaling already, when there is a model.
    const source = await loadCliDataset(options.dataset, cliDatasetOptions(options, modelScaling));
    return { dataset: source, source };
  }
  const mnistOptions: Parameters<typeof loadMnist>[0] & object = {
    scaling: modelScaling?.kind ?? options.scaling,
    validation: options.validation,
  };
  if (modelScaling && 'per' in modelScaling) mnistOptions.per = modelScaling.per;
  if (options.trainLimit !== undefined) mnistOptions.trainLimit = options.trainLimit;
  if (options.testLimit !== undefined) mnistOptions.testLimit = options.testLimit;
  const mnist = loadMnist(mnistOptions);
  return { dataset: modelScaling ? withScaling(mnist, modelScaling) : mnist, source: undefined };
}

/** Trains with Ctrl-C heard, on this thread or over --workers threads. */
async function train(
  net: Network,
  dataset: ScaledDataset,
  options: CliOptions,
  output: CliOutput,
  offset: number,
  ctrlC: CtrlC,
): Promise<{ end: LoopEnd; trainer: Trainer }> {
  const data = { train: dataset.train, validation: dataset.validation, test: dataset.test };
  // --workers N: the same Trainer, its gradients computed by N threads (core/engine/parallel).
  const workers =
    options.workers === 'auto'
      ? autoThreads({ spec: net.spec, batchSize: options.settings.batchSize, cores: os.availableParallelism(), backend: net.kernels.name })
      : options.workers;
  const parallel =
    workers > 1 ? await ParallelTrainer.start(net, data, options.settings, { workers, factory: nodeWorkerFactory() }) : undefined;
  try {
    const trainer = parallel?.trainer ?? new Trainer(net, data, options.settings);
    ctrlC.listen(); // before "started" is printed, so a Ctrl-C at sight of it is heard
    announce(net, dataset, trainer, options, output, workers, offset);
    const end = await trainLoop(trainer, output, ctrlC, (r) => reportEpoch(r, offset, options, output));
    ctrlC.trainingOver();
    reportEnd(end, trainer, offset, options, output);
    return { end, trainer };
  } finally {
    await parallel?.close();
  }
}

function announce(
  net: Network,
  dataset: ScaledDataset,
  trainer: Trainer,
  options: CliOptions,
  output: CliOutput,
  threads: number,
  offset: number,
): void {
  const { spec } = net;
  const { settings } = options;
  output.say(
    `${offset ? `Training further (after epoch ${offset})` : 'Training'} ${sizesOf(net)} (${activationsOf(spec)}; ${spec.loss}; ${spec.init} init; ${plural(net.parameterCount(), 'parameter')}) ` +
      `with ${settings.optimizer}, η = ${settings.learningRate}, batch ${settings.batchSize}, on ${dataset.name} (${plural(dataset.train.count, 'training image')}), ${net.kernels.name} kernels, ${plural(threads, 'thread')}${options.workers === 'auto' ? ' (auto)' : ''}`,
  );
  output.emit({
    type: 'started',
    network: sizesOf(net),
    parameters: net.parameterCount(),
    dataset: dataset.name,
    train: dataset.train.count,
    ...(dataset.validation ? { validation: dataset.validation.count } : {}),
    test: dataset.test.count,
    batchSize: settings.batchSize,
    batchesPerEpoch: trainer.batchesPerEpoch,
    epochs: settings.epochs,
    ...(offset ? { afterEpoch: offset } : {}),
    kernels: net.kernels.name,
    threads,
  });
}

function reportEpoch(r: EpochReport, offset: number, options: CliOptions, output: CliOutput): void {
  const epoch = r.epoch + offset;
  output.say(epochLine({ ...r, epoch }, options.settings.schedule !== undefined));
  if (r.stopReason && !r.nonFinite && r.epoch < options.settings.epochs) output.say(`stopped: ${r.stopReason}`);
  output.emit({
    type: 'epoch',
    epoch,
    trainLoss: r.trainLoss,
    trainAccuracy: r.trainAccuracy,
    ...(r.validationLoss !== undefined ? { validationLoss: r.validationLoss, validationAccuracy: r.validationAccuracy ?? null } : {}),
    testLoss: r.testLoss ?? null,
    testAccuracy: r.testAccuracy ?? null,
    samplesPerSecond: r.samplesPerSecond,
    seconds: r.seconds,
    ...(r.learningRate !== undefined ? { learningRate: r.learningRate } : {}),
  });
}

function reportEnd(end: LoopEnd, trainer: Trainer, offset: number, options: CliOptions, output: CliOutput): void {
  if (end.kind === 'finished') output.emit({ type: 'finished', epochs: offset + trainer.history.length, reason: end.reason });
  if (end.kind !== 'interrupted') return;
  const completedEpochs = trainer.history.length;
  const epoch = end.epoch + offset;
  output.emit({ type: 'interrupted', epoch, batch: end.batch, batchesPerEpoch: end.batchesPerEpoch, completedEpochs });
  const where = end.batch === 0 ? `before epoch ${epoch}` : `in epoch ${epoch} after batch ${end.batch} of ${end.batchesPerEpoch}`;
  const saving = [options.out && 'saving the weights as they are now', options.onnx && 'exporting them'].filter(Boolean).join(' and ');
  output.note(`interrupted ${where} (${plural(completedEpochs, 'complete epoch')} this run)${saving ? `; ${saving}` : ''}`);
}

function divergedMessage(detail: NonFinite, offset: number, options: CliOptions): string {
  const where = detail.layer ? ` in layer ${layerNumber(detail.layer)}` : '';
  const unsaved = options.out || options.onnx ? '; nothing was saved' : '';
  return `the ${detail.what}${where} became NaN or infinite at epoch ${detail.epoch + offset}, batch ${detail.batch}: try a lower learning rate (--lr)${unsaved}`;
}

/** Prints what was loaded and how it does on the test set. */
function describeLoaded(path: string, file: ModelFile, net: Network, dataset: ScaledDataset, output: CliOutput): void {
  const { test } = dataset;
  const result = evaluate(net, test);
  output.emit({ type: 'loaded', file: path, epochs: file.history.length, testLoss: result.loss, testAccuracy: result.accuracy });
  const accuracy = result.accuracy === null ? '–' : `${(result.accuracy * 100).toFixed(2)} %`;
  output.say(
    `Loaded ${path}: ${sizesOf(net)} (${activationsOf(net.spec)}; ${net.spec.loss}), trained ${plural(file.history.length, 'epoch')} on ${file.dataset.name}`,
  );
  output.say(`test loss ${result.loss.toFixed(4)} acc ${accuracy}  (${plural(test.count, 'image')})`);
}

/** The --dataset options for loadCliDataset. */
function cliDatasetOptions(options: CliOptions, modelScaling: ScalingParams | undefined): CliDatasetOptions {
  const result: CliDatasetOptions = { validation: options.validation };
  if (modelScaling) result.modelScaling = modelScaling;
  if (options.scaleGiven) result.scaling = options.scaling;
  if (options.trainLimit !== undefined) result.trainLimit = options.trainLimit;
  if (options.testLimit !== undefined) result.testLimit = options.testLimit;
  return result;
}

/** `dataset` is a LoadedDataset (with its files' SHA-256s) for --dataset, else MNIST. */
async function modelFile(
  net: Network,
  history: SavedEpoch[],
  options: CliOptions,
  dataset: ScaledDataset | LoadedDataset,
): Promise<ModelFile> {
  return buildModelFile(net, {
    scaling: dataset.scaling,
    settings: options.settings,
    dataset: 'files' in dataset ? modelDatasetInfo(dataset) : await mnistIdentity(dataset),
    history,
    appVersion: APP_VERSION,
  });
}

/** --find-lr: the loss against η at about a dozen points, the marks, and the suggestion. */
function reportFinder(result: LrFinderResult, output: CliOutput): number {
  const { points } = result;
  const eta = (n: number) => n.toPrecision(3);
  output.say(
    `learning-rate finder: ${points.length} batches, η from ${eta(points[0]!.learningRate)} to ${eta(points.at(-1)!.learningRate)}`,
  );
  output.say(`  ${'η'.padStart(9)}  loss (smoothed)`);
  const every = Math.max(1, Math.floor(points.length / 12));
  for (let i = 0; i < points.length; i += every)
    output.say(`  ${eta(points[i]!.learningRate).padStart(9)}  ${points[i]!.smoothedLoss.toFixed(4)}`);
  const diverged = result.divergedAt === undefined ? 'it did not diverge in the range' : `it diverged at η ≈ ${eta(result.divergedAt)}`;
  output.say(
    `the loss fell fastest at η ≈ ${eta(result.steepestLearningRate)}, was lowest at η ≈ ${eta(result.minimumLearningRate)}; ${diverged}`,
  );
  output.say(`suggested: --lr ${eta(result.suggestedLearningRate)} (two thirds of the η with the lowest loss)`);
  output.emit({ type: 'lr-finder', ...result });
  return 0;
}
