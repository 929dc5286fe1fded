/**
 * The one contract between the window and the main process: `window.lab`.
 * The preload exposes exactly these methods; the main process validates each payload with the
 * schema of the same name (core/lab/schemas.ts) before the lab service sees it. Everything that
 * crosses is plain JSON data, so the same contract works over Electron IPC and in the test harness.
 */
import type { z } from 'zod';
import type { ScalingKind } from '../data/scaling';
import type { NonFinite, EpochReport } from '../engine/trainer';
import type { NetworkSpec, TrainSettings } from '../engine/spec';
import type { runIdSchema, samplesRequestSchema, setLearningRateSchema, startRunSchema } from './schemas';

export type StartRunRequest = z.infer<typeof startRunSchema>;
export type RunIdRequest = z.infer<typeof runIdSchema>;
export type SetLearningRateRequest = z.infer<typeof setLearningRateSchema>;
export type SamplesRequest = z.infer<typeof samplesRequestSchema>;

export interface DatasetInfo {
  id: string;
  name: string;
  kind: 'classification' | 'regression';
  inputShape: number[];
  classes: string[];
  sizes: { train: number; test: number };
  builtIn: boolean;
}

/** A page of raw (unscaled, 0–255) images for the dataset picker. */
export interface SampleImages {
  width: number;
  height: number;
  labels: number[];
  /** count × width × height grey levels, row-major. */
  pixels: number[];
}

export const RUN_STATUSES = ['queued', 'running', 'paused', 'finished', 'stopped', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export interface RunSummary {
  id: string;
  name: string;
  createdAt: string;
  spec: NetworkSpec;
  settings: TrainSettings;
  datasetId: string;
  scaling: ScalingKind;
  status: RunStatus;
  /** Position in the queue while queued (1 = next). */
  queuePosition?: number;
  /** Per-epoch metrics so far. */
  history: EpochReport[];
  /** Why it failed or paused itself. */
  message?: string;
}

export interface LossPoint {
  /** Batch number counted from the start of the run. */
  step: number;
  loss: number;
}

export type RunEvent =
  | { type: 'status'; runId: string; status: RunStatus; queuePosition?: number; message?: string }
  | {
      type: 'progress';
      runId: string;
      epoch: number;
      batch: number;
      batchesPerEpoch: number;
      samplesPerSecond: number;
      learningRate: number;
      /** Every batch loss since the previous progress event. */
      points: LossPoint[];
      /** ‖∂C/∂w^l‖ of the latest batch, l = 1…L. */
      gradientNorms: number[];
    }
  | { type: 'epoch'; runId: string; report: EpochReport }
  /** The NaN guard paused the run: the weights are the last finite ones. */
  | { type: 'non-finite'; runId: string; detail: NonFinite };

export type SaveResult = { saved: false } | { saved: true; fileName: string };

/** The methods of window.lab: name → [request, response]. */
export interface LabMethods {
  listDatasets: [undefined, DatasetInfo[]];
  getSamples: [SamplesRequest, SampleImages];
  startRun: [StartRunRequest, RunSummary];
  pauseRun: [RunIdRequest, void];
  resumeRun: [RunIdRequest, void];
  stepRun: [RunIdRequest, void];
  stopRun: [RunIdRequest, void];
  setLearningRate: [SetLearningRateRequest, void];
  listRuns: [undefined, RunSummary[]];
  deleteRun: [RunIdRequest, void];
  saveModel: [RunIdRequest, SaveResult];
}

export type LabMethodName = keyof LabMethods;

/** Listed once here; the preload, the IPC adapter and the test harness all derive from it. */
export const LAB_METHODS = [
  'listDatasets',
  'getSamples',
  'startRun',
  'pauseRun',
  'resumeRun',
  'stepRun',
  'stopRun',
  'setLearningRate',
  'listRuns',
  'deleteRun',
  'saveModel',
] as const satisfies readonly LabMethodName[];

export const LAB_EVENT_CHANNEL = 'lab:event';
export const labChannel = (method: LabMethodName): string => `lab:${method}`;

/** The main-process side: one async handler per method, taking the already-validated request. */
export type LabHandlers = {
  [K in LabMethodName]: (request: LabMethods[K][0]) => Promise<LabMethods[K][1]>;
};

/** What the renderer sees as window.lab. */
export type LabApi = {
  [K in LabMethodName]: LabMethods[K][0] extends undefined ? () => Promise<LabMethods[K][1]> : (request: LabMethods[K][0]) => Promise<LabMethods[K][1]>;
} & {
  /** Subscribes to run events; returns the unsubscribe function. */
  onEvent(listener: (event: RunEvent) => void): () => void;
};
