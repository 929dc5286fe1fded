import { describe, it, expect, afterAll } from 'vitest';
import type { DenseLayerSpec } from '@core/engine/spec';
import type { StartSweepRequest } from '@core/lab/contract';
import { parseLabRequest } from '@core/lab/dispatch';
import { EventLog, makeService, quickRun, tempDataDir } from '../helpers';

/** quickRun's design as a sweep's base: a small MNIST subset, one epoch a run. */
function sweepRequest(overrides: Partial<StartSweepRequest> = {}): StartSweepRequest {
  const { name: _name, validation: _validation, settings, ...base } = quickRun({ trainLimit: 600, testLimit: 200 });
  return {
    ...base,
    settings: { ...settings, epochs: 1, seed: 7 },
    axes: [
      { setting: 'lr', values: { kind: 'list', values: [0.5, 3] } },
      { setting: 'units', layer: 2, values: { kind: 'list', values: [8, 16] } },
    ],
    ...overrides,
  };
}

describe('LabService: sweeps', () => {
  const dirs: ReturnType<typeof tempDataDir>[] = [];
  const dataDir = () => dirs[dirs.push(tempDataDir()) - 1]!.dir;
  afterAll(() => dirs.forEach((d) => d.remove()));

  it('queues one run per grid point with validation on and the shared seed, tagged with the sweep, and remembers it', async () => {
    const dir = dataDir();
    const service = makeService(dir, { maxConcurrent: 2 });
    const log = new EventLog(service);
    const started = await service.startSweep(sweepRequest({ name: 'lr by units' }));
    expect(started.name).toBe('lr by units');
    expect(started.runIds).toHaveLength(4);
    for (const runId of started.runIds) await log.status(runId, 'finished', 60_000);

    const runs = (await service.listRuns()).filter((r) => r.sweep?.id === started.sweepId);
    expect(runs.map((r) => r.id)).toEqual(started.runIds);
    // The first axis varies slowest; each run has the point's values put into its design.
    expect(runs.map((r) => r.sweep!.point)).toEqual([
      { lr: 0.5, units2: 8 },
      { lr: 0.5, units2: 16 },
      { lr: 3, units2: 8 },
      { lr: 3, units2: 16 },
    ]);
    expect(runs.map((r) => [r.settings.learningRate, (r.spec.layers[0] as DenseLayerSpec).units])).toEqual([
      [0.5, 8],
      [0.5, 16],
      [3, 8],
      [3, 16],
    ]);
    expect(runs.map((r) => r.name)).toEqual([
      'lr by units: lr=0.5 units2=8',
      'lr by units: lr=0.5 units2=16',
      'lr by units: lr=3 units2=8',
      'lr by units: lr=3 units2=16',
    ]);
    expect(new Set(runs.map((r) => r.settings.seed))).toEqual(new Set([7]));
    // Validation on: every epoch reports a validation accuracy.
    for (const run of runs) expect(run.history.at(-1)!.validationAccuracy).toEqual(expect.any(Number));
    expect(runs.every((r) => r.sweep!.axes.length === 2 && r.sweep!.name === 'lr by units')).toBe(true);
    await service.dispose();

    // The sweep is read back with its runs by the next service on the folder.
    const again = makeService(dir);
    const reread = (await again.listRuns()).filter((r) => r.sweep?.id === started.sweepId);
    expect(reread.map((r) => r.sweep!.point)).toEqual(runs.map((r) => r.sweep!.point));
    await again.dispose();
  });

  it('draws a random search of `budget` points', async () => {
    const service = makeService(dataDir(), { maxConcurrent: 1 });
    const started = await service.startSweep(
      sweepRequest({
        axes: [{ setting: 'lr', values: { kind: 'log', from: 0.1, to: 10, count: 2 } }],
        budget: 3,
        settings: { ...sweepRequest().settings, epochs: 1000 },
      }),
    );
    expect(started.runIds).toHaveLength(3);
    const runs = (await service.listRuns()).filter((r) => r.sweep?.id === started.sweepId);
    for (const run of runs) {
      expect(run.settings.learningRate).toBeGreaterThanOrEqual(0.1);
      expect(run.settings.learningRate).toBeLessThanOrEqual(10);
      expect(run.sweep!.budget).toBe(3);
    }
    await service.cancelSweep({ sweepId: started.sweepId });
    await service.dispose();
  });

  it('cancels the runs that have not ended and keeps the finished ones', async () => {
    const service = makeService(dataDir(), { maxConcurrent: 1 });
    const log = new EventLog(service);
    const base = sweepRequest();
    // The first point takes one batch an epoch and ends soon; the others take hundreds of thousands of batches.
    const sweep = await service.startSweep({
      ...base,
      settings: { ...base.settings, epochs: 20 },
      axes: [{ setting: 'batch', values: { kind: 'list', values: [500, 1, 2] } }],
    });
    const [first, second, third] = sweep.runIds as [string, string, string];
    await log.status(first, 'finished', 60_000);
    await log.status(second, 'running', 60_000);
    await service.cancelSweep({ sweepId: sweep.sweepId });
    const statuses = Object.fromEntries((await service.listRuns()).map((r) => [r.id, r.status]));
    expect(statuses[first]).toBe('finished');
    expect(statuses[second]).toBe('stopped');
    expect(statuses[third]).toBe('stopped');
    await expect(service.cancelSweep({ sweepId: 'no-such-sweep' })).rejects.toThrow(/no sweep/);
    await service.dispose();
  });

  it('refuses from the window a setting that cannot be swept, a third axis and a grid too large', () => {
    const { axes: _axes, ...base } = sweepRequest();
    const lr = { setting: 'lr', values: { kind: 'list', values: [1, 3] } };
    expect(() => parseLabRequest('startSweep', { ...base, axes: [{ setting: 'epochs', values: { kind: 'list', values: [1] } }] })).toThrow(
      /axes\[0\]\.setting/,
    );
    expect(() => parseLabRequest('startSweep', { ...base, axes: [lr, lr, lr] })).toThrow(/at most two settings/);
    expect(() => parseLabRequest('startSweep', { ...base, axes: [] })).toThrow(/at least one setting/);
    expect(parseLabRequest('startSweep', { ...base, axes: [lr] }).axes).toEqual([lr]);
  });

  it('refuses more runs than a sweep may queue', async () => {
    const service = makeService(dataDir());
    const many = sweepRequest({
      axes: [
        { setting: 'lr', values: { kind: 'log', from: 0.01, to: 10, count: 11 } },
        { setting: 'l2', values: { kind: 'lin', from: 0, to: 1, count: 10 } },
      ],
    });
    await expect(service.startSweep(many)).rejects.toThrow(/would queue 110 runs; at most 100/);
    expect(await service.listRuns()).toEqual([]);
    await service.dispose();
  });

  it('refuses a sweep with a point that cannot train, queuing none of it', async () => {
    const service = makeService(dataDir());
    const bad = sweepRequest({
      axes: [
        { setting: 'lr', values: { kind: 'list', values: [1, 3] } },
        { setting: 'units', layer: 3, values: { kind: 'list', values: [8] } },
      ],
    });
    await expect(service.startSweep(bad)).rejects.toThrow(/units3: the hidden layers of this network are layer 2/);
    const softmaxHidden = sweepRequest({
      axes: [{ setting: 'activation', values: { kind: 'list', values: ['sigmoid', 'softmax'] } }],
    });
    await expect(service.startSweep(softmaxHidden)).rejects.toThrow(/^At activation=softmax: /);
    expect(await service.listRuns()).toEqual([]);
    await service.dispose();
  });
});
