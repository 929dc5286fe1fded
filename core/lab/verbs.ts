/**
 * window.lab, defined once: every verb with its request schema (schemas.ts; the main process checks
 * each request against it) and its response type. The names, the IPC channels, the checks
 * (dispatch.ts), the handlers the service implements (LabHandlers), what the renderer sees (LabApi)
 * and the preload's window.lab all derive from LAB_VERBS. A new verb is one entry here plus its
 * handler in LabService (core/service/lab-service.ts); the compiler asks for the handler.
 */
import type { z } from 'zod';
import type { DatasetInfo, DatasetOverview, ImportProgressEvent, ImportResult, RegressionPredictions, SampleImages } from './dataset-types';
import type {
  GradientCheckResult,
  LayerWeights,
  ModelEvaluation,
  ModelOpenedEvent,
  ModelSummary,
  OpenModelResult,
  TestImages,
  TraceResult,
} from './model-types';
import type { FinderProgressEvent, FinderReply, SweepStarted } from './recipe-types';
import type { RollbackPoints, RunEvent, RunSummary, SaveResult } from './run-types';
import type { CommandEvent, ImportSourceEvent, ShellNoticeEvent } from './shell-types';
import type { OpenStartModelResult } from './start-model-types';
import {
  appStateSchema,
  datasetIdSchema,
  datasetOverviewSchema,
  finderIdSchema,
  findLearningRateSchema,
  gradientCheckRequestSchema,
  importDatasetSchema,
  importIdSchema,
  modelIdSchema,
  modelSourceSchema,
  noPayloadSchema,
  openRunModelSchema,
  renameClassesSchema,
  renameDatasetSchema,
  resumeFromEpochSchema,
  revealPathSchema,
  runIdSchema,
  samplesRequestSchema,
  savePngSchema,
  setLearningRateSchema,
  renameRunSchema,
  startRunSchema,
  startSweepSchema,
  sweepIdSchema,
  testImagesRequestSchema,
  traceRequestSchema,
  weightsRequestSchema,
} from './schemas';

declare const response: unique symbol;
/** A verb's response type as a value of the table; nothing of it exists at run time. */
export interface Returns<R> {
  readonly [response]?: R;
}
const returns = <R>(): Returns<R> => ({});

export const LAB_VERBS = {
  // datasets (core/service/datasets)
  listDatasets: { request: noPayloadSchema, response: returns<DatasetInfo[]>() },
  getSamples: { request: samplesRequestSchema, response: returns<SampleImages>() },
  datasetOverview: { request: datasetOverviewSchema, response: returns<DatasetOverview>() },
  importDataset: { request: importDatasetSchema, response: returns<ImportResult>() },
  cancelImport: { request: importIdSchema, response: returns<void>() },
  renameDataset: { request: renameDatasetSchema, response: returns<DatasetInfo>() },
  renameClasses: { request: renameClassesSchema, response: returns<DatasetInfo>() },
  deleteDataset: { request: datasetIdSchema, response: returns<void>() },
  regressionPredictions: { request: runIdSchema, response: returns<RegressionPredictions>() },
  // runs (core/service/runs)
  startRun: { request: startRunSchema, response: returns<RunSummary>() },
  listRuns: { request: noPayloadSchema, response: returns<RunSummary[]>() },
  pauseRun: { request: runIdSchema, response: returns<void>() },
  resumeRun: { request: runIdSchema, response: returns<void>() },
  stepRun: { request: runIdSchema, response: returns<void>() },
  stopRun: { request: runIdSchema, response: returns<void>() },
  setLearningRate: { request: setLearningRateSchema, response: returns<void>() },
  rollbackPoints: { request: runIdSchema, response: returns<RollbackPoints>() },
  resumeFromEpoch: { request: resumeFromEpochSchema, response: returns<void>() },
  renameRun: { request: renameRunSchema, response: returns<RunSummary>() },
  deleteRun: { request: runIdSchema, response: returns<void>() },
  // training recipes: the learning-rate finder (finder/) and sweeps of runs (sweeps/)
  findLearningRate: { request: findLearningRateSchema, response: returns<FinderReply>() },
  cancelFinder: { request: finderIdSchema, response: returns<void>() },
  startSweep: { request: startSweepSchema, response: returns<SweepStarted>() },
  cancelSweep: { request: sweepIdSchema, response: returns<void>() },
  // models saved or exported through a save dialog in main (core/service/exports): a run's latest weights or an open model
  saveModel: { request: modelSourceSchema, response: returns<SaveResult>() },
  exportOnnx: { request: modelSourceSchema, response: returns<SaveResult>() },
  exportHistory: { request: runIdSchema, response: returns<SaveResult>() },
  // exports for other tools (core/service/exports/interchange-exports.ts): a PyTorch project, the weights, one weight matrix
  exportPytorch: { request: modelSourceSchema, response: returns<SaveResult>() },
  exportSafetensors: { request: modelSourceSchema, response: returns<SaveResult>() },
  exportNpz: { request: modelSourceSchema, response: returns<SaveResult>() },
  exportWeightCsv: { request: weightsRequestSchema, response: returns<SaveResult>() },
  // models opened for inspection (core/service/models)
  openModel: { request: noPayloadSchema, response: returns<OpenModelResult>() },
  /** A model file (Fathom's or ONNX) chosen in the open dialog, kept as the starting point of a run (startRun's `start`). */
  openStartModel: { request: noPayloadSchema, response: returns<OpenStartModelResult>() },
  /** The bundled example model (Nielsen's 784-30-10, trained by the CLI with seed 1), for a first look without training. */
  openExampleModel: { request: noPayloadSchema, response: returns<OpenModelResult>() },
  openRunModel: { request: openRunModelSchema, response: returns<ModelSummary>() },
  closeModel: { request: modelIdSchema, response: returns<void>() },
  getWeights: { request: weightsRequestSchema, response: returns<LayerWeights>() },
  evaluateModel: { request: modelIdSchema, response: returns<ModelEvaluation>() },
  getTestImages: { request: testImagesRequestSchema, response: returns<TestImages>() },
  traceActivations: { request: traceRequestSchema, response: returns<TraceResult>() },
  gradientCheck: { request: gradientCheckRequestSchema, response: returns<GradientCheckResult>() },
  // the desktop shell: a picture the page rendered, saved through a dialog; the page's state for the menu
  savePng: { request: savePngSchema, response: returns<SaveResult>() },
  reportAppState: { request: appStateSchema, response: returns<void>() },
  /** Shows a file the lab saved (a save's or export's path, a run's files) in the system's file manager; any other path is refused. */
  revealPath: { request: revealPathSchema, response: returns<void>() },
} satisfies Record<string, { request: z.ZodType; response: Returns<unknown> }>;

