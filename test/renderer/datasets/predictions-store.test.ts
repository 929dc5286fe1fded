// @vitest-environment happy-dom
/** Predicted against actual on a regression dataset, through the store (the component no longer calls the lab). */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { LabApi, RegressionPredictions } from '@core/lab/contract';
import { usePredictionsStore } from '@renderer/stores/predictions';
import { deferred, installFakeLab } from '../fake-lab';
import { epochReport, summary } from '../train/fixtures';

const RUNS = [
  summary('old', { datasetId: 'rents', createdAt: '2025-01-01T08:00:00Z', history: [epochReport(1)] }),
  summary('untrained', { datasetId: 'rents', createdAt: '2025-01-01T09:00:00Z', history: [] }),
  summary('other', { datasetId: 'mnist', createdAt: '2025-01-01T10:00:00Z', history: [epochReport(1)] }),
  summary('new', { datasetId: 'rents', createdAt: '2025-01-01T11:00:00Z', history: [epochReport(1)] }),
];

const predictions = (runId: string): RegressionPredictions => ({
  runId,
  datasetId: 'rents',
  epoch: 1,
  targets: ['rent'],
  actual: [[1], [2]],
  predicted: [[1.1], [1.8]],
  rmse: [0.158],
  count: 2,
});

let lab: LabApi;

beforeEach(() => {
  setActivePinia(createPinia());
  lab = installFakeLab({ listRuns: async () => RUNS, regressionPredictions: async ({ runId }) => predictions(runId) });
});

describe('predictions store', () => {
  it('lists the trained runs of the dataset, newest first, and shows the newest one’s predictions', async () => {
    const store = usePredictionsStore();
    await store.open('rents');
    expect(store.runs.map((r) => r.id)).toEqual(['new', 'old']);
    expect(store.runId).toBe('new');
    expect(store.result?.runId).toBe('new');
    await store.choose('old');
    expect(store.result?.runId).toBe('old');
    expect(lab.regressionPredictions).toHaveBeenLastCalledWith({ runId: 'old' });
  });

  it('shows nothing to predict with when no run of the dataset has saved epochs', async () => {
    const store = usePredictionsStore();
    await store.open('empty');
    expect(store.runs).toEqual([]);
    expect(store.runId).toBeNull();
    expect(lab.regressionPredictions).not.toHaveBeenCalled();
  });

  it('says why predictions could not be made, without Electron’s wrapping', async () => {
    vi.mocked(lab.regressionPredictions).mockRejectedValueOnce(
      new Error('Error invoking remote method \'lab:regressionPredictions\': LabError: Run "new" has no saved weights yet.'),
    );
    const store = usePredictionsStore();
    await store.open('rents');
    expect(store.result).toBeNull();
    expect(store.error).toBe('Run "new" has no saved weights yet.');
    vi.mocked(lab.listRuns).mockRejectedValueOnce(new Error('disk full'));
    await store.open('rents');
    expect(store.runs).toEqual([]);
    expect(store.error).toBe('Could not list the runs: disk full');
  });

  it('drops an answer about a run that is no longer the chosen one', async () => {
    const held = deferred<RegressionPredictions>();
    vi.mocked(lab.regressionPredictions).mockImplementationOnce(() => held.promise);
    const store = usePredictionsStore();
    const opening = store.open('rents');
    await vi.waitFor(() => expect(lab.regressionPredictions).toHaveBeenCalledTimes(1));
    await store.choose('old');
    held.resolve(predictions('new'));
    await opening;
    expect(store.runId).toBe('old');
    expect(store.result?.runId).toBe('old');
  });
});
