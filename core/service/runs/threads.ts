/**
 * How many threads a run trains with: the user's number as given, or 'auto'. 'auto' is settled in
 * two places: here, when the run starts, because runs already training each keep a core busy (so
 * none extra beside them); and in the run's worker, where the engine's policy
 * (core/engine/parallel/policy.ts) decides with the kernels the worker actually got.
 */
import type { TrainThreads } from '../../lab/contract';

/** What a starting run's worker is told: a count, or 'auto' for the policy to decide. */
export function threadsAtLaunch(setting: TrainThreads | undefined, otherRunsTraining: number): TrainThreads {
  if (setting !== undefined && setting !== 'auto') return setting;
  return otherRunsTraining > 0 ? 1 : 'auto';
}
