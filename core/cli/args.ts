import { availableParallelism, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SCALINGS, type ScalingKind } from '../data/scaling';
import { ACTIVATIONS, INITS, LOSSES, OPTIMIZERS, type NetworkSpec, type StopRule, type TrainSettings } from '../engine/spec';
import { DEFAULT_SCHEDULE, SCHEDULES, type ScheduleSettings } from '../engine/schedules';
import { parseSweep, SweepError, SWEEP_SETTINGS } from '../engine/sweep';
import { specProblems, trainingProblems } from '../engine/validate';
import { MAX_TRAIN_THREADS } from '../lab/contract';
import { trainingMemoryBudget, trainingSizeProblems, type TrainingMachine } from '../model/limits';
import { BACKENDS, type BackendName } from '../engine/wasm/select';
import { CliError } from './errors';
import { parseLayers } from './layers';
import { readSpecFile } from './spec-file';
import { describeJsonEvents } from './events';
import { exportsAsked, parseExportFlags } from './export-flags';
import { checkOutputName } from './out-paths';
import type { SweepPlan } from './sweep';

export { CliError };

export interface CliOptions {
  spec: NetworkSpec;
  settings: TrainSettings;
  /** What a network's training memory is bounded against (a --load model's too, once it is read). */
  machine: TrainingMachine;
  scaling: ScalingKind;
  /** Whether --scale was given (with --dataset, the dataset's own default applies otherwise). */
  scaleGiven: boolean;
  /** --dataset PATH_OR_NAME: a library dataset or an importable path instead of MNIST. */
  dataset?: string;
  validation: boolean;
  trainLimit?: number;
  testLimit?: number;
  out?: string;
  load?: string;
  onnx?: string;
  /** --export-pytorch DIR, --safetensors FILE, --npz FILE: the model for other tools (core/cli/exports.ts). */
  exportPytorch?: string;
  safetensors?: string;
  npz?: string;
  /** --weights FILE: the design's starting weights from a safetensors or .npz file. */
  weights?: string;
  json: boolean;
  /** Whether --epochs was given (with --load, training only happens when it was). */
  epochsGiven: boolean;
  /** --backend: which kernels run the maths (auto = wasm where it can run, else js). */
  backend: BackendName;
  /** --workers N: threads for one run (1 = train on this thread); 'auto' = core/engine/parallel/policy.ts decides. */
  workers: number | 'auto';
  /** --find-lr: run the learning-rate range test instead of training. */
  findLr: boolean;
  /** --sweep (and --sweep-random N): one run per point instead of one run. */
  sweep?: SweepPlan;
  help: boolean;
  version: boolean;
}

