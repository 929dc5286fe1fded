/**
 * The run records on disk: one small JSON file per run, written atomically, read back (and checked)
 * by the next LabService on the same data folder. Its per-epoch history is not in it but in the
 * append-only log beside it (history-log.ts); the record says how many of the log's epochs count.
 * Version 1 records (before the log) held the history inline: they still load, and are written as
 * version 2, their log first, the next time they are saved.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { SCALINGS, type ScalingParams } from '../../data/scaling';
import { scalingParamsSchema } from '../../data/scaling-schema';
import {
  KERNEL_BACKENDS,
  RUN_RECORD_EVENT_KINDS,
  RUN_STATUSES,
  type RunSummary,
  type RunSweepTag,
  type StartRunRequest,
} from '../../lab/contract';
import type { CheckpointPolicy } from '../../lab/run-types';
import { START_SCALINGS } from '../../lab/start-model-types';
import { checkpointSettingSchema, networkSpecSchema, sweepAxisSchema, threadsSchema, trainSettingsSchema } from '../../lab/schemas';
import { writeFileAtomic } from '../../model/model-files';
import { checkpointPolicy, historyLogPath, runRecordPath, runsDir } from './checkpoints';
import { readHistoryLog } from './history-log';
import { automaticName } from './record-events';
import type { SplitSizes } from '../worker/protocol';
import { readRegularFile } from '../../files/safe-read';

/** A version-1 run record held its per-epoch history: 100,000 epochs of a 64-layer network's metrics stay far below this. */
const RUN_RECORD_MAX_BYTES = 256 * 1024 * 1024;

export const RUN_FORMAT = 'fathom-run';
/** 2: the history is in the log beside the record (1: inline). */
export const RUN_VERSION = 2;

export interface RunRecord {
  format: typeof RUN_FORMAT;
  version: typeof RUN_VERSION;
  /** queuePosition is never stored: a run read back is never queued. Its history is stored in the log (history-log.ts). */
  summary: RunSummary;
  validation: boolean;
  trainLimit?: number;
  testLimit?: number;
  /** Known once the worker has loaded the data: the scaling fitted on the training split and the split sizes. */
  fittedScaling?: ScalingParams;
  sizes?: SplitSizes;
  /** File names inside runs/<id>/: the newest model (checkpoint or last step), the best one, the checkpoints kept. */
  latestModel?: string;
  bestModel?: string;
  checkpoints: string[];
  /** Set when the lab closed while the run was alive: what it was doing then (and why, if it had paused itself), so it can be resumed (resume.ts). */
  interrupted?: { status: 'running' | 'paused'; message?: string };
}

/** The record of a new run of this request, queued; `sweep` when a sweep queued it. */
export function newRunRecord(id: string, request: StartRunRequest, createdAt: Date, number: number, sweep?: RunSweepTag): RunRecord {
  const { spec, settings } = request;
  const record: RunRecord = {
    format: RUN_FORMAT,
    version: RUN_VERSION,
    summary: {
      id,
      number,
      name: request.name?.trim() || automaticName({ summary: { spec, settings } as RunSummary }),
      createdAt: createdAt.toISOString(),
      spec: structuredClone(spec),
      settings: structuredClone(settings),
      datasetId: request.datasetId,
      scaling: request.scaling,
      status: 'queued',
      history: [],
    },
    validation: request.validation,
    checkpoints: [],
  };
  if (request.trainLimit !== undefined) record.trainLimit = request.trainLimit;
  if (request.testLimit !== undefined) record.testLimit = request.testLimit;
  if (request.threads !== undefined) record.summary.threadsSetting = request.threads;
  const setting = request.checkpoints ?? { kind: 'auto' };
  record.summary.checkpointPolicy = { setting, policy: checkpointPolicy(setting, spec, settings.epochs) };
  if (sweep) record.summary.sweep = structuredClone(sweep);
  return record;
}

const id = z.string().regex(/^[A-Za-z0-9_-]+$/);
const fileName = z.string().regex(/^[A-Za-z0-9_.-]+\.fathom\.json$/);
const count = z.number().int().min(0);

const rate = z.number().positive().finite();
const runRecordEventSchema = z.object({
  kind: z.enum(RUN_RECORD_EVENT_KINDS),
  epoch: z.number().int().min(1),
  batch: count,
  batchesPerEpoch: z.number().int().min(1).optional(),
  time: z.string(),
  detail: z.string(),
  from: rate.optional(),
  to: rate.optional(),
  scheduled: rate.optional(),
});

