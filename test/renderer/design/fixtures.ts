/** The designer's tests: one MNIST-shaped dataset, and the verbs the designer uses (the dataset list and sample images). */
import type { DatasetInfo, LabApi } from '@core/lab/contract';

export const MNIST: DatasetInfo = {
  id: 'mnist',
  name: 'MNIST',
  kind: 'classification',
  inputShape: [28, 28],
  classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  sizes: { train: 60_000, test: 10_000 },
  builtIn: true,
};

export function designerVerbs(datasets: DatasetInfo[] = [MNIST]): Partial<LabApi> {
  return {
    listDatasets: async () => datasets,
    getSamples: async (r) => ({
      width: 28,
      height: 28,
      step: 1,
      labels: Array.from({ length: r.count }, (_, i) => i % 10),
      pixels: new Uint8Array(r.count * 784),
    }),
  };
}
