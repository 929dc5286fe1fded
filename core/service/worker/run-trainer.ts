/**
 * The Trainer of one run, inside its worker: plain on this thread, or with its gradients computed
 * data-parallel (core/engine/parallel) when the run has more than one thread. 'auto' is decided
 * here by the engine's policy, since only the worker knows which kernels it got.
 * With N threads, this worker computes shards too and starts N − 1 shard workers, its own threads:
 * `close()` ends them, and the run must call it however it ends (a terminated worker takes its
 * shard workers with it).
 */
import { pathToFileURL } from 'node:url';
import type { Network } from '../../engine/network';
import { nodeWorkerFactory } from '../../engine/parallel/node-workers';
import { ParallelTrainer } from '../../engine/parallel/parallel-trainer';
import { autoThreads } from '../../engine/parallel/policy';
import type { TrainSettings } from '../../engine/spec';
import { Trainer, type TrainData } from '../../engine/trainer';
import type { TrainThreads } from '../../lab/contract';

export interface RunTrainer {
  trainer: Trainer;
  /** The threads computing gradients: 1, or the parallel trainer's count. */
  threads: number;
  close(): Promise<void>;
}

export interface RunThreads {
  threads: TrainThreads;
  /** Cores the policy may use for 'auto'. */
  cores: number;
  /** The shard worker's entry file (the bundled app's copy); default next to its source. */
  parallelEntry?: string;
}

export async function startRunTrainer(net: Network, data: TrainData, settings: TrainSettings, options: RunThreads): Promise<RunTrainer> {
  const { cores, parallelEntry } = options;
  const threads =
    options.threads === 'auto'
      ? autoThreads({ spec: net.spec, batchSize: settings.batchSize, cores, backend: net.kernels.name })
      : options.threads;
  if (threads <= 1) return { trainer: new Trainer(net, data, settings), threads: 1, close: async () => undefined };
  const factory = nodeWorkerFactory(parallelEntry ? pathToFileURL(parallelEntry) : undefined);
  // `workers` counts every thread that computes shards, this one (the coordinator) included.
  const parallel = await ParallelTrainer.start(net, data, settings, { workers: threads, factory });
  return { trainer: parallel.trainer, threads, close: () => parallel.close() };
}