export const USAGE = `Usage: npm run train -- [options]   (or fathom-train [options] once built and linked)

Network
  --layers 784,30,10          sizes from input to output; a CNN starts with the image as height x width x channels:
                              28x28x1,conv5x5x20,maxpool2,100,10 — conv{k}x{k}x{filters} (add s{stride} and/or same),
                              maxpool{size} (add s{stride}), dropout{rate}, batchnorm, then dense sizes
  --activation NAME[,NAME…]   one for every conv and dense layer, or one per such layer (${ACTIVATIONS.join(' ')})
  --spec FILE                 the network from a JSON file instead of --layers/--activation: a model
                              file (its spec; the weights are not loaded), or {"inputShape": {"channels": 1,
                              "height": 28, "width": 28}, "layers": [{"kind": "conv", "filters": 20,
                              "kernel": 5, "stride": 1, "padding": "valid", "activation": "relu"}, …]}
                              ("inputSize" for a flat input; "loss" and "init" there or from the flags)
  --loss NAME                 ${LOSSES.join(' ')}
  --init NAME                 ${INITS.join(' ')}
Training
  --optimizer NAME            ${OPTIMIZERS.join(' ')}   (default sgd)
  --batch N                   1 = stochastic, ≥ training size = batch, else mini-batch (default 10)
  --lr η                      learning rate (default 3)
  --momentum μ                for --optimizer momentum (default 0.9)
  --epochs N                  maximum epochs (default 30)
  --l2 λ                      L2 weight decay (default 0)
  --stop RULE                 epochs | plateau:0.001 | patience:3 (needs --validation)
  --schedule NAME             how η changes: ${SCHEDULES.join(' ')} (default constant)
    --warmup EPOCHS           linear warm-up to η first (any schedule; fractions allowed; default 0)
    --decay γ                 step, exponential, plateau: multiply η by γ (default ${DEFAULT_SCHEDULE.decay})
    --every N                 step: every N epochs (default ${DEFAULT_SCHEDULE.every})
    --min-lr η                cosine: the floor it anneals to; the others never go below it (default 0)
    --patience N              plateau: epochs without improvement of the validation loss (the training
                              loss without --validation) before η is cut (default ${DEFAULT_SCHEDULE.patience})
  --seed N                    (default 1)
  --find-lr                   train nothing: run the learning-rate range test (η rising from tiny to
                              huge over 300 batches, from the design's initial weights) and print the
                              loss against η and a suggested --lr
  --sweep "SETTING=VALUES …"  one run per combination, then a table by best validation accuracy
                              (turns --validation on). Settings: ${SWEEP_SETTINGS.join(' ')} (unitsL
                              for layer L, 2 = the first hidden); values: a list 0.1,1,3, or
                              lin:FROM:TO:COUNT, or log:FROM:TO:COUNT. Example: "lr=0.1,1,3 batch=10,64"
  --sweep-random N            with --sweep: N random points instead of the whole grid
  --sweep-halving             with --sweep: successive halving: every run trains a few epochs, the
                              better half (by best validation accuracy) goes on to twice as many, and
                              so on until one trains all --epochs (poor runs stop early)
Data
  --dataset PATH_OR_NAME      train on another dataset instead of MNIST: a dataset of the app's
                              library (by name or id), or IDX files (raw or .gz), a .csv file, or a
                              folder of class folders of PNGs, read straight from the path. The
                              library is $FATHOM_DATA/datasets, or the app's data folder's
                              (~/.config/fathom/datasets on Linux). "mnist" (or "MNIST handwritten
                              digits") always means the built-in MNIST: a library dataset of that
                              name is reached by its id, a folder named mnist by ./mnist
  --scale NAME                ${SCALINGS.join(' ')}   (default min-max; with --dataset
                              the dataset's default: min-max for images, z-score for tables)
  --validation                hold out the last 10,000 training images (Nielsen's split); with
                              --dataset, use its validation split (a path: 10 % of training)
  --train-limit N, --test-limit N   use only the first N images
Output
  --out FILE                  save the trained model (*.fathom.json); its folder is checked before training
  --load FILE                 evaluate a saved model; with --epochs, train it further. An ONNX model
                              (FILE.onnx: dense, conv, max-pool, batchnorm layers as PyTorch or Keras
                              export them) opens too; when it does not carry its input scaling, give --scale
  --weights FILE              start the --layers design from these weights (.safetensors or .npz,
                              tensors W2, b2… or in order); every mismatch of shape is listed
  --onnx FILE                 export the model to ONNX (checked before training, like --out); the file
                              takes raw inputs (0–255 pixels as floats): its first nodes apply the scaling
  --export-pytorch DIR        write a PyTorch project of the model to the new folder DIR: model.py,
                              train.py (the same training, also under torchrun), config.json, the
                              weights (weights.safetensors) and a README
  --safetensors FILE          the weights as safetensors (tensors W2, b2, W3… as Fathom names them)
  --npz FILE                  the weights as NumPy .npz (the same names)
  --json                      one JSON object per line on stdout instead of text (see below)
  --backend NAME              ${BACKENDS.join(' ')}   kernels: plain TypeScript or WebAssembly SIMD (default auto)
  --workers N|auto            split each batch over N threads (default 1 = this thread); the same seed
                              gives the same weights for any N ≥ 2; auto = as many as pay for this
                              network, batch size and machine (core/engine/parallel/policy.ts). Over threads
                              batchnorm normalises each shard of a batch (16+ rows) on its own, and dropout
                              draws each shard's masks from the seed, so N ≥ 2 differs from 1 for them
  --version                   print the version and exit
  --help, -h                  print this and exit

Ctrl-C stops after the current batch and still writes --out and --onnx (the weights as they are
then; the history holds the complete epochs); a second Ctrl-C quits at once.

--json lines, told apart by "type":
${describeJsonEvents('  ')}

Exit status: 0 done; 1 failed (a file, the data, a diverged run: one line on stderr says why);
2 the command line is wrong; 130 interrupted by Ctrl-C (the files asked for are written).

Nielsen's network.py:  --layers 784,30,10 --activation sigmoid --loss quadratic --init normal --batch 10 --lr 3 --epochs 30
A modern network:      --layers 784,100,10 --activation relu,softmax --loss cross-entropy --init he --optimizer adam --lr 0.001 --batch 64 --epochs 5
Nielsen's chapter-6 CNN: --layers 28x28x1,conv5x5x20,maxpool2,100,10 --activation relu,relu,softmax --loss cross-entropy --init he --optimizer adam --lr 0.001 --batch 64 --epochs 10`;

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw new CliError(`--${flag}: "${value}" is not one of ${allowed.join(', ')}`);
  return value as T;
}

