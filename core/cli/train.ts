/**
 * The command-line trainer: the same engine as the app, without a window.
 *   npm run train -- --layers 784,30,10 --activation sigmoid --loss quadratic --batch 10 --lr 3
 *   npm run train -- --dataset /usr/share/datasets/fashion-mnist --layers 784,100,10 --train-limit 5000
 */
import os from 'node:os';
import { basename } from 'node:path';
import { toSamples } from '../data/classification';
import type { Samples } from '../data/dataset';
import type { ScaledDataset } from '../data/idx-dataset';
import { loadMnist, loadMnistRaw, mnistFiles } from '../data/mnist';
import type { ScalingParams } from '../data/scaling';
import { evaluate } from '../engine/evaluate';
import { Network } from '../engine/network';
import { Rng } from '../engine/rng';
import type { EpochReport } from '../engine/reports';
import { Trainer } from '../engine/trainer';
import { dataProblems } from '../engine/validate';
import type { ModelFile, DatasetInfo as ModelDatasetInfo, SavedEpoch } from '../model/format';
import { modelDatasetInfo } from '../data/library/describe';
import type { LoadedDataset } from '../data/library/materialise';
import { loadCliDataset, type CliDatasetOptions } from './dataset';
import { buildModelFile } from '../model/model-file';
import { loadModelFile, saveModelFile, saveOnnxFile, sha256File } from '../model/model-files';
import { APP_VERSION } from '../version';
import { CliError, parseCli, USAGE, type CliOptions } from './args';
import { epochLine, progressLine } from './progress';
import { selectKernels } from '../engine/wasm/select';
import { nodeWorkerFactory } from '../engine/parallel/node-workers';
import { ParallelTrainer } from '../engine/parallel/parallel-trainer';
import { autoThreads } from '../engine/parallel/policy';

async function main(argv: string[]): Promise<void> {
  const options = parseCli(argv);
  if (options.help) {
    console.log(USAGE);
    return;
  }
  // A model file is checked before MNIST is read, so a bad file fails at once.
  const loaded = options.load ? await loadModelFile(options.load) : undefined;
  const loadOptions = { scaling: loaded?.file.scaling.kind ?? options.scaling, validation: options.validation } as Parameters<
    typeof loadMnist
  >[0] &
    object;
  if (loaded && 'per' in loaded.file.scaling) loadOptions.per = loaded.file.scaling.per;
  if (options.trainLimit !== undefined) loadOptions.trainLimit = options.trainLimit;
  if (options.testLimit !== undefined) loadOptions.testLimit = options.testLimit;
  // --dataset: a library dataset or a path (core/cli/dataset.ts); otherwise MNIST.
  const source = options.dataset ? await loadCliDataset(options.dataset, cliDatasetOptions(options, loaded?.file.scaling)) : undefined;
  let dataset: ScaledDataset = source ?? loadMnist(loadOptions);
  const kernels = selectKernels(options.backend);
  const net = loaded?.net ?? Network.create(options.spec, new Rng(options.settings.seed), 'float32', kernels);
  if (loaded) net.kernels = kernels;
  if (source && !loaded) {
    const problem = dataProblems(net.spec, dataset.train.inputSize, dataset.train.outputSize)[0];
    if (problem) throw new CliError(`--dataset ${options.dataset}: ${problem.message}`);
  }
  let history: SavedEpoch[] = [];
  if (loaded) {
    const problem = dataProblems(net.spec, dataset.train.inputSize, dataset.train.outputSize)[0];
    if (problem) throw new CliError(`${options.load}: ${problem.message}`);
    if (!source) dataset = withScaling(dataset, loaded.file.scaling); // a --dataset is read with the model's scaling already
    describeLoaded(options.load!, loaded.file, net, dataset.test, options);
    history = loaded.file.history;
  }
  if (!loaded || options.epochsGiven) {
    const data = { train: dataset.train, validation: dataset.validation, test: dataset.test };
    // --workers N: the same Trainer, its gradients computed by N threads (core/engine/parallel).
    const workers =
      options.workers === 'auto'
        ? autoThreads({
            spec: net.spec,
            batchSize: options.settings.batchSize,
            cores: os.availableParallelism(),
            backend: net.kernels.name,
          })
        : options.workers;
    const parallel =
      workers > 1 ? await ParallelTrainer.start(net, data, options.settings, { workers, factory: nodeWorkerFactory() }) : undefined;
    const trainer = parallel?.trainer ?? new Trainer(net, data, options.settings);
    if (!options.json) {
      const spec = net.spec;
      const { settings } = options;
      console.log(
        `${loaded ? `Training further (after epoch ${history.at(-1)?.epoch ?? 0})` : 'Training'} ${[spec.inputSize, ...spec.layers.map((l) => l.units)].join('-')} (${spec.layers.map((l) => l.activation).join(', ')}; ${spec.loss}; ${spec.init} init; ${net.parameterCount().toLocaleString('en')} parameters) ` +
          `with ${settings.optimizer}, η = ${settings.learningRate}, batch ${settings.batchSize}, on ${dataset.name} (${dataset.train.count.toLocaleString('en')} training images), ${net.kernels.name} kernels, ${workers} thread${workers === 1 ? '' : 's'}${options.workers === 'auto' ? ' (auto)' : ''}`,
      );
    }
    try {
      train(trainer, options);
    } finally {
      await parallel?.close();
    }
    // Epochs continue the loaded model's numbering in the saved history.
    const offset = history.at(-1)?.epoch ?? 0;
    history = [...history, ...trainer.history.map((r) => ({ ...r, epoch: r.epoch + offset }))];
  }
  if (options.out) await saveTrained(options.out, net, history, options, source ?? dataset);
  if (options.onnx) {
    await saveOnnxFile(options.onnx, net, dataset.scaling);
    if (!options.json) console.log(`exported ${options.onnx}`);
  }
}

