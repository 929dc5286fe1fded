// @vitest-environment happy-dom
/** The dataset browser's store against a fake window.lab: imports with progress, failures, renames and deletes. */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { DatasetInfo, DatasetOverview, ImportResult } from '@core/lab/contract';
import { useDatasetsStore } from '@renderer/stores/datasets';
import { useLibraryStore } from '@renderer/stores/library';
import { designerVerbs, MNIST } from '../design/fixtures';
import { installFakeLab, labEvents } from '../fake-lab';

const FASHION: DatasetInfo = {
  ...MNIST,
  id: '0f8fad5b-d9cb-469f-a165-70867728950e',
  name: 'fashion-mnist',
  builtIn: false,
  sizes: { train: 54_000, validation: 6_000, test: 10_000 },
};

function overviewOf(dataset: DatasetInfo): DatasetOverview {
  return { dataset, sizes: { train: 1, validation: 0, test: 1 }, source: null, fingerprint: null, createdAt: null, notes: [] };
}

/** A fake lab whose list grows with imports and whose events the test sends. */
function setUp() {
  const list: DatasetInfo[] = [MNIST];
  const events = labEvents();
  const lab = installFakeLab({
    ...designerVerbs(list),
    onEvent: events.onEvent,
    datasetOverview: async ({ datasetId }) => overviewOf(list.find((d) => d.id === datasetId)!),
  });
  return { lab, list, emit: events.emit, events };
}

beforeEach(() => setActivePinia(createPinia()));

describe('library store', () => {
  it('imports with progress from the event stream, then lists and selects the new dataset', async () => {
    const { lab, list, emit, events } = setUp();
    const store = useLibraryStore();
    let finish!: (r: ImportResult) => void;
    lab.importDataset = vi.fn(() => new Promise<ImportResult>((resolve) => (finish = resolve)));
    const done = store.importDataset('idx', { classes: ['a', 'b'] });
    const request = vi.mocked(lab.importDataset).mock.calls[0]![0];
    expect(request).toMatchObject({ kind: 'idx', classes: ['a', 'b'] });
    expect(request).not.toHaveProperty('path');
    expect(store.importing?.fraction).toBeNull();
    emit({ type: 'import-progress', importId: 'someone-else', fraction: 0.9 });
    emit({ type: 'import-progress', importId: request.importId!, fraction: 0.4 });
    expect(store.importing?.fraction).toBe(0.4);
    list.push(FASHION);
    finish({ status: 'imported', importId: request.importId!, dataset: FASHION, notes: [] });
    await expect(done).resolves.toEqual(FASHION);
    expect(store.importing).toBeNull();
    expect(events.listeners).toBe(0);
    expect(useDatasetsStore().datasets.map((d) => d.id)).toEqual(['mnist', FASHION.id]);
    expect(store.selectedId).toBe(FASHION.id);
    expect(store.overview?.dataset.name).toBe('fashion-mnist');
    expect(store.lastImported).toEqual(FASHION);
  });

  it('sends the split shares, seed and format hints the panel chose, with the sizes the import made', async () => {
    const { lab, list } = setUp();
    const store = useLibraryStore();
    const split: DatasetInfo = { ...FASHION, sizes: { train: 48_000, validation: 12_000, test: 10_000 } };
    lab.importDataset = vi.fn(async (r): Promise<ImportResult> => {
      list.push(split);
      return { status: 'imported', importId: r.importId!, dataset: split, notes: [] };
    });
    const options = { validation: 0.2, test: 0.25, seed: 42, label: 'digit', header: false };
    expect((await store.importDataset('csv', options))?.sizes).toEqual({ train: 48_000, validation: 12_000, test: 10_000 });
    expect(lab.importDataset).toHaveBeenCalledWith({ ...options, kind: 'csv', importId: expect.any(String) });
    expect(store.overview?.dataset.sizes.validation).toBe(12_000);
  });

  it('shows the specific message of a failed import, and nothing else changes', async () => {
    const { lab } = setUp();
    const store = useLibraryStore();
    lab.importDataset = vi.fn(
      async (r) =>
        ({
          status: 'failed',
          importId: r.importId!,
          code: 'truncated',
          message: 'train-images-idx3-ubyte: expected 784 bytes, found 30',
        }) as const,
    );
    expect(await store.importDataset('idx')).toBeNull();
    expect(store.importError).toBe('train-images-idx3-ubyte: expected 784 bytes, found 30');
    expect(lab.listDatasets).not.toHaveBeenCalled();
    lab.importDataset = vi.fn(async (r) => ({ status: 'cancelled', importId: r.importId! }) as const);
    await store.importDataset('csv');
    expect(store.importError).toBeNull();
  });

  it('renames and deletes through window.lab, reporting refusals', async () => {
    const { lab, list } = setUp();
    list.push(FASHION);
    const store = useLibraryStore();
    await useDatasetsStore().load();
    await store.select(FASHION.id);
    lab.renameDataset = vi.fn(async ({ name }) => {
      FASHION.name = name;
      return FASHION;
    });
    expect(await store.rename(FASHION.id, '  Fashion  ')).toBe(true);
    expect(lab.renameDataset).toHaveBeenCalledWith({ datasetId: FASHION.id, name: 'Fashion' });
    expect(store.overview?.dataset.name).toBe('Fashion');
    lab.deleteDataset = vi
      .fn()
      .mockRejectedValueOnce(
        new Error(
          'Error invoking remote method \'lab:deleteDataset\': Error: Run "x" is running on this dataset: stop it before deleting the dataset.',
        ),
      );
    expect(await store.remove(FASHION.id)).toBe(false);
    expect(store.actionError).toBe('Run "x" is running on this dataset: stop it before deleting the dataset.');
    vi.mocked(lab.deleteDataset).mockImplementationOnce(async () => void list.pop());
    expect(await store.remove(FASHION.id)).toBe(true);
    expect(store.selectedId).toBe('mnist');
    expect(useDatasetsStore().datasets).toEqual([MNIST]);
  });
});
