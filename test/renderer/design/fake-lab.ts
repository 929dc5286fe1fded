/** A window.lab with one MNIST-shaped dataset, for the designer's tests. */
import { vi } from 'vitest';
import type { DatasetInfo, LabApi } from '@core/lab/contract';
import { unusedInspectMethods } from '../inspect/unused-inspect';
import { unusedDatasetMethods } from '../datasets/unused-datasets';

export const MNIST: DatasetInfo = {
  id: 'mnist',
  name: 'MNIST',
  kind: 'classification',
  inputShape: [28, 28],
  classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  sizes: { train: 60_000, test: 10_000 },
  builtIn: true,
};

export function installFakeLab(datasets: DatasetInfo[] = [MNIST]): LabApi {
  const fail = async (): Promise<never> => {
    throw new Error('not used by the designer');
  };
  const api: LabApi = {
    listDatasets: vi.fn(async () => datasets),
    getSamples: vi.fn(async (r) => ({
      width: 28,
      height: 28,
      labels: Array.from({ length: r.count }, (_, i) => i % 10),
      pixels: new Array<number>(r.count * 784).fill(0),
    })),
    startRun: vi.fn(fail),
    pauseRun: vi.fn(fail),
    resumeRun: vi.fn(fail),
    stepRun: vi.fn(fail),
    stopRun: vi.fn(fail),
    setLearningRate: vi.fn(fail),
    rollbackPoints: vi.fn(fail),
    resumeFromEpoch: vi.fn(fail),
    listRuns: vi.fn(async () => []),
    deleteRun: vi.fn(fail),
    saveModel: vi.fn(fail),
    ...unusedInspectMethods(),
    ...unusedDatasetMethods(),
    onEvent: vi.fn(() => () => undefined),
  };
  window.lab = api;
  return api;
}
