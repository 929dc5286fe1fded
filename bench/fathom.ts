/**
 * Times Fathom's own engine: Network.create + Trainer.step over one epoch, on the js or the wasm
 * kernels, on this thread or data-parallel over worker threads (ParallelTrainer).
 */
import type { Samples } from '../core/data/dataset';
import { Network } from '../core/engine/network';
import { nodeWorkerFactory } from '../core/engine/parallel/node-workers';
import { ParallelTrainer } from '../core/engine/parallel/parallel-trainer';
import { Rng } from '../core/engine/rng';
import { Trainer } from '../core/engine/trainer';
import { selectKernels } from '../core/engine/wasm/select';
import { type Measurement, measurement, RSS_EVERY, RssSampler, Stopwatch } from './measurement';
import type { BenchNetwork } from './networks';

export type FathomBackend = 'js' | 'wasm';

/** A trainer on fresh kernels (one wasm instance per network), and how to release its workers. */
async function createTrainer(
  bench: BenchNetwork,
  train: Samples,
  seed: number,
  backend: FathomBackend,
  workers: number,
  fused: boolean,
): Promise<{ trainer: Trainer; close(): Promise<void> }> {
  const net = Network.create(bench.spec, new Rng(seed), 'float32', selectKernels(backend));
  const settings = { ...bench.settings, seed };
  if (workers <= 1) return { trainer: new Trainer(net, { train }, settings, { fusedStep: fused }), close: async () => {} };
  const parallel = await ParallelTrainer.start(net, { train }, settings, { workers, factory: nodeWorkerFactory() });
  return { trainer: parallel.trainer, close: () => parallel.close() };
}

/** Runs `steps` batches untimed so V8 has compiled the hot loops before the clock starts. */
async function warmUp(bench: BenchNetwork, train: Samples, steps: number, backend: FathomBackend, workers: number, fused: boolean) {
  const { trainer, close } = await createTrainer(bench, train, 99, backend, workers, fused);
  for (let i = 0; i < Math.min(steps, trainer.batchesPerEpoch); i++) trainer.step();
  await close();
}

/** One full epoch over `train`, timing only the Trainer.step loop (worker start-up excluded). */
export async function measureFathom(
  bench: BenchNetwork,
  train: Samples,
  warmUpSamples: number,
  backend: FathomBackend,
  workers = 1,
  fused = true,
): Promise<Measurement> {
  await warmUp(bench, train, Math.ceil(warmUpSamples / bench.settings.batchSize), backend, workers, fused);
  const { trainer, close } = await createTrainer(bench, train, 1, backend, workers, fused);
  const rss = new RssSampler();
  rss.sample();
  const baseRss = rss.peak;
  let loss = 0;
  const clock = new Stopwatch();
  for (let i = 0; i < trainer.batchesPerEpoch; i++) {
    const report = trainer.step();
    loss += report.loss * report.rows;
    if (i % RSS_EVERY === 0) rss.sample();
  }
  const elapsed = clock.elapsed();
  rss.sample();
  await close();
  const kernels = `${trainer.net.kernels.label}${trainer.fusedStep ? ', one call per batch' : ''}`;
  const result = measurement(
    backend === 'wasm' ? 'fathom-wasm' : 'fathom',
    bench.id,
    { samples: train.count, ...elapsed },
    rss,
    baseRss,
    loss / train.count,
  );
  return { ...result, kernels };
}