function number(flag: string, value: string | undefined, fallback: number, check: (n: number) => boolean, expected: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || !check(n)) throw new CliError(`--${flag}: expected ${expected}, got "${value}"`);
  return n;
}

const positiveInt = (n: number): boolean => Number.isInteger(n) && n >= 1;

function parseStop(value: string | undefined): StopRule {
  if (value === undefined || value === 'epochs') return { kind: 'epochs' };
  const [kind, arg] = value.split(':');
  if (kind === 'plateau')
    return { kind: 'loss-plateau', minImprovement: number('stop', arg ?? '0.001', 0.001, (n) => n >= 0, 'a threshold ≥ 0') };
  if (kind === 'patience')
    return { kind: 'early-stopping', patience: number('stop', arg ?? '3', 3, positiveInt, 'a whole number of epochs') };
  throw new CliError(`--stop: expected epochs, plateau:THRESHOLD or patience:EPOCHS, got "${value}"`);
}

type ScheduleFlags = Partial<Record<'schedule' | 'warmup' | 'decay' | 'every' | 'min-lr' | 'patience', string>>;

/** The schedule the flags ask for, or undefined for a constant η without warm-up (the settings then carry none, as before schedules). */
function parseSchedule(v: ScheduleFlags): ScheduleSettings | undefined {
  const kind = oneOf('schedule', v.schedule ?? 'constant', SCHEDULES);
  const uses: Record<string, readonly string[]> = { decay: ['step', 'exponential', 'plateau'], every: ['step'], patience: ['plateau'] };
  for (const [flag, kinds] of Object.entries(uses))
    if (v[flag as keyof ScheduleFlags] !== undefined && !kinds.includes(kind))
      throw new CliError(`--${flag} belongs to --schedule ${kinds.join(' or ')}, not ${kind}`);
  if (kind === 'constant' && v.warmup === undefined && v['min-lr'] === undefined) return undefined;
  return {
    kind,
    warmupEpochs: number('warmup', v.warmup, 0, (n) => n >= 0, 'a number of epochs ≥ 0'),
    decay: number('decay', v.decay, DEFAULT_SCHEDULE.decay, (n) => n > 0 && n < 1, 'a factor between 0 and 1'),
    every: number('every', v.every, DEFAULT_SCHEDULE.every, positiveInt, 'a whole number of epochs ≥ 1'),
    minLearningRate: number('min-lr', v['min-lr'], 0, (n) => n >= 0, 'a number ≥ 0'),
    patience: number('patience', v.patience, DEFAULT_SCHEDULE.patience, (n) => Number.isInteger(n) && n >= 0, 'a whole number ≥ 0'),
  };
}

