/** startRun bounds a network's size before a worker is started (issue 18 §6), against the memory the service is given. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callLab } from '@core/lab/dispatch';
import type { LabService } from '@core/service/lab-service';
import { makeService, quickRun, tempDataDir } from './helpers';

const layers = (...units: number[]) => [
  ...units.map((n) => ({ units: n, activation: 'relu' as const })),
  { units: 10, activation: 'softmax' as const },
];

describe('LabService: networks too large to train', () => {
  const tmp = tempDataDir();
  let service: LabService;
  beforeAll(() => {
    service = makeService(tmp.dir, { trainingMemoryBytes: 300 * 2 ** 20, cores: 2 });
  });
  afterAll(async () => {
    await service.dispose();
    tmp.remove();
  });

  it.each([
    [
      [15_000, 15_000],
      /784-15000-15000-10 has 236,940,010 weights and biases; Fathom trains at most 50,000,000 .* about 3\.8 GB of memory/,
    ],
    [[100_000, 30_000], /784-100000-30000-10 has 3,078,830,010 weights and biases; .* about 49\.7 GB of memory/],
  ])('refuses 784-%j-10 from the window, saying how much memory it would need, and queues nothing', async (hidden, message) => {
    const request = quickRun({ spec: { ...quickRun().spec, layers: layers(...hidden), loss: 'cross-entropy' } });
    await expect(callLab(service, 'startRun', request)).rejects.toThrow(message);
    expect(await service.listRuns()).toEqual([]);
  });

  it("refuses a network whose training would not fit the machine's memory, and says fewer threads would", async () => {
    const request = quickRun({
      spec: { ...quickRun().spec, layers: layers(3000, 3000), loss: 'cross-entropy' },
      settings: { optimizer: 'adam', batchSize: 100, learningRate: 0.001 },
      threads: 'auto',
    });
    await expect(service.startRun(request)).rejects.toThrow(
      /Training 784-3000-3000-10 \(11,388,010 parameters, batches of 100, 2 threads\) would need about 378 MB of memory .* allows training 300 MB .*1 thread: 283 MB/,
    );
    expect(await service.listRuns()).toEqual([]);
  });
});