export type LabVerb = keyof typeof LAB_VERBS;
/** A verb's request as its schema leaves it (what the handler gets). */
export type LabRequest<V extends LabVerb> = z.infer<(typeof LAB_VERBS)[V]['request']>;
export type LabResponse<V extends LabVerb> = (typeof LAB_VERBS)[V]['response'] extends Returns<infer R> ? R : never;

/** The verbs' names in table order: window.lab's methods, one IPC channel each. */
export const LAB_METHODS = Object.keys(LAB_VERBS) as LabVerb[];

/** Everything window.lab.onEvent delivers. */
export type LabEvent =
  RunEvent | ImportProgressEvent | FinderProgressEvent | ModelOpenedEvent | ImportSourceEvent | CommandEvent | ShellNoticeEvent;

/** The events of one run (every one names its run), as opposed to an import's or the app's. */
export function isRunEvent(event: LabEvent): event is RunEvent {
  return 'runId' in event;
}

export const LAB_EVENT_CHANNEL = 'lab:event';
export const labChannel = (verb: LabVerb): string => `lab:${verb}`;

/** The main-process side: one handler per verb, taking the already-validated request (dispatch.ts waits for ready() first). */
export type LabHandlers = { [V in LabVerb]: (request: LabRequest<V>) => LabResponse<V> | Promise<LabResponse<V>> };

/** The verbs as the renderer calls them; a verb without a request takes no argument. */
export type LabVerbMethods = {
  [V in LabVerb]: LabRequest<V> extends undefined ? () => Promise<LabResponse<V>> : (request: LabRequest<V>) => Promise<LabResponse<V>>;
};

/** What the renderer sees as window.lab. */
export type LabApi = LabVerbMethods & {
  /** Subscribes to run and import events; returns the unsubscribe function. */
  onEvent(listener: (event: LabEvent) => void): () => void;
};

/**
 * One method per verb, each handing its verb and (first) argument to `send`: an IPC invoke in the
 * preload, a page binding in the e2e bridge, the service itself for trusted callers. The transport
 * moves untyped data; the table types both of its ends.
 */
export function labVerbs(send: (verb: LabVerb, request: unknown) => Promise<unknown>): LabVerbMethods {
  return Object.fromEntries(LAB_METHODS.map((verb) => [verb, (request?: unknown) => send(verb, request)])) as LabVerbMethods;
}
