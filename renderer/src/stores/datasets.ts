import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { DatasetInfo, SampleImages } from '@core/lab/contract';
import { attempt, couldNot } from '../lab';

/** How many sample images the picker shows. */
export const SAMPLE_COUNT = 16;

/** The datasets the main process offers, and a cache of their sample images. */
export const useDatasetsStore = defineStore('datasets', () => {
  const datasets = ref<DatasetInfo[]>([]);
  const loaded = ref(false);
  const loading = ref(false);
  const error = ref<string | null>(null);
  const sampleCache = new Map<string, Promise<SampleImages>>();

  async function load(): Promise<void> {
    if (loading.value) return;
    loading.value = true;
    error.value = null;
    const result = await attempt((lab) => lab.listDatasets());
    if (result.ok) {
      datasets.value = result.value;
      loaded.value = true;
    } else error.value = couldNot('list the datasets', result.message);
    loading.value = false;
  }

  function find(id: string): DatasetInfo | undefined {
    return datasets.value.find((d) => d.id === id);
  }

  /** The first `count` training images of a dataset, fetched once and then cached; a refusal rejects with the lab's message. */
  function samples(datasetId: string, count = SAMPLE_COUNT): Promise<SampleImages> {
    const key = `${datasetId}:${count}`;
    let pending = sampleCache.get(key);
    if (!pending) {
      pending = attempt((lab) => lab.getSamples({ datasetId, split: 'train', offset: 0, count })).then((result) =>
        result.ok ? result.value : Promise.reject(new Error(result.message)),
      );
      sampleCache.set(key, pending);
      pending.catch(() => sampleCache.delete(key));
    }
    return pending;
  }

  return { datasets, loaded, loading, error, load, find, samples };
});