/** Prints what was loaded and how it does on the test set. */
function describeLoaded(path: string, file: ModelFile, net: Network, test: Samples, options: CliOptions): void {
  const result = evaluate(net, test);
  if (options.json) {
    console.log(JSON.stringify({ loaded: path, epochs: file.history.length, testLoss: result.loss, testAccuracy: result.accuracy }));
    return;
  }
  const sizes = [net.spec.inputSize, ...net.spec.layers.map((l) => l.units)].join('-');
  const accuracy = result.accuracy === null ? '–' : `${(result.accuracy * 100).toFixed(2)} %`;
  console.log(
    `Loaded ${path}: ${sizes} (${net.spec.layers.map((l) => l.activation).join(', ')}; ${net.spec.loss}), trained ${file.history.length} epoch${file.history.length === 1 ? '' : 's'} on ${file.dataset.name}`,
  );
  console.log(`test loss ${result.loss.toFixed(4)} acc ${accuracy}  (${test.count.toLocaleString('en')} images)`);
}

/**
 * The dataset's splits scaled with a saved model's own parameters (refitting on a different
 * --train-limit could give other statistics): the model must see inputs as it did in training.
 */
function withScaling(dataset: ScaledDataset, scaling: ScalingParams): ScaledDataset {
  if (JSON.stringify(dataset.scaling) === JSON.stringify(scaling)) return dataset;
  const raw = loadMnistRaw();
  const width = raw.train.rows * raw.train.cols;
  const rescale = (set: typeof raw.train, start: number, samples: Samples): Samples =>
    toSamples(
      set.pixels.subarray(start * width, (start + samples.count) * width),
      set.labels.subarray(start, start + samples.count),
      samples.count,
      width,
      samples.outputSize,
      scaling,
    );
  const result: ScaledDataset = {
    ...dataset,
    scaling,
    train: rescale(raw.train, 0, dataset.train),
    test: rescale(raw.test, 0, dataset.test),
  };
  // loadMnist's validation split is the last 10,000 training images.
  if (dataset.validation) result.validation = rescale(raw.train, raw.train.count - 10_000, dataset.validation);
  return result;
}

