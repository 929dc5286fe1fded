/**
 * The dataset browser's state: importing (with the progress events of window.lab and the
 * specific message of a failed import), the dataset being browsed and its overview, renames and
 * deletes. The list of datasets itself is the datasets store's; it is reloaded after each change.
 */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { DatasetInfo, DatasetOverview, ImportKind } from '@core/lab/contract';
import type { ImportOptions } from '@renderer/model/datasets/import-form';
import { useLab } from '../lab';
import { useDatasetsStore } from './datasets';

export interface ImportState {
  importId: string;
  kind: ImportKind;
  /** 0…1; null until the dialog has closed and reading has started. */
  fraction: number | null;
}

/** Training samples per class the browser shows. */
export const SAMPLES_PER_CLASS = 8;

const messageOf = (err: unknown): string =>
  (err instanceof Error ? err.message : String(err)).replace(/^Error invoking remote method '[^']+': (Error: )?/, '');

let importCount = 0;

export const useLibraryStore = defineStore('library', () => {
  const datasets = useDatasetsStore();
  const importing = ref<ImportState | null>(null);
  /** The specific message of the last failed import (nothing was imported). */
  const importError = ref<string | null>(null);
  /** The dataset the last import added (its notes show with its details). */
  const lastImported = ref<DatasetInfo | null>(null);
  const selectedId = ref<string | null>(null);
  /** Kept out of deep reactivity: tens of thousands of numbers that are only ever replaced. */
  const overview = shallowRef<DatasetOverview | null>(null);
  const overviewError = ref<string | null>(null);
  const loadingOverview = ref(false);
  /** The last rename or delete that failed, and why. */
  const actionError = ref<string | null>(null);
  const overviews = new Map<string, Promise<DatasetOverview>>();

  async function refresh(): Promise<void> {
    await datasets.load();
  }

  async function select(id: string | null): Promise<void> {
    selectedId.value = id;
    overviewError.value = null;
    if (id === null) {
      overview.value = null;
      return;
    }
    let pending = overviews.get(id);
    if (!pending) {
      pending = useLab().datasetOverview({ datasetId: id, samplesPerClass: SAMPLES_PER_CLASS });
      overviews.set(id, pending);
      pending.catch(() => overviews.delete(id));
    }
    loadingOverview.value = true;
    try {
      const result = await pending;
      if (selectedId.value === id) overview.value = result;
    } catch (err) {
      if (selectedId.value === id) {
        overview.value = null;
        overviewError.value = `Could not read this dataset: ${messageOf(err)}`;
      }
    } finally {
      if (selectedId.value === id) loadingOverview.value = false;
    }
  }

  /** Asks the main process to open its file dialog for `kind`, then imports what was picked. */
  async function importDataset(kind: ImportKind, options: ImportOptions = {}): Promise<DatasetInfo | null> {
    if (importing.value) return null;
    const lab = useLab();
    const importId = `window-${Date.now().toString(36)}-${++importCount}`;
    importing.value = { importId, kind, fraction: null };
    importError.value = null;
    lastImported.value = null;
    const stop = lab.onEvent((event) => {
      if (event.type === 'import-progress' && importing.value?.importId === event.importId) importing.value.fraction = event.fraction;
    });
    try {
      const result = await lab.importDataset({ ...options, kind, importId });
      if (result.status === 'failed') importError.value = result.message;
      if (result.status !== 'imported') return null;
      lastImported.value = result.dataset;
      await refresh();
      await select(result.dataset.id);
      return result.dataset;
    } catch (err) {
      importError.value = messageOf(err);
      return null;
    } finally {
      stop();
      importing.value = null;
    }
  }

  async function cancelImport(): Promise<void> {
    const current = importing.value;
    if (current) await useLab().cancelImport({ importId: current.importId });
  }

  async function rename(id: string, name: string): Promise<boolean> {
    actionError.value = null;
    try {
      await useLab().renameDataset({ datasetId: id, name: name.trim() });
    } catch (err) {
      actionError.value = messageOf(err);
      return false;
    }
    overviews.delete(id);
    await refresh();
    if (selectedId.value === id) await select(id);
    return true;
  }

  async function remove(id: string): Promise<boolean> {
    actionError.value = null;
    try {
      await useLab().deleteDataset({ datasetId: id });
    } catch (err) {
      actionError.value = messageOf(err);
      return false;
    }
    overviews.delete(id);
    await refresh();
    if (selectedId.value === id) await select(datasets.datasets[0]?.id ?? null);
    return true;
  }

  function dismissImportMessages(): void {
    importError.value = null;
    lastImported.value = null;
  }

  return {
    importing,
    importError,
    lastImported,
    selectedId,
    overview,
    overviewError,
    loadingOverview,
    actionError,
    refresh,
    select,
    importDataset,
    cancelImport,
    rename,
    remove,
    dismissImportMessages,
  };
});
