/**
 * The dataset-library verbs of window.lab as stubs that reject, for renderer tests that never
 * import or browse a dataset: spread into a fake LabApi so it stays complete as the contract grows.
 */
import { vi } from 'vitest';
import type { LabApi } from '@core/lab/contract';

type DatasetVerbs = 'importDataset' | 'cancelImport' | 'renameDataset' | 'deleteDataset' | 'datasetOverview' | 'regressionPredictions';

export function unusedDatasetMethods(): Pick<LabApi, DatasetVerbs> {
  const fail = async (): Promise<never> => {
    throw new Error('not used by this test');
  };
  return {
    importDataset: vi.fn(fail),
    cancelImport: vi.fn(fail),
    renameDataset: vi.fn(fail),
    deleteDataset: vi.fn(fail),
    datasetOverview: vi.fn(fail),
    regressionPredictions: vi.fn(fail),
  };
}
