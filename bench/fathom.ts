/** Times Fathom's own engine: Network.create + Trainer.step over one epoch, default jsKernels. */
import type { Samples } from '../core/data/dataset';
import { Network } from '../core/engine/network';
import { Rng } from '../core/engine/rng';
import { Trainer } from '../core/engine/trainer';
import { type Measurement, measurement, RSS_EVERY, RssSampler, Stopwatch } from './measurement';
import type { BenchNetwork } from './networks';

function createTrainer(bench: BenchNetwork, train: Samples, seed: number): Trainer {
  const net = Network.create(bench.spec, new Rng(seed));
  return new Trainer(net, { train }, { ...bench.settings, seed });
}

/** Runs `steps` batches untimed so V8 has compiled the hot loops before the clock starts. */
function warmUp(bench: BenchNetwork, train: Samples, steps: number): void {
  const trainer = createTrainer(bench, train, 99);
  for (let i = 0; i < Math.min(steps, trainer.batchesPerEpoch); i++) trainer.step();
}

/** One full epoch over `train`, timing only the Trainer.step loop. */
export function measureFathom(bench: BenchNetwork, train: Samples, warmUpSamples: number): Measurement {
  warmUp(bench, train, Math.ceil(warmUpSamples / bench.settings.batchSize));
  const trainer = createTrainer(bench, train, 1);
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
  return measurement('fathom', bench.id, { samples: train.count, ...elapsed }, rss, baseRss, loss / train.count);
}