/** This machine, for the bound on a network's size (core/model/limits.ts). */
export function thisMachine(): TrainingMachine {
  return { memoryBytes: trainingMemoryBudget(totalmem()), cores: Math.min(availableParallelism(), MAX_TRAIN_THREADS) };
}

/** The design: from --spec FILE, or from --layers and --activation (Nielsen's 784-30-10 by default). */
function networkSpec(v: { layers?: string; activation?: string; spec?: string; loss?: string; init?: string; load?: string }): NetworkSpec {
  const loss = v.loss === undefined ? undefined : oneOf('loss', v.loss, LOSSES);
  const init = v.init === undefined ? undefined : oneOf('init', v.init, INITS);
  if (v.spec === undefined)
    return { ...parseLayers(v.layers ?? '784,30,10', v.activation), loss: loss ?? 'quadratic', init: init ?? 'normal' };
  if (v.layers !== undefined || v.activation !== undefined)
    throw new CliError('--spec describes the whole network: leave out --layers and --activation');
  if (v.load !== undefined) throw new CliError('--spec and --load both give the network: give one');
  if (v.spec.trim() === '') throw new CliError('--spec: expected a file name, got an empty one');
  return readSpecFile(v.spec, { loss: { given: loss, fallback: 'quadratic' }, init: { given: init, fallback: 'normal' } });
}

