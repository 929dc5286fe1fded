/**
 * The Trainer of one run, inside its worker: plain on this thread, or with its gradients computed
 * data-parallel by shard workers (core/engine/parallel) when the run has more than one thread.
 * The shard workers are this worker's own threads: `close()` ends them, and the run must call it
 * however it ends (a terminated worker takes its shard workers with it).
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

/** The parallel trainer's worker count for `threads` computing threads (its coordinator only waits while they work). */
export const shardWorkers = (threads: number): number => threads;

export async function startRunTrainer(net: Network, data: TrainData, settings: TrainSettings, threads = 1, parallelEntry?: string): Promise<RunTrainer> {
  if (threads <= 1) return { trainer: new Trainer(net, data, settings), threads: 1, close: async () => undefined };
  const factory = nodeWorkerFactory(parallelEntry ? pathToFileURL(parallelEntry) : undefined);
  const parallel = await ParallelTrainer.start(net, data, settings, { workers: shardWorkers(threads), factory });
  return { trainer: parallel.trainer, threads, close: () => parallel.close() };
}