function train(trainer: Trainer, options: CliOptions): void {
  const tty = process.stderr.isTTY && !options.json;
  let lastDraw = 0;
  let epochStart = performance.now();
  while (!trainer.finished) {
    const batch = trainer.step();
    if (batch.nonFinite) {
      const where = batch.nonFinite.layer ? ` in layer ${batch.nonFinite.layer}` : '';
      throw new CliError(
        `the ${batch.nonFinite.what}${where} became NaN or infinite at epoch ${batch.nonFinite.epoch}, batch ${batch.nonFinite.batch}: try a lower learning rate (--lr)`,
      );
    }
    const now = performance.now();
    if (tty && (now - lastDraw > 100 || batch.epochComplete)) {
      lastDraw = now;
      const seconds = (now - epochStart) / 1000;
      const done = batch.batch * trainer.settings.batchSize;
      const rate = done / seconds;
      const left = (trainer.data.train.count - done) / rate;
      process.stderr.write(`\r${progressLine(batch.epoch, batch.batch, batch.batchesPerEpoch, rate, left)}\x1b[K`);
    }
    if (!batch.epochComplete) continue;
    if (tty) process.stderr.write('\r\x1b[K');
    report(trainer.endEpoch(), options);
    epochStart = performance.now();
  }
}

function report(r: EpochReport, options: CliOptions): void {
  if (options.json) {
    const line: Record<string, unknown> = {
      epoch: r.epoch,
      trainLoss: r.trainLoss,
      trainAccuracy: r.trainAccuracy,
      testLoss: r.testLoss ?? null,
      testAccuracy: r.testAccuracy ?? null,
      samplesPerSecond: r.samplesPerSecond,
    };
    if (r.validationLoss !== undefined) Object.assign(line, { validationLoss: r.validationLoss, validationAccuracy: r.validationAccuracy });
    console.log(JSON.stringify(line));
  } else {
    console.log(epochLine(r));
    if (r.stopReason && r.epoch < options.settings.epochs) console.log(`stopped: ${r.stopReason}`);
  }
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

/** How the model file names MNIST: its four files, hashed. */
async function mnistIdentity(dataset: ScaledDataset): Promise<ModelDatasetInfo> {
  const files = mnistFiles();
  const paths = [files.trainImages, files.trainLabels, files.testImages, files.testLabels];
  const sizes: { train: number; validation?: number; test: number } = { train: dataset.train.count, test: dataset.test.count };
  if (dataset.validation) sizes.validation = dataset.validation.count;
  return {
    name: dataset.name,
    inputShape: dataset.inputShape,
    classes: dataset.classes,
    sizes,
    files: await Promise.all(paths.map(async (p) => ({ name: basename(p), sha256: await sha256File(p) }))),
  };
}

/** `dataset` is a LoadedDataset (with its files' SHA-256s) for --dataset, else MNIST. */
async function saveTrained(
  out: string,
  net: Network,
  history: SavedEpoch[],
  options: CliOptions,
  dataset: ScaledDataset | LoadedDataset,
): Promise<void> {
  const file = buildModelFile(net, {
    scaling: dataset.scaling,
    settings: options.settings,
    dataset: 'files' in dataset ? modelDatasetInfo(dataset) : await mnistIdentity(dataset),
    history,
    appVersion: APP_VERSION,
  });
  await saveModelFile(out, file);
  if (!options.json) console.log(`saved ${out}`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write('\r\x1b[K');
  const message = error instanceof Error ? error.message : String(error);
  console.error(`fathom train: ${message}`);
  process.exitCode = error instanceof CliError ? 2 : 1;
});
