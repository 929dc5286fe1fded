/**
 * Predicted against actual on a regression dataset: the runs trained on it that have saved weights
 * (newest first), the one chosen, and its model's predictions on the test split. Answers about a
 * dataset or run that is no longer the chosen one are dropped.
 */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { RegressionPredictions, RunSummary } from '@core/lab/contract';
import { attempt, couldNot } from '../lab';

export const usePredictionsStore = defineStore('predictions', () => {
  const datasetId = ref<string | null>(null);
  const runs = ref<RunSummary[]>([]);
  const runId = ref<string | null>(null);
  /** Kept out of deep reactivity: arrays of numbers that are only ever replaced. */
  const result = shallowRef<RegressionPredictions | null>(null);
  const error = ref<string | null>(null);

  /** Lists the runs trained on `id` and shows the newest one's predictions. */
  async function open(id: string): Promise<void> {
    datasetId.value = id;
    const listed = await attempt((lab) => lab.listRuns());
    if (datasetId.value !== id) return;
    runs.value = listed.ok
      ? listed.value.filter((r) => r.datasetId === id && r.history.length > 0).sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      : [];
    await choose(runs.value[0]?.id ?? null);
    if (!listed.ok) error.value = couldNot('list the runs', listed.message);
  }

  async function choose(id: string | null): Promise<void> {
    runId.value = id;
    result.value = null;
    error.value = null;
    if (id === null) return;
    const answer = await attempt((lab) => lab.regressionPredictions({ runId: id }));
    if (runId.value !== id) return;
    if (answer.ok) result.value = answer.value;
    else error.value = answer.message;
  }

  return { datasetId, runs, runId, result, error, open, choose };
});
