/**
 * The training runs: their verbs, their records and files, startup and shutdown. At most
 * `maxConcurrent` runs train at once, one worker thread each (run-worker.ts); the rest wait in the
 * queue (lifecycle.ts). Runs are remembered in `dataDir/runs/` (run-files.ts writes them,
 * run-store.ts reads them back at startup).
 *
 * Each verb reads as: which phases accept it (phaseFor, phases.ts), and which phase the run goes to
 * (lifecycle.enter, the one place a run changes phase).
 */
import { randomBytes } from 'node:crypto';
import { statfsSync } from 'node:fs';
import { mkdir, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  LabEvent,
  ResumeFromEpochRequest,
  RenameRunRequest,
  RollbackPoints,
  RunIdRequest,
  RunSummary,
  RunSweepTag,
  SetLearningRateRequest,
  StartRunRequest,
} from '../../lab/contract';
import type { ModelFile } from '../../model/format';
import { loadModelFile } from '../../model/model-files';
import type { DatasetService } from '../datasets/dataset-service';
import { LabError } from '../errors';
import { fileProblem } from '../file-problem';
import type { RunModelFiles } from '../models/model-inspector';
import type { StartPoint } from '../models/start-models';
import { checkpointDiskProblem, historyLogPath, runFilesDir, runRecordPath, runsDir } from './checkpoints';
import { Lifecycle, type LifecycleOptions } from './lifecycle';
import { accepts, phaseFor, type RunPhase } from './phases';
import { repairRunFiles } from './repair';
import { phaseAtStartup, resumeWeights } from './resume';
import { rollbackEpochs, suggestEpoch } from './rollback';
import { initialWeightNorms, loadRollbackWeights, rollbackCut } from './rollback-files';
import { newRun, type Run } from './run';
import { RunFiles } from './run-files';
import { currentRate, positionOf, recordRateChange, scheduledRate } from './record-events';
import { newRunRecord, nextRunNumber, numberRuns, readRunRecords, type RunRecord } from './run-store';

export type { WorkerFactory, WorkerSettings } from './run-worker';

/** η in a note: at most 4 significant digits (a schedule's values have many). */
const eta = (rate: number): string => String(Number(rate.toPrecision(4)));

export interface RunManagerOptions extends LifecycleOptions {
  dataDir: string;
  now(): Date;
  /** Milliseconds, for the checkpoint rate limit. */
  clock(): number;
  checkpointIntervalMs: number;
  emit(event: LabEvent): void;
  datasets: Pick<DatasetService, 'info' | 'isBuiltIn' | 'identity' | 'root'>;
  sha256(path: string): Promise<string>;
}

export class RunManager {
  private readonly runs = new Map<string, Run>();
  private readonly files: RunFiles;
  private readonly lifecycle: Lifecycle;
  /** Run files that could not be read back by load(), one line each. */
  problems: string[] = [];

  constructor(private readonly options: RunManagerOptions) {
    this.files = new RunFiles(options);
    this.lifecycle = new Lifecycle(options, this.files);
  }

  // ── startup and shutdown ──────────────────────────────────────────────────────────────────

  /** Reads the run records of the data folder; runs that were alive come back interrupted (resume.ts). */
  async load(): Promise<void> {
    const { dataDir } = this.options;
    const read = async () => {
      await mkdir(runsDir(dataDir), { recursive: true });
      return readRunRecords(dataDir);
    };
    // Every verb waits for this: say what is wrong with the folder rather than a bare errno.
    const { records, logs, problems } = await read().catch((err: unknown) => {
      throw new LabError('invalid', `The lab cannot use its runs folder ${runsDir(dataDir)}: ${fileProblem(err)}.`, { cause: err });
    });
    this.problems = problems;
    const numbered = new Set(numberRuns(records));
    for (const record of records) {
      // A folder that cannot be read is said on the run; its record stays as it was.
      const repaired = await repairRunFiles(dataDir, record).catch(
        (err: unknown) => `Its files could not be checked at start-up (${fileProblem(err)}).`,
      );
      const { phase, changed } = phaseAtStartup(record);
      if (repaired) record.summary.message = [repaired, record.summary.message].filter(Boolean).join(' ');
      // A log that was torn, or that holds fewer epochs than the run now has (a version-1 record, a history taken from a checkpoint), is rewritten whole.
      const log = logs.get(record.summary.id);
      const sound = log !== undefined && log.sound && record.summary.history.length <= log.epochs;
      const run = this.add(record, phase, sound);
      if (changed || repaired || numbered.has(record)) this.files.persist(run);
    }
  }

