/**
 * The Trainer of one run, inside its worker: plain on this thread, or with its gradients computed
 * data-parallel by shard workers (core/engine/parallel) when the run has more than one thread.
 * With N threads, this worker computes shards too and starts N − 1 shard workers, its own threads:
 * `close()` ends them, and the run must call it however it ends (a terminated worker takes its
 * shard workers with it).
 */
import { pathToFileURL } from 'node:url';
import type { Network } from '../engine/network';
import { nodeWorkerFactory } from '../engine/parallel/node-workers';
import { ParallelTrainer } from '../engine/parallel/parallel-trainer';
import type { TrainSettings } from '../engine/spec';
import { Trainer, type TrainData } from '../engine/trainer';

export interface RunTrainer {
  trainer: Trainer;
  /** The threads computing gradients: 1, or the shard workers' count. */
  threads: number;
  close(): Promise<void>;
}

export async function startRunTrainer(net: Network, data: TrainData, settings: TrainSettings, threads = 1, parallelEntry?: string): Promise<RunTrainer> {
  if (threads <= 1) return { trainer: new Trainer(net, data, settings), threads: 1, close: async () => undefined };
  const factory = nodeWorkerFactory(parallelEntry ? pathToFileURL(parallelEntry) : undefined);
  // `workers` counts every thread that computes shards, this one (the coordinator) included.
  const parallel = await ParallelTrainer.start(net, data, settings, { workers: threads, factory });
  return { trainer: parallel.trainer, threads, close: () => parallel.close() };
}
