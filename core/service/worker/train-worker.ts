/**
 * Worker-thread entry of one training run: a thin adapter between the message port and a
 * TrainingSession. It loads the dataset (each worker parses its own copy; the parse is cached per
 * thread), builds the network and trainer (with its shard workers when the run has threads > 1),
 * then trains until finished or stopped, and ends the shard workers however the run ends.
 * Bundled for the app with electron-vite's `?nodeWorker`; tests start it through tsx. Started with a
 * `finder` task, it runs the learning-rate finder instead (finder-task.ts).
 */
import { availableParallelism } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { Network } from '../../engine/network';
import { Rng } from '../../engine/rng';
import { chooseKernels } from '../../engine/wasm/select';
import { checkpointPolicy } from '../runs/checkpoints';
import { Checkpointer } from './checkpointer';
import { resumeTrainer } from './resume-trainer';
import { startRunTrainer, type RunTrainer } from './run-trainer';
import { loadTrainingData } from './training-data';
import { withScaling } from './start-scaling';
import { runFinderTask } from './finder-task';
import { TrainingSession } from './training-session';
import type { KernelBackend } from '../../lab/contract';
import { snapshotWeights, type TrainWorkerData, type WorkerCommand, type WorkerMessage } from './protocol';

const port = parentPort;
if (!port) throw new Error('train-worker must run in a worker thread');

const post = (message: WorkerMessage, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);

async function main(data: TrainWorkerData): Promise<void> {
  const loaded = await loadTrainingData(data);
  const dataset = data.scalingParams ? withScaling(loaded, data.scalingParams) : loaded;
  // One kernels instance (one wasm memory) for the run's one network: training and evaluation share it.
  const { kernels, fallback } = chooseKernels(data.backend ?? 'auto', undefined, data.wasmPath);
  const backend: KernelBackend = kernels.name === 'wasm' ? 'wasm' : 'js';
  const net = Network.create(data.spec, new Rng(data.settings.seed), 'float32', kernels);
  const splits = { train: dataset.train, validation: dataset.validation, test: dataset.test };
  let run: RunTrainer | undefined;
  try {
    const threadOptions = {
      threads: data.threads ?? 1,
      cores: data.cores ?? availableParallelism(),
      ...(data.parallelEntry ? { parallelEntry: data.parallelEntry } : {}),
    };
    run = await startRunTrainer(net, splits, data.settings, threadOptions);
    const { trainer, threads } = run;
    if (data.resume) resumeTrainer(trainer, data.resume);
    const sizes = {
      train: dataset.train.count,
      test: dataset.test.count,
      ...(dataset.validation ? { validation: dataset.validation.count } : {}),
    };
    post({
      type: 'ready',
      scaling: dataset.scaling,
      sizes,
      batchesPerEpoch: trainer.batchesPerEpoch,
      backend,
      ...(fallback ? { backendNote: fallback } : {}),
      threads,
    });

    // Every progress message says how many threads train, next to the kernels.
    const withThreads = (message: WorkerMessage, transfer?: ArrayBuffer[]): void =>
      post(message.type === 'progress' ? { ...message, progress: { ...message.progress, threads } } : message, transfer);
    const history = data.resume ? [...data.resume.history] : [];
    let session: TrainingSession | undefined = undefined;
    const checkpointer =
      data.runDir === undefined
        ? undefined
        : new Checkpointer({
            dir: data.runDir,
            spec: data.spec,
            policy: data.checkpoints ?? checkpointPolicy(undefined, data.spec, data.settings.epochs),
            settings: () => ({ ...data.settings, learningRate: trainer.learningRate }),
            scaling: dataset.scaling,
            history,
            ...(data.startedFrom ? { startedFrom: data.startedFrom } : {}),
            ...(data.checkpointIntervalMs !== undefined ? { intervalMs: data.checkpointIntervalMs } : {}),
            onSaved: (files) => session!.saved(files),
            onFailure: (problem) => session!.saveFailed(problem),
          });
    const options = { progressIntervalMs: data.progressIntervalMs, sliceMs: data.sliceMs, backend, history, checkpointer };
    session = new TrainingSession(trainer, withThreads, options);
    // A new run that keeps every epoch (or every n), or starts from a model file, keeps its initial weights too, as epoch 0.
    if (history.length === 0) checkpointer?.offerInitial(snapshotWeights(net));
    // The port starts delivering once the listener below is attached, so commands sent while the data loaded are queued, not lost.
    port!.on('message', (command: WorkerCommand) => session!.handle(command));
    await session.run();
  } finally {
    await run?.close();
  }
}

const data = workerData as TrainWorkerData;
// The learning-rate finder shares this entry (one worker bundle in the app): it trains a throw-away network and writes nothing.
const task = data.finder ? runFinderTask(data, data.finder, (message) => port.postMessage(message)) : main(data);
task.then(
  () => port.close(),
  (error: unknown) => {
    post({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
    port.close();
  },
);