  /** Stops every run (keeping its weights) and waits for the files to be written; nothing new starts from the call on. */
  async shutDown(loaded: Promise<void>): Promise<void> {
    await this.lifecycle.close(loaded);
    await Promise.all([...this.runs.values()].map((run) => run.writes));
  }

  /** Resolves once every file write asked for so far (run records, checkpoints) has finished. */
  async settled(): Promise<void> {
    let pending: Promise<void>[];
    do {
      pending = [...this.runs.values()].map((run) => run.writes);
      await Promise.all(pending);
    } while ([...this.runs.values()].some((run, i) => run.writes !== pending[i]));
  }

  // ── the runs ──────────────────────────────────────────────────────────────────────────────

  /** Queues a new run of a request already checked against its dataset (`sweep`: the sweep that queues it). */
  start(request: StartRunRequest, sweep?: RunSweepTag, from?: StartPoint): RunSummary {
    const disk = checkpointDiskProblem(request.checkpoints, request.spec, request.settings.epochs, this.freeDiskBytes());
    if (disk) throw new LabError('invalid', disk);
    const id = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
    const number = nextRunNumber([...this.runs.values()].map((r) => r.record));
    const run = this.add(newRunRecord(id, request, this.options.now(), number, sweep), { kind: 'queued' });
    if (from) {
      run.start = { resume: from.resume };
      run.record.summary.startedFrom = structuredClone(from.startedFrom);
    }
    this.lifecycle.queueUp(run);
    return this.summaryOf(run);
  }

  /** Bytes free for the runs folder (undefined if the system cannot say). */
  private freeDiskBytes(): number | undefined {
    try {
      const { bavail, bsize } = statfsSync(runsDir(this.options.dataDir));
      return bavail * bsize;
    } catch {
      return undefined;
    }
  }

  list(): RunSummary[] {
    return [...this.runs.values()].map((run) => this.summaryOf(run));
  }

  /** A run that has not ended and uses this dataset, if any. */
  activeOn(datasetId: string): RunSummary | undefined {
    const run = [...this.runs.values()].find((r) => r.record.summary.datasetId === datasetId && r.phase.kind !== 'ended');
    return run && this.summaryOf(run);
  }

  summary(runId: string): RunSummary {
    return this.summaryOf(this.get(runId));
  }

  async pause({ runId }: RunIdRequest): Promise<void> {
    const phase = phaseFor(this.get(runId), 'pause');
    if (phase.kind === 'launching' || phase.kind === 'training') await phase.worker.command({ type: 'pause' });
  }

  /** Resumes a paused run; an interrupted one is queued for a new worker that starts from its saved weights. */
  async resume({ runId }: RunIdRequest): Promise<void> {
    const run = this.get(runId);
    const phase = phaseFor(run, 'resume');
    if (phase.kind === 'interrupted') {
      if (await this.restart(run)) this.lifecycle.note(run, 'resume', 'resumed in a new worker after the lab closed');
    } else if (phase.kind === 'paused') await phase.worker.command({ type: 'resume' });
  }

  /** Exactly one mini-batch of a paused run; it stays paused. */
  async step({ runId }: RunIdRequest): Promise<void> {
    const run = this.get(runId);
    await phaseFor(run, 'step').worker.command({ type: 'step' });
    // Its progress came before the ack: the position is the batch just trained.
    const { epoch, batch } = positionOf(run);
    this.lifecycle.note(run, 'step', `one batch (batch ${batch} of epoch ${epoch})`);
  }

  /** Ends the run for good, keeping the weights of its last finished step. */
  async stop({ runId }: RunIdRequest): Promise<void> {
    const run = this.get(runId);
    const phase = phaseFor(run, 'stop');
    if (phase.kind === 'ended') return;
    if (phase.kind === 'queued') {
      this.lifecycle.enter(run, { kind: 'ended', status: 'stopped' }, { message: 'Stopped before it started.' });
      return this.lifecycle.updateQueuePositions();
    }
    // Interrupted: no worker to stop, and its saved weights stay.
    if (phase.kind === 'interrupted') return this.lifecycle.enter(run, { kind: 'ended', status: 'stopped' }, {});
    const ack = await phase.worker.command({ type: 'stop' }, false);
    if (ack.error && run.phase.kind !== 'ended')
      throw new LabError('bad-state', `Run "${run.record.summary.name}" could not stop: ${ack.error}.`);
    await run.writes;
  }

