/** Deleting the built-in MNIST says it is built in, even while a run trains on it (issue 18 §10), not "stop the run". */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabService } from '@core/service/lab-service';
import { makeService, quickRun, tempDataDir } from './helpers';

describe('LabService: the built-in MNIST', () => {
  const tmp = tempDataDir();
  let service: LabService;
  beforeAll(() => {
    service = makeService(tmp.dir);
  });
  afterAll(async () => {
    await service.dispose();
    tmp.remove();
  });

  it('cannot be deleted or renamed, and says it is built in, with or without a run on it', async () => {
    await expect(service.deleteDataset({ datasetId: 'mnist' })).rejects.toThrow(
      '"MNIST handwritten digits" is built in: it cannot be deleted.',
    );
    const run = await service.startRun(quickRun({ settings: { epochs: 50 } }));
    await expect(service.deleteDataset({ datasetId: 'mnist' })).rejects.toThrow(
      '"MNIST handwritten digits" is built in: it cannot be deleted.',
    );
    await expect(service.renameDataset({ datasetId: 'mnist', name: 'digits' })).rejects.toThrow(/is built in: it cannot be renamed/);
    await service.stopRun({ runId: run.id });
    expect((await service.listDatasets()).map((d) => d.id)).toContain('mnist');
  });
});
