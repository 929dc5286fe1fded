/**
 * How runs are computed and kept, as opposed to what they learn: the threads a new run trains with
 * and the checkpoints it keeps. Kept apart from the design (no undo steps, not part of a preset) and
 * remembered between app starts, both under one storage key.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { MAX_TRAIN_THREADS, type CheckpointSetting, type TrainThreads } from '@core/lab/contract';
import { checkpointSettingSchema, threadsSchema } from '@core/lab/schemas';
import { browserStorage } from '@renderer/model/storage';

export const COMPUTE_KEY = 'fathom.compute.v1';

type Reader = Pick<Storage, 'getItem'> | null;

/** The stored object, or null when nothing readable is stored (storage is untrusted: each field is checked by its reader). */
function stored(storage: Reader): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(storage?.getItem(COMPUTE_KEY) ?? 'null');
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The stored threads, or 'auto' when nothing usable is stored. */
export function loadThreads(storage: Reader): TrainThreads {
  const parsed = threadsSchema.safeParse(stored(storage)?.['threads']);
  return parsed.success ? parsed.data : 'auto';
}

/** The stored checkpoint setting, or Auto when nothing usable is stored. */
export function loadCheckpoints(storage: Reader): CheckpointSetting {
  const parsed = checkpointSettingSchema.safeParse(stored(storage)?.['checkpoints']);
  return parsed.success ? parsed.data : { kind: 'auto' };
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
  /** Which checkpoints the runs started from now on keep (the Train toolbar's select). */
  const checkpoints = ref<CheckpointSetting>(loadCheckpoints(browserStorage()));

  function save(): void {
    try {
      browserStorage()?.setItem(COMPUTE_KEY, JSON.stringify({ threads: threads.value, checkpoints: checkpoints.value }));
    } catch {
      // Full or unavailable storage only costs remembering the choice.
    }
  }

  function setThreads(value: TrainThreads): void {
    if (!threadsSchema.safeParse(value).success) return;
    threads.value = value;
    save();
  }

  function setCheckpoints(value: CheckpointSetting): void {
    const parsed = checkpointSettingSchema.safeParse(value);
    if (!parsed.success) return;
    checkpoints.value = parsed.data;
    save();
  }

  return { threads, checkpoints, setThreads, setCheckpoints };
});
