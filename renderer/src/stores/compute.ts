/**
 * How runs are computed, as opposed to what they learn: the threads a new run trains with. Kept
 * apart from the design (no undo steps, not part of a preset) and remembered between app starts.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { MAX_TRAIN_THREADS, type TrainThreads } from '@core/lab/contract';
import { threadsSchema } from '@core/lab/schemas';
import { browserStorage } from '@renderer/model/storage';

export const COMPUTE_KEY = 'fathom.compute.v1';

/** The stored setting, or 'auto' when nothing usable is stored (storage is untrusted). */
export function loadThreads(storage: Pick<Storage, 'getItem'> | null): TrainThreads {
  try {
    const parsed = threadsSchema.safeParse(JSON.parse(storage?.getItem(COMPUTE_KEY) ?? 'null')?.threads);
    return parsed.success ? parsed.data : 'auto';
  } catch {
    return 'auto';
  }
}

/** Auto, then 1 … the machine's cores (at least 2, so the parallel path can always be chosen), and the current value. */
export function threadChoices(cores: number, current: TrainThreads): TrainThreads[] {
  const top = Math.min(MAX_TRAIN_THREADS, Math.max(2, cores));
  const counts = Array.from({ length: top }, (_, i) => i + 1);
  if (typeof current === 'number' && current > top) counts.push(current);
  return ['auto', ...counts];
}

export const useComputeStore = defineStore('compute', () => {
  const threads = ref<TrainThreads>(loadThreads(browserStorage()));

  function setThreads(value: TrainThreads): void {
    if (!threadsSchema.safeParse(value).success) return;
    threads.value = value;
    try {
      browserStorage()?.setItem(COMPUTE_KEY, JSON.stringify({ threads: value }));
    } catch {
      // Full or unavailable storage only costs remembering the choice.
    }
  }

  return { threads, setThreads };
});
