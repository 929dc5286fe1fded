/** The Train tab's tests: run summaries and epoch reports, and the run verbs answering as the service does. */
import type { LabApi, RunSummary } from '@core/lab/contract';
import type { EpochReport } from '@core/engine/reports';
import { DEFAULT_TRAIN_SETTINGS } from '@core/engine/spec';
import { mnistSpec } from '../../fixtures/specs';

export function summary(id: string, patch: Partial<RunSummary> = {}): RunSummary {
  return {
    id,
    name: `run ${id}`,
    createdAt: `2025-01-01T00:00:0${id.length % 10}.000Z`,
    spec: mnistSpec({ init: 'scaled-normal' }),
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

/** The run verbs: listRuns lists (copies of) `runs`, a started run is queued, the rest succeed. */
export function runVerbs(runs: RunSummary[] = []): Partial<LabApi> {
  return {
    startRun: async (request) =>
      summary('started', { name: request.name ?? 'new', spec: request.spec, settings: request.settings, status: 'queued' }),
    pauseRun: async () => undefined,
    resumeRun: async () => undefined,
    stepRun: async () => undefined,
    stopRun: async () => undefined,
    setLearningRate: async () => undefined,
    rollbackPoints: async ({ runId }) => ({
      runId,
      epochs: [0, 1, 2],
      suggested: 2,
      reason: 'Epoch 2 is the latest saved epoch whose loss was still finite and not exploding.',
    }),
    resumeFromEpoch: async () => undefined,
    listRuns: async () => runs.map((r) => structuredClone(r)),
    deleteRun: async () => undefined,
    renameRun: async ({ runId, name }) => summary(runId, { name: name.trim() }),
    saveModel: async () => ({ saved: true as const, fileName: 'model.json', path: '/home/ada/model.json' }),
  };
}