/** Checks structure and the fields the service relies on; history entries are the engine's reports as JSON. */
const runRecordSchema = z.object({
  format: z.literal(RUN_FORMAT),
  version: z.union([z.literal(1), z.literal(RUN_VERSION)]),
  /** Version 2: how many epochs of the history log count. */
  historyEpochs: count.optional(),
  summary: z.object({
    id,
    name: z.string(),
    createdAt: z.string(),
    spec: networkSpecSchema,
    settings: trainSettingsSchema,
    datasetId: id,
    scaling: z.enum(SCALINGS),
    startedFrom: z
      .object({
        name: z.string().min(1),
        format: z.enum(['fathom', 'onnx']),
        choice: z.enum(START_SCALINGS),
        scaling: scalingParamsSchema.optional(),
      })
      .optional(),
    status: z.enum(RUN_STATUSES),
    /** Version 1 only. */
    history: z.array(z.looseObject({ epoch: z.number().int().min(1) })).optional(),
    message: z.string().optional(),
    backend: z.enum(KERNEL_BACKENDS).optional(),
    backendNote: z.string().optional(),
    threadsSetting: threadsSchema.optional(),
    threads: z.number().int().min(1).optional(),
    rollbacks: z.array(z.object({ at: z.string(), fromEpoch: count, toEpoch: count, learningRate: z.number().positive() })).optional(),
    number: z.number().int().min(1).optional(),
    startedAt: z.string().optional(),
    events: z.array(runRecordEventSchema).optional(),
    checkpointPolicy: z
      .object({
        setting: checkpointSettingSchema,
        policy: z.discriminatedUnion('kind', [
          z.object({ kind: z.enum(['every', 'best-and-last']) }),
          z.object({ kind: z.literal('every-n'), n: z.number().int().min(1) }),
        ]),
      })
      .optional(),
    sweep: z
      .object({
        id,
        name: z.string(),
        axes: z.array(sweepAxisSchema).min(1),
        point: z.record(z.string(), z.union([z.number(), z.string()])),
        budget: count.optional(),
      })
      .optional(),
  }),
  validation: z.boolean(),
  trainLimit: count.optional(),
  testLimit: count.optional(),
  fittedScaling: scalingParamsSchema.optional(),
  sizes: z.object({ train: count, validation: count.optional(), test: count }).optional(),
  latestModel: fileName.optional(),
  bestModel: fileName.optional(),
  checkpoints: z.array(fileName),
  interrupted: z.object({ status: z.enum(['running', 'paused']), message: z.string().optional() }).optional(),
});

/** What the run keeps: as recorded, or for a record made before the setting existed, 'auto' decided now. */
export function runCheckpointPolicy({ summary }: RunRecord): CheckpointPolicy {
  return summary.checkpointPolicy?.policy ?? checkpointPolicy(undefined, summary.spec, summary.settings.epochs);
}

/** Writes the record without its history (appended to the log beside it, run-files.ts). */
export async function writeRunRecord(dataDir: string, record: RunRecord): Promise<void> {
  const { queuePosition: _dropped, history, ...summary } = record.summary;
  const stored = { ...record, version: RUN_VERSION, historyEpochs: history.length, summary };
  await writeFileAtomic(runRecordPath(dataDir, summary.id), `${JSON.stringify(stored, null, 1)}\n`);
}

/** How a record's history log was read: whether every line was whole, and how many epochs it gave. */
export interface HistoryLogState {
  sound: boolean;
  epochs: number;
}

export interface LoadedRuns {
  records: RunRecord[];
  /** Per run id: the state of its history log (a version-1 record has none yet: not sound). */
  logs: Map<string, HistoryLogState>;
  /** One line per run file that could not be used. */
  problems: string[];
}

/** Every run record in the data folder with its history, oldest first. Unreadable files are reported, not fatal. */
export async function readRunRecords(dataDir: string): Promise<LoadedRuns> {
  const dir = runsDir(dataDir);
  const records: RunRecord[] = [];
  const logs = new Map<string, HistoryLogState>();
  const problems: string[] = [];
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { records, logs, problems };
    throw err;
  }
  for (const name of names.sort()) {
    if (!name.endsWith('.json') || name.startsWith('.')) continue;
    const path = join(dir, name);
    try {
      const parsed = runRecordSchema.safeParse(JSON.parse((await readRegularFile(path, RUN_RECORD_MAX_BYTES)).toString('utf8')));
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        problems.push(`${path}: not a run record (${issue.path.join('.') || 'top level'}: ${issue.message})`);
        continue;
      }
      const { version, historyEpochs, ...data } = parsed.data;
      const record = data as unknown as RunRecord;
      if (`${record.summary.id}.json` !== name) {
        problems.push(`${path}: holds run "${record.summary.id}", not the run its name says`);
        continue;
      }
      if (version === 1) {
        record.summary.history ??= [];
        logs.set(record.summary.id, { sound: false, epochs: 0 });
      } else {
        const log = await readHistoryLog(historyLogPath(dataDir, record.summary.id), historyEpochs ?? 0);
        record.summary.history = log.history;
        logs.set(record.summary.id, { sound: log.sound, epochs: log.history.length });
      }
      record.format = RUN_FORMAT;
      record.version = RUN_VERSION;
      records.push(record);
    } catch (err) {
      problems.push(`${path}: ${(err as Error).message}`);
    }
  }
  records.sort((a, b) => a.summary.createdAt.localeCompare(b.summary.createdAt));
  return { records, logs, problems };
}

/** Records read before runs had numbers get the next ones, oldest first, after the highest number kept; returns those (to be written again). */
export function numberRuns(records: RunRecord[]): RunRecord[] {
  let next = nextRunNumber(records);
  const numbered: RunRecord[] = [];
  for (const record of records)
    if (record.summary.number === undefined) {
      record.summary.number = next++;
      numbered.push(record);
    }
  return numbered;
}

/** One more than the highest number of these runs (1 for none). */
export function nextRunNumber(records: Iterable<RunRecord>): number {
  let highest = 0;
  for (const { summary } of records) highest = Math.max(highest, summary.number ?? 0);
  return highest + 1;
}
