/**
 * The learning-rate range test in a worker thread (the train-worker entry started with a `finder`
 * task): a fresh network from the design's seed (or from a model file's weights and scaling), the design's training data, and nothing written
 * anywhere. It posts throttled progress and then the result; the main thread cancels it by ending
 * the thread (the test is one synchronous loop, a few seconds long).
 */
import { Network } from '../../engine/network';
import { findLearningRate } from '../../engine/lr-finder';
import { Rng } from '../../engine/rng';
import { chooseKernels } from '../../engine/wasm/select';
import type { FinderMessage, FinderTask } from '../finder/finder-protocol';
import { applyWeights, type TrainWorkerData } from './protocol';
import { withScaling } from './start-scaling';
import { loadTrainingData } from './training-data';

/** At most this often a progress message, as a run's worker does. */
const DEFAULT_INTERVAL_MS = 125;

export async function runFinderTask(data: TrainWorkerData, task: FinderTask, post: (message: FinderMessage) => void): Promise<void> {
  const loaded = await loadTrainingData(data);
  const dataset = data.scalingParams ? withScaling(loaded, data.scalingParams) : loaded;
  const { kernels } = chooseKernels(data.backend ?? 'auto', undefined, data.wasmPath);
  const net = Network.create(data.spec, new Rng(data.settings.seed), 'float32', kernels);
  // A design from a model file: the test starts from the file's weights, as its run would.
  if (data.resume) applyWeights(net, data.resume.weights);
  const interval = data.progressIntervalMs ?? DEFAULT_INTERVAL_MS;
  let last = -Infinity;
  const onBatch = (done: number, total: number): void => {
    const now = performance.now();
    if (now - last < interval && done < total) return;
    last = now;
    post({ type: 'finder-progress', done, total });
  };
  const result = findLearningRate(net, { train: dataset.train }, data.settings, {
    onBatch,
    ...(task.batches !== undefined ? { batches: task.batches } : {}),
  });
  post({ type: 'finder-result', result });
}
