/** A scriptable window.lab for renderer tests: records calls, lets the test push run events. */
import { vi } from 'vitest';
import type { LabApi, RunEvent, RunSummary } from '@core/lab/contract';
import type { EpochReport } from '@core/engine/reports';
import { DEFAULT_TRAIN_SETTINGS } from '@core/engine/spec';
import { unusedInspectMethods } from '../inspect/unused-inspect';
import { unusedDatasetMethods } from '../datasets/unused-datasets';

export interface FakeLab {
  api: LabApi;
  emit(event: RunEvent): void;
  listeners: number;
}

export function summary(id: string, patch: Partial<RunSummary> = {}): RunSummary {
  return {
    id,
    name: `run ${id}`,
    createdAt: `2025-01-01T00:00:0${id.length % 10}.000Z`,
    spec: {
      inputSize: 784,
      layers: [
        { units: 30, activation: 'sigmoid' },
        { units: 10, activation: 'sigmoid' },
      ],
      loss: 'quadratic',
      init: 'scaled-normal',
    },
    settings: { ...DEFAULT_TRAIN_SETTINGS },
    datasetId: 'mnist',
    scaling: 'min-max',
    status: 'running',
    history: [],
    ...patch,
  };
}

export function epochReport(epoch: number, patch: Partial<EpochReport> = {}): EpochReport {
  return {
    epoch,
    trainLoss: 1 / epoch,
    trainAccuracy: 0.5 + epoch / 100,
    validationLoss: 1.1 / epoch,
    validationAccuracy: 0.48 + epoch / 100,
    samplesPerSecond: 20_000,
    seconds: 2.5,
    layers: [
      { layer: 1, gradientNorm: 0.01, weightNorm: 10, saturated: 0.1, dead: null },
      { layer: 2, gradientNorm: 0.2, weightNorm: 3, saturated: 0.05, dead: null },
    ],
    isBest: true,
    ...patch,
  };
}

export function installFakeLab(runs: RunSummary[] = []): FakeLab {
  const listeners = new Set<(event: RunEvent) => void>();
  const api: LabApi = {
    listDatasets: vi.fn(async () => []),
    getSamples: vi.fn(async () => ({ width: 0, height: 0, labels: [], pixels: [] })),
    startRun: vi.fn(async (request) =>
      summary('started', { name: request.name ?? 'new', spec: request.spec, settings: request.settings, status: 'queued' }),
    ),
    pauseRun: vi.fn(async () => undefined),
    resumeRun: vi.fn(async () => undefined),
    stepRun: vi.fn(async () => undefined),
    stopRun: vi.fn(async () => undefined),
    setLearningRate: vi.fn(async () => undefined),
    rollbackPoints: vi.fn(async ({ runId }) => ({
      runId,
      epochs: [0, 1, 2],
      suggested: 2,
      reason: 'Epoch 2 is the latest saved epoch whose loss was still finite and not exploding.',
    })),
    resumeFromEpoch: vi.fn(async () => undefined),
    listRuns: vi.fn(async () => runs.map((r) => structuredClone(r))),
    deleteRun: vi.fn(async () => undefined),
    saveModel: vi.fn(async () => ({ saved: true as const, fileName: 'model.json' })),
    ...unusedInspectMethods(),
    ...unusedDatasetMethods(),
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  window.lab = api;
  return {
    api,
    emit: (event) => listeners.forEach((l) => l(event)),
    get listeners() {
      return listeners.size;
    },
  };
}