  /**
   * Changes η between two batches; the next progress events carry the new value. The run's base η
   * and schedule stay as designed: the change is an event of its record, which a new worker of the
   * run (after the lab closed, record-events.ts) applies again.
   */
  async setLearningRate({ runId, learningRate }: SetLearningRateRequest): Promise<void> {
    const run = this.get(runId);
    const phase = phaseFor(run, 'set-learning-rate');
    if ('worker' in phase) await phase.worker.command({ type: 'set-learning-rate', learningRate });
    const from = currentRate(run);
    if (run.position) run.position.learningRate = learningRate;
    const at = positionOf(run);
    const scheduled = scheduledRate(run.record, at);
    const { epoch, batch } = at;
    const where = batch === 0 ? `from the start of epoch ${epoch}` : `at batch ${batch} of epoch ${epoch}`;
    const event = recordRateChange(run, 'learning-rate', `η ${eta(from)} → ${eta(learningRate)} ${where}`, this.options.now(), {
      from,
      to: learningRate,
      scheduled,
    });
    this.options.emit({ type: 'record', runId, event, name: run.record.summary.name });
    this.files.persist(run);
  }

  /** Gives the run a new name (trimmed; the schema has refused blank names and control characters). */
  rename({ runId, name }: RenameRunRequest): RunSummary {
    const run = this.get(runId);
    if (run.phase.kind === 'deleted') throw new LabError('not-found', `There is no run "${runId}".`);
    run.record.summary.name = name.trim();
    this.files.persist(run);
    return this.summaryOf(run);
  }

  /** The saved epochs a paused run can go back to, and the healthy one the lab suggests (rollback.ts). */
  async rollbackPoints({ runId }: RunIdRequest): Promise<RollbackPoints> {
    const run = this.get(runId);
    await run.writes; // checkpoints queued when it paused count
    const { record } = run;
    const epochs = rollbackEpochs(record);
    const norms = await initialWeightNorms(this.options.dataDir, record);
    const { epoch, reason } = suggestEpoch(record.summary.history, epochs, norms, record.summary.startedFrom?.name);
    return { runId, epochs, suggested: epoch, reason };
  }

  /**
   * Rolls a paused run back to a saved epoch and trains on from it at η = learningRate, in a new
   * worker (as a resume after a restart: the optimiser state and shuffle order start afresh). Every
   * check and the read of the weights come first, so a refused request changes nothing; then the
   * old worker ends, the history and files after the epoch go, and the record says what happened.
   */
  async resumeFromEpoch({ runId, epoch, learningRate }: ResumeFromEpochRequest): Promise<void> {
    const run = this.get(runId);
    const { record } = run;
    const { summary } = record;
    phaseFor(run, 'go-back');
    const epochs = rollbackEpochs(record);
    if (!epochs.includes(epoch))
      throw new LabError(
        'invalid',
        `Run "${summary.name}" has no saved weights for epoch ${epoch}: it can go back to epoch ${epochs.join(', ')} (0 = its initial weights).`,
      );
    await this.requireDataset(record, 'cannot train on');
    await run.writes; // the checkpoint to read is on disk
    const weights = await loadRollbackWeights(this.options.dataDir, record, epoch);
    const from = run.phase;
    if (!accepts(from, 'go-back'))
      throw new LabError(
        'bad-state',
        `Run "${summary.name}" changed while its epoch ${epoch} was read (it is ${summary.status}); nothing was rolled back.`,
      );
    const worker = from.kind === 'paused' ? from.worker : undefined;
    this.lifecycle.enter(run, worker ? { kind: 'rolling-back', worker } : { kind: 'rolling-back' });
    await worker?.terminate();
    await run.writes;
    if (run.phase.kind === 'deleted') return;
    const fromEpoch = summary.history.length;
    const before = currentRate(run);
    const doomed = rollbackCut(record, epoch);
    delete run.position; // it trains on from the start of the epoch after `epoch`
    (summary.rollbacks ??= []).push({ at: this.options.now().toISOString(), fromEpoch, toEpoch: epoch, learningRate });
    // The base η and schedule stay; the η chosen is a change of the schedule's level from that point (record-events.ts).
    const at = positionOf(run);
    const event = recordRateChange(
      run,
      'rollback',
      `back to epoch ${epoch} from epoch ${fromEpoch}, η ${eta(before)} → ${eta(learningRate)}`,
      this.options.now(),
      {
        from: before,
        to: learningRate,
        scheduled: scheduledRate(record, at),
        at,
      },
    );
    this.options.emit({ type: 'record', runId, event, name: summary.name });
    const notice = `Went back to epoch ${epoch} and trains on at η = ${learningRate}; epochs ${epoch + 1}–${fromEpoch} were discarded.`;
    // A failed launch leaves it paused and resumable from the epoch it went back to (lifecycle.ts, launchFailed).
    const resume = { weights, history: summary.history.slice() };
    this.lifecycle.enter(run, { kind: 'queued', resume, fallback: { status: 'paused', message: notice } }); // the record no longer names the files deleted next
    this.files.remove(run, doomed);
    this.lifecycle.queueUp(run, { message: notice, front: true }); // it takes the slot its old worker freed
  }