/** `machine`: what the network's memory is bounded against (default: this machine). */
export function parseCli(argv: string[], machine: TrainingMachine = thisMachine()): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        layers: { type: 'string' },
        spec: { type: 'string' },
        activation: { type: 'string' },
        loss: { type: 'string' },
        init: { type: 'string' },
        optimizer: { type: 'string' },
        batch: { type: 'string' },
        lr: { type: 'string' },
        momentum: { type: 'string' },
        epochs: { type: 'string' },
        l2: { type: 'string' },
        stop: { type: 'string' },
        schedule: { type: 'string' },
        warmup: { type: 'string' },
        decay: { type: 'string' },
        every: { type: 'string' },
        'min-lr': { type: 'string' },
        patience: { type: 'string' },
        seed: { type: 'string' },
        scale: { type: 'string' },
        dataset: { type: 'string' },
        validation: { type: 'boolean' },
        'train-limit': { type: 'string' },
        'test-limit': { type: 'string' },
        out: { type: 'string' },
        load: { type: 'string' },
        onnx: { type: 'string' },
        'export-pytorch': { type: 'string' },
        safetensors: { type: 'string' },
        npz: { type: 'string' },
        weights: { type: 'string' },
        json: { type: 'boolean' },
        backend: { type: 'string' },
        workers: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
        'find-lr': { type: 'boolean' },
        sweep: { type: 'string' },
        'sweep-random': { type: 'string' },
        'sweep-halving': { type: 'boolean' },
      },
    });
  } catch (error) {
    // Node's own messages can span lines; the CLI promises one.
    throw new CliError((error as Error).message.replace(/\s*\n\s*/g, ' '));
  }
  const v = parsed.values;

  const spec = networkSpec(v);
  const settings: TrainSettings = {
    optimizer: oneOf('optimizer', v.optimizer ?? 'sgd', OPTIMIZERS),
    batchSize: number('batch', v.batch, 10, positiveInt, 'a whole number ≥ 1'),
    learningRate: number('lr', v.lr, 3, (n) => n > 0, 'a positive number'),
    momentum: number('momentum', v.momentum, 0.9, (n) => n >= 0 && n < 1, 'a number in [0, 1)'),
    epochs: number('epochs', v.epochs, 30, positiveInt, 'a whole number ≥ 1'),
    l2: number('l2', v.l2, 0, (n) => n >= 0, 'a number ≥ 0'),
    seed: number('seed', v.seed, 1, Number.isInteger, 'a whole number'),
    stop: parseStop(v.stop),
  };
  const schedule = parseSchedule(v);
  if (schedule) settings.schedule = schedule;
  const options: CliOptions = {
    spec,
    settings,
    machine,
    scaling: oneOf('scale', v.scale ?? 'min-max', SCALINGS),
    scaleGiven: v.scale !== undefined,
    validation: v.validation ?? false,
    json: v.json ?? false,
    epochsGiven: v.epochs !== undefined,
    backend: oneOf('backend', v.backend ?? 'auto', BACKENDS),
    workers:
      v.workers === 'auto'
        ? 'auto'
        : number('workers', v.workers, 1, (n) => positiveInt(n) && n <= 64, 'a whole number from 1 to 64, or auto'),
    findLr: v['find-lr'] ?? false,
    help: v.help ?? false,
    version: v.version ?? false,
  };
  if (v['train-limit'] !== undefined) options.trainLimit = number('train-limit', v['train-limit'], 0, positiveInt, 'a whole number ≥ 1');
  if (v['test-limit'] !== undefined) options.testLimit = number('test-limit', v['test-limit'], 0, positiveInt, 'a whole number ≥ 1');
  for (const flag of ['out', 'onnx'] as const) {
    const path = v[flag];
    if (path === undefined) continue;
    checkOutputName(`--${flag}`, path);
    options[flag] = path;
  }
  if (options.out !== undefined && options.onnx !== undefined && resolve(options.out) === resolve(options.onnx))
    throw new CliError('--out and --onnx name the same file');
  parseExportFlags(v, options);
  for (const flag of ['dataset', 'load'] as const) {
    const value = v[flag];
    if (value === undefined) continue;
    if (value.trim() === '')
      throw new CliError(`--${flag}: expected ${flag === 'load' ? 'a file name' : 'a path or a name'}, got an empty one`);
    options[flag] = value;
  }
  if (v.sweep !== undefined) {
    try {
      options.sweep = { axes: parseSweep(v.sweep) };
    } catch (error) {
      if (error instanceof SweepError) throw new CliError(`--sweep: ${error.message}`);
      throw error;
    }
    if (v['sweep-random'] !== undefined)
      options.sweep.budget = number(
        'sweep-random',
        v['sweep-random'],
        1,
        (n) => positiveInt(n) && n <= 1000,
        'a whole number from 1 to 1000',
      );
    if (v['sweep-halving']) options.sweep.halving = true;
    // Runs are compared on held-out data, never on the test set.
    options.validation = true;
    if (options.findLr || options.out !== undefined || options.onnx !== undefined || v.load !== undefined || exportsAsked(options))
      throw new CliError('--sweep makes many runs and saves none: it cannot take --find-lr, --load, --out or --onnx');
  } else if (v['sweep-random'] !== undefined) throw new CliError('--sweep-random needs --sweep');
  else if (v['sweep-halving']) throw new CliError('--sweep-halving needs --sweep');
  if (options.findLr && (options.out !== undefined || options.onnx !== undefined || v.load !== undefined || exportsAsked(options)))
    throw new CliError('--find-lr trains a throw-away copy of the design: it cannot take --load, --out or --onnx');
  if (settings.stop.kind === 'early-stopping' && !options.validation)
    throw new CliError('--stop patience:N watches the validation set: add --validation');
  if (!options.load) {
    const problem = [
      ...specProblems(spec),
      ...trainingProblems(spec, settings),
      ...trainingSizeProblems(spec, settings, machine, options.workers),
    ][0];
    if (problem) throw new CliError(problem.message);
  }
  return options;
}
