/** The training data both engines see: MNIST's training images, min-max scaled to [0, 1]. */
import type { Samples } from '../core/data/dataset';
import { loadMnist } from '../core/data/mnist';

/** The first `count` training images (all 60,000 when count is 60,000), one-hot targets. */
export function loadBenchSamples(count: number): Samples {
  const data = loadMnist({ scaling: 'min-max', trainLimit: count, testLimit: 1 });
  return data.train;
}
