/**
 * The files of each run as main keeps them: its small record and its history log (history-log.ts),
 * written in order per run off the caller's path, and the model files its worker writes (named in the record once written, the ones they
 * replace deleted after). A failed write is reported on the run, not thrown. See checkpoints.ts
 * for the layout and the checkpoint policy.
 */
import { rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Network } from '../../engine/network';
import type { EpochReport } from '../../engine/reports';
import type { LabEvent } from '../../lab/contract';
import type { ModelFile, DatasetInfo as ModelDatasetInfo } from '../../model/format';
import { buildModelFile } from '../../model/model-file';
import { APP_VERSION } from '../../version';
import { checkpointEpoch, historyLogPath, keepsCheckpoint, runFilesDir } from './checkpoints';
import { appendHistory, writeHistoryLog } from './history-log';
import type { DatasetService } from '../datasets/dataset-service';
import { findDataset } from '../datasets/built-in';
import { LabError } from '../errors';
import type { Run } from './run';
import { runCheckpointPolicy, writeRunRecord } from './run-store';
import { applyWeights, type SavedFile, type SplitSizes, type WeightsSnapshot } from '../worker/protocol';

export interface RunFilesOptions {
  dataDir: string;
  datasets: Pick<DatasetService, 'isBuiltIn' | 'identity'>;
  emit(event: LabEvent): void;
  /** SHA-256 of a file, cached by the caller. */
  sha256(path: string): Promise<string>;
  now(): Date;
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
        // The record counts the epochs of the log: the log must hold them first.
        await this.ensureHistoryLog(run);
        await writeRunRecord(this.options.dataDir, run.record);
      },
      true,
    );
  }

  /** Appends epochs (just added to the run's history) to its log: a short write, whatever the length of the history. */
  appendEpochs(run: Run, reports: EpochReport[]): void {
    this.queueWrite(run, async () => {
      if (await this.ensureHistoryLog(run)) return; // rewritten whole, these epochs with the rest
      try {
        await appendHistory(historyLogPath(this.options.dataDir, run.record.summary.id), reports);
      } catch (err) {
        run.historyLogSound = false; // part of a line may be on disk: the next write rewrites the log
        throw err;
      }
    });
  }

  /** Rewrites the history log whole when it cannot be appended to (true if it did). */
  private async ensureHistoryLog(run: Run): Promise<boolean> {
    if (run.historyLogSound) return false;
    await writeHistoryLog(historyLogPath(this.options.dataDir, run.record.summary.id), run.record.summary.history);
    run.historyLogSound = true;
    return true;
  }

  /**
   * Model files the run's worker has written (worker/checkpointer.ts): the record names them, is
   * written, and only then are the checkpoints they replace deleted. So at every instant the record
   * on disk names files that exist (a crash between leaves an extra file, swept at startup by
   * repair.ts). Checkpoints the run keeps for good (every epoch, or every n: its policy) are never
   * replaced; any other is only the newest, and goes when a newer one is named.
   */
  saved(run: Run, files: SavedFile[]): void {
    const { record } = run;
    const policy = runCheckpointPolicy(record);
    const kept = (name: string): boolean => keepsCheckpoint(record, policy, checkpointEpoch(name) ?? -1);
    const replaced: string[] = [];
    for (const file of files) {
      if (file.kind === 'best') record.bestModel = file.name;
      else record.latestModel = file.name;
      if (file.kind !== 'checkpoint') continue;
      const others = record.checkpoints.filter((n) => n !== file.name);
      replaced.push(...others.filter((n) => !kept(n)));
      record.checkpoints = [...others.filter(kept), file.name];
    }
    this.persist(run);
    if (replaced.length > 0) this.remove(run, replaced);
  }

  /** Deletes these files of the run, after the writes queued before (a roll-back's discarded epochs). */
  remove(run: Run, names: string[]): void {
    const dir = runFilesDir(this.options.dataDir, run.record.summary.id);
    this.queueWrite(run, async () => {
      for (const name of names) await rm(join(dir, name), { force: true });
    });
  }

  /** How the run's model files name its dataset, once its worker has loaded it (split sizes known). */
  async datasetInfo(run: Run): Promise<ModelDatasetInfo> {
    const { summary, sizes } = run.record;
    if (!sizes) throw new LabError('no-weights', `Run "${summary.name}" has not loaded its data yet.`);
    const { datasets } = this.options;
    return datasets.isBuiltIn(summary.datasetId)
      ? await this.builtInIdentity(summary.datasetId, sizes)
      : await datasets.identity(summary.datasetId, sizes);
  }

  /** A model file of these weights, with what the run knows about its data and training (a save of a running run's weights). */
  async modelFile(run: Run, weights: WeightsSnapshot, history: EpochReport[]): Promise<ModelFile> {
    const { summary, fittedScaling, sizes } = run.record;
    if (!fittedScaling || !sizes) throw new LabError('no-weights', `Run "${summary.name}" has not loaded its data yet.`);
    const net = new Network(summary.spec);
    applyWeights(net, weights);
    const info = await this.datasetInfo(run);
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
