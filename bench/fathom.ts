/** Times Fathom's own engine: Network.create + Trainer.step over one epoch, on the js or the wasm kernels. */
import type { Samples } from '../core/data/dataset';
import { Network } from '../core/engine/network';
import { Rng } from '../core/engine/rng';
import { Trainer } from '../core/engine/trainer';
import { selectKernels } from '../core/engine/wasm/select';
import { type Measurement, measurement, RSS_EVERY, RssSampler, Stopwatch } from './measurement';
import type { BenchNetwork } from './networks';

export type FathomBackend = 'js' | 'wasm';

/** A network on fresh kernels (one wasm instance per network, so its buffers live in wasm memory). */
function createTrainer(bench: BenchNetwork, train: Samples, seed: number, backend: FathomBackend): Trainer {
  const net = Network.create(bench.spec, new Rng(seed), 'float32', selectKernels(backend));
  return new Trainer(net, { train }, { ...bench.settings, seed });
}

/** Runs `steps` batches untimed so V8 has compiled the hot loops before the clock starts. */
function warmUp(bench: BenchNetwork, train: Samples, steps: number, backend: FathomBackend): void {
  const trainer = createTrainer(bench, train, 99, backend);
  for (let i = 0; i < Math.min(steps, trainer.batchesPerEpoch); i++) trainer.step();
}

/** One full epoch over `train`, timing only the Trainer.step loop. */
export function measureFathom(bench: BenchNetwork, train: Samples, warmUpSamples: number, backend: FathomBackend): Measurement {
  warmUp(bench, train, Math.ceil(warmUpSamples / bench.settings.batchSize), backend);
  const trainer = createTrainer(bench, train, 1, backend);
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
  return measurement(backend === 'wasm' ? 'fathom-wasm' : 'fathom', bench.id, { samples: train.count, ...elapsed }, rss, baseRss, loss / train.count);
}
