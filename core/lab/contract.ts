/**
 * The one contract between the window and the main process: `window.lab`. Its verbs are listed
 * once, in verbs.ts (each with its request schema and response type); this module gathers the
 * types both sides use, so the renderer imports them from one place. The main process validates
 * every request with its verb's schema (dispatch.ts) before the lab service sees it. Everything that
 * crosses is plain JSON data, so the same contract works over Electron IPC and in the test harness.
 */
import type { z } from 'zod';
import type {
  datasetIdSchema,
  finderIdSchema,
  findLearningRateSchema,
  startSweepSchema,
  sweepIdSchema,
  datasetOverviewSchema,
  gradientCheckRequestSchema,
  importDatasetSchema,
  appStateSchema,
  importIdSchema,
  modelIdSchema,
  modelSourceSchema,
  openRunModelSchema,
  renameClassesSchema,
  renameDatasetSchema,
  renameRunSchema,
  resumeFromEpochSchema,
  runIdSchema,
  samplesRequestSchema,
  savePngSchema,
  setLearningRateSchema,
  startRunSchema,
  testImagesRequestSchema,
  traceRequestSchema,
  weightsRequestSchema,
} from './schemas';

export * from './dataset-types';
export * from './model-types';
export * from './recipe-types';
export * from './run-types';
export * from './shell-types';
export * from './start-model-types';
export {
  LAB_EVENT_CHANNEL,
  LAB_METHODS,
  LAB_VERBS,
  labChannel,
  labVerbs,
  isRunEvent,
  type LabApi,
  type LabEvent,
  type LabHandlers,
  type LabRequest,
  type LabResponse,
  type LabVerb,
  type LabVerbMethods,
} from './verbs';

export type StartRunRequest = z.infer<typeof startRunSchema>;
export type RunIdRequest = z.infer<typeof runIdSchema>;
export type RenameRunRequest = z.infer<typeof renameRunSchema>;
export type SetLearningRateRequest = z.infer<typeof setLearningRateSchema>;
export type ResumeFromEpochRequest = z.infer<typeof resumeFromEpochSchema>;
export type SamplesRequest = z.infer<typeof samplesRequestSchema>;
export type OpenRunModelRequest = z.infer<typeof openRunModelSchema>;
export type ModelIdRequest = z.infer<typeof modelIdSchema>;
export type WeightsRequest = z.infer<typeof weightsRequestSchema>;
export type TestImagesRequest = z.infer<typeof testImagesRequestSchema>;
export type TraceRequest = z.infer<typeof traceRequestSchema>;
export type GradientCheckRequest = z.infer<typeof gradientCheckRequestSchema>;
export type ImportDatasetRequest = z.infer<typeof importDatasetSchema>;
export type ImportIdRequest = z.infer<typeof importIdSchema>;
export type RenameDatasetRequest = z.infer<typeof renameDatasetSchema>;
export type RenameClassesRequest = z.infer<typeof renameClassesSchema>;
export type DatasetIdRequest = z.infer<typeof datasetIdSchema>;
export type DatasetOverviewRequest = z.infer<typeof datasetOverviewSchema>;
export type ModelSourceRequest = z.infer<typeof modelSourceSchema>;
export type SavePngRequest = z.infer<typeof savePngSchema>;
export type AppStateRequest = z.infer<typeof appStateSchema>;
export type FindLearningRateRequest = z.infer<typeof findLearningRateSchema>;
export type FinderIdRequest = z.infer<typeof finderIdSchema>;
export type StartSweepRequest = z.infer<typeof startSweepSchema>;
export type SweepIdRequest = z.infer<typeof sweepIdSchema>;
