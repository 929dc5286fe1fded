/**
 * The dataset browser's state: importing (with the progress events of window.lab and the
 * specific message of a failed import), the dataset being browsed and its overview, renames and
 * deletes. The list of datasets itself is the datasets store's; it is reloaded after each change.
 */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { DatasetInfo, DatasetOverview, ImportKind, ImportSourceEvent } from '@core/lab/contract';
import type { ImportOptions } from '@renderer/model/datasets/import-form';
import { attempt, couldNot, useLab, type LabResult } from '../lab';
import { useDatasetsStore } from './datasets';

export interface ImportState {
  importId: string;
  kind: ImportKind;
  /** 0…1; null until the dialog has closed and reading has started. */
  fraction: number | null;
}

/** Training samples per class the browser shows. */
export const SAMPLES_PER_CLASS = 8;

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
  /** The last rename, delete or cancel that failed, and why. */
  const actionError = ref<string | null>(null);
  const overviews = new Map<string, Promise<LabResult<DatasetOverview>>>();
  /** The dataset browser is open (the Data card's button, the menu's Import Dataset…, a dropped dataset). */
  const browserOpen = ref(false);
  /** Files main offered for import (dropped on the window, Open Recent): imported by their id, never by a path. */
  const offered = ref<ImportSourceEvent | null>(null);

  function offer(event: ImportSourceEvent): void {
    offered.value = event;
    importError.value = null;
    browserOpen.value = true;
  }

  /** Imports the offered files with the options of the form (no dialog: main already has them). */
  async function importOffered(options: ImportOptions = {}): Promise<DatasetInfo | null> {
    const source = offered.value;
    if (!source) return null;
    offered.value = null;
    return importDataset(source.kind, { ...options, sourceId: source.sourceId });
  }

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
      const asked = attempt((lab) => lab.datasetOverview({ datasetId: id, samplesPerClass: SAMPLES_PER_CLASS }));
      overviews.set(id, asked);
      // A refusal is not cached: the next select asks again.
      void asked.then((r) => !r.ok && overviews.get(id) === asked && overviews.delete(id));
      pending = asked;
    }
    loadingOverview.value = true;
    const result = await pending;
    if (selectedId.value !== id) return;
    overview.value = result.ok ? result.value : null;
    if (!result.ok) overviewError.value = couldNot('read this dataset', result.message);
    loadingOverview.value = false;
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
      const answer = await attempt((lab) => lab.importDataset({ ...options, kind, importId }));
      if (!answer.ok) {
        importError.value = answer.message;
        return null;
      }
      const result = answer.value;
      if (result.status === 'failed') importError.value = result.message;
      if (result.status !== 'imported') return null;
      lastImported.value = result.dataset;
      await refresh();
      await select(result.dataset.id);
      return result.dataset;
    } finally {
      stop();
      importing.value = null;
    }
  }

  async function cancelImport(): Promise<void> {
    const current = importing.value;
    if (!current) return;
    const result = await attempt((lab) => lab.cancelImport({ importId: current.importId }));
    if (!result.ok) actionError.value = couldNot('cancel the import', result.message);
  }

  async function rename(id: string, name: string): Promise<boolean> {
    actionError.value = null;
    const result = await attempt((lab) => lab.renameDataset({ datasetId: id, name: name.trim() }));
    if (!result.ok) {
      actionError.value = result.message;
      return false;
    }
    overviews.delete(id);
    await refresh();
    if (selectedId.value === id) await select(id);
    return true;
  }

  /** New names for a dataset's classes, in label order; false (with the reason in actionError) when refused. */
  async function renameClasses(id: string, classes: string[]): Promise<boolean> {
    actionError.value = null;
    const result = await attempt((lab) => lab.renameClasses({ datasetId: id, classes: classes.map((c) => c.trim()) }));
    if (!result.ok) {
      actionError.value = result.message;
      return false;
    }
    overviews.delete(id);
    await refresh();
    if (selectedId.value === id) await select(id);
    return true;
  }

  async function remove(id: string): Promise<boolean> {
    actionError.value = null;
    const result = await attempt((lab) => lab.deleteDataset({ datasetId: id }));
    if (!result.ok) {
      actionError.value = result.message;
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
    browserOpen,
    offered,
    offer,
    importOffered,
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
    renameClasses,
    remove,
    dismissImportMessages,
  };
});