  async delete({ runId }: RunIdRequest): Promise<void> {
    const run = this.get(runId);
    const workers = this.lifecycle.workersOf(run);
    this.runs.delete(runId);
    this.lifecycle.enter(run, { kind: 'deleted' });
    for (const worker of workers) await worker.terminate();
    await run.writes;
    const { dataDir } = this.options;
    await rm(runFilesDir(dataDir, runId), { recursive: true, force: true });
    for (const path of [runRecordPath(dataDir, runId), historyLogPath(dataDir, runId)])
      await unlink(path).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
    this.lifecycle.schedule();
  }

  /** The run's current weights as a model file: from its worker while it trains, else its newest saved model. */
  async latestModelFile(runId: string): Promise<ModelFile> {
    const run = this.get(runId);
    const { phase } = run;
    const { summary } = run.record;
    if (phase.kind === 'launching' || phase.kind === 'training' || phase.kind === 'paused') {
      if (!run.record.fittedScaling)
        throw new LabError('no-weights', `Run "${summary.name}" is still loading its data; save it once training has started.`);
      const ack = await phase.worker.command({ type: 'snapshot' });
      if (!ack.weights) throw new LabError('no-weights', `Run "${summary.name}" sent no weights.`);
      return this.files.modelFile(run, ack.weights, summary.history.slice());
    }
    await run.writes;
    const latest = run.record.latestModel;
    if (!latest)
      throw new LabError(
        'no-weights',
        `Run "${summary.name}" has no trained weights to save (it ${summary.status === 'queued' ? 'has not started' : 'ended before its first epoch'}).`,
      );
    return (await loadModelFile(join(runFilesDir(this.options.dataDir, runId), latest))).file;
  }

  /** Where a run's model files are, once its pending writes have landed. */
  async modelFiles(runId: string): Promise<RunModelFiles> {
    const run = this.get(runId);
    await run.writes;
    const { summary, latestModel, bestModel, checkpoints } = run.record;
    return { runName: summary.name, dir: runFilesDir(this.options.dataDir, runId), latestModel, bestModel, checkpoints: [...checkpoints] };
  }

  /** Queues an interrupted run for a new worker (false: another resume did first): its saved weights, the epochs they had done, and η as last set. */
  private async restart(run: Run): Promise<boolean> {
    const { record } = run;
    await this.requireDataset(record, 'cannot resume');
    const weights = await resumeWeights(this.options.dataDir, record);
    const { phase } = run;
    if (phase.kind !== 'interrupted') return false; // resumed twice at once: the first one won
    this.lifecycle.enter(run, { kind: 'queued', resume: { weights, history: record.summary.history.slice() }, fallback: phase.was });
    this.lifecycle.queueUp(run);
    return true;
  }

  /** Said before anything changes: the run stays as it is, and can carry on once the dataset is back. */
  private async requireDataset({ summary }: RunRecord, cannot: string): Promise<void> {
    await this.options.datasets.info(summary.datasetId).catch((err: unknown) => {
      if (err instanceof LabError && err.code === 'not-found')
        throw new LabError(
          'not-found',
          `Run "${summary.name}" ${cannot}: its dataset "${summary.datasetId}" is no longer in the library. Its saved weights are kept.`,
        );
      throw err;
    });
  }

  private add(record: RunRecord, phase: RunPhase, historyLogSound = true): Run {
    const run = newRun(record, phase, historyLogSound);
    this.runs.set(record.summary.id, run);
    return run;
  }

  private get(runId: string): Run {
    const run = this.runs.get(runId);
    if (!run) throw new LabError('not-found', `There is no run "${runId}".`);
    return run;
  }

  private summaryOf(run: Run): RunSummary {
    return structuredClone(run.record.summary);
  }
}
