/**
 * The files of each run: its record and its model files (checkpoints, best, last step), written in
 * order per run, off the caller's path. A failed write is reported on the run, not thrown.
 * See checkpoints.ts for the layout and the checkpoint policy.
 */
import { mkdir, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Network } from '../../engine/network';
import type { EpochReport } from '../../engine/reports';
import type { LabEvent } from '../../lab/contract';
import type { ModelFile, DatasetInfo as ModelDatasetInfo } from '../../model/format';
import { buildModelFile } from '../../model/model-file';
import { saveModelFile } from '../../model/model-files';
import { APP_VERSION } from '../../version';
import { BEST_MODEL, checkpointName, keepsEveryCheckpoint, runFilesDir } from './checkpoints';
import type { DatasetService } from '../datasets/dataset-service';
import { findDataset } from '../datasets/built-in';
import { LabError } from '../errors';
import type { Run } from './run';
import { writeRunRecord } from './run-store';
import type { SplitSizes, WeightsSnapshot } from '../worker/protocol';

export interface RunFilesOptions {
  dataDir: string;
  datasets: Pick<DatasetService, 'isBuiltIn' | 'identity'>;
  emit(event: LabEvent): void;
  /** SHA-256 of a file, cached by the caller. */
  sha256(path: string): Promise<string>;
  now(): Date;
  /** Milliseconds, for the checkpoint rate limit. */
  clock(): number;
  /** Least time between two checkpoints of a run (the last and best epochs are always kept). */
  checkpointIntervalMs: number;
}

export class RunFiles {
  constructor(private readonly options: RunFilesOptions) {}

  /** Queues a file write of this run after the ones before it; a failure is reported on the run. */
  private queueWrite(run: Run, task: () => Promise<void>, isRecord = false): void {
    // A record write already waiting runs before this task and would miss what it changes (latestModel…): the next persist() queues a new one.
    if (!isRecord) run.recordWriteQueued = false;
    run.writes = run.writes
      .then(() => (run.phase.kind === 'deleted' ? undefined : task()))
      .catch((err: unknown) => {
        if (run.phase.kind === 'deleted') return;
        const summary = run.record.summary;
        summary.message = `Could not save this run's files: ${(err as Error).message}`;
        this.options.emit({ type: 'status', runId: summary.id, status: summary.status, message: summary.message });
      });
  }

  /** Writes the run record; writes asked for while one is waiting (with no other file write queued after it) are merged into it. */
  persist(run: Run): void {
    if (run.recordWriteQueued) return;
    run.recordWriteQueued = true;
    this.queueWrite(
      run,
      async () => {
        run.recordWriteQueued = false;
        await writeRunRecord(this.options.dataDir, run.record);
      },
      true,
    );
  }

  /**
   * Takes an epoch's report and weights for the checkpoints. A run that keeps every checkpoint writes
   * each one (checkpoints.ts bounds their total size). Otherwise at most one checkpoint is written per
   * `checkpointIntervalMs`; the epochs in between are held (only the newest, and the newest best)
   * until the interval has passed or flushCheckpoints() is called. The run record is written with
   * each checkpoint, so its history and its files agree.
   */
  offerEpoch(run: Run, report: EpochReport, weights: WeightsSnapshot): void {
    const held = { report, weights, history: run.record.summary.history.slice() };
    run.unsaved.latest = held;
    if (report.isBest) run.unsaved.best = held;
    const { spec, settings } = run.record.summary;
    const due = run.lastCheckpointAt === undefined || this.options.clock() - run.lastCheckpointAt >= this.options.checkpointIntervalMs;
    if (due || keepsEveryCheckpoint(spec, settings.epochs)) this.flushCheckpoints(run);
  }

  /** Writes the held checkpoints now: when a run pauses or ends, so its last and best epochs are always on disk. */
  flushCheckpoints(run: Run): void {
    const { latest, best } = run.unsaved;
    run.unsaved = {};
    if (!latest && !best) return;
    run.lastCheckpointAt = this.options.clock();
    const { record } = run;
    const keepAll = keepsEveryCheckpoint(record.summary.spec, record.summary.settings.epochs);
    this.queueWrite(run, async () => {
      const dir = runFilesDir(this.options.dataDir, record.summary.id);
      await mkdir(dir, { recursive: true });
      const latestFile = latest && (await this.modelFile(run, latest.weights, latest.history));
      if (best) {
        await saveModelFile(join(dir, BEST_MODEL), best === latest ? latestFile! : await this.modelFile(run, best.weights, best.history));
        record.bestModel = BEST_MODEL;
      }
      if (!latest) return;
      const name = checkpointName(latest.report.epoch);
      await saveModelFile(join(dir, name), latestFile!);
      record.latestModel = name;
      const old = keepAll ? [] : record.checkpoints.filter((n) => n !== name);
      record.checkpoints = keepAll ? [...record.checkpoints.filter((n) => n !== name), name] : [name];
      for (const n of old) await rm(join(dir, n), { force: true });
    });
    this.persist(run);
  }

  /** Deletes these files of the run, after the writes queued before (a roll-back's discarded epochs). */
  remove(run: Run, names: string[]): void {
    const dir = runFilesDir(this.options.dataDir, run.record.summary.id);
    this.queueWrite(run, async () => {
      for (const name of names) await rm(join(dir, name), { force: true });
    });
  }

  writeModel(run: Run, name: string, weights: WeightsSnapshot, history: EpochReport[]): void {
    const { record } = run;
    if (!record.fittedScaling) return; // stopped before the data was loaded: no trained weights
    this.queueWrite(run, async () => {
      const dir = runFilesDir(this.options.dataDir, record.summary.id);
      await mkdir(dir, { recursive: true });
      await saveModelFile(join(dir, name), await this.modelFile(run, weights, history));
      record.latestModel = name;
    });
    this.persist(run);
  }

  /** A model file of these weights, with what the run knows about its data and training. */
  async modelFile(run: Run, weights: WeightsSnapshot, history: EpochReport[]): Promise<ModelFile> {
    const { summary, fittedScaling, sizes } = run.record;
    if (!fittedScaling || !sizes) throw new LabError('no-weights', `Run "${summary.name}" has not loaded its data yet.`);
    const net = new Network(summary.spec);
    const empty = new Float32Array(0);
    net.setParameters([empty, ...weights.w], [empty, ...weights.b]);
    const { datasets } = this.options;
    const info = datasets.isBuiltIn(summary.datasetId)
      ? await this.builtInIdentity(summary.datasetId, sizes)
      : await datasets.identity(summary.datasetId, sizes);
    return buildModelFile(net, {
      scaling: fittedScaling,
      settings: summary.settings,
      dataset: info,
      history,
      appVersion: APP_VERSION,
      createdAt: this.options.now().toISOString(),
    });
  }

  /** How a model file names a built-in dataset: its source files, hashed (once per path). */
  private async builtInIdentity(datasetId: string, sizes: SplitSizes): Promise<ModelDatasetInfo> {
    const dataset = findDataset(datasetId);
    const files = await Promise.all(
      dataset.files().map(async (path) => ({ name: basename(path), sha256: await this.options.sha256(path) })),
    );
    return {
      name: dataset.info.name,
      inputShape: [...dataset.info.inputShape],
      classes: [...dataset.info.classes],
      sizes: { ...sizes },
      files,
    };
  }
}
