/**
 * How runs move between phases (phases.ts): enter() is the one place a run changes phase, keeping
 * its record and the window in step. Around it: the queue, the worker slots (at most
 * `maxConcurrent` worker threads; a paused run keeps its slot, and a worker holds its slot until
 * its thread has exited), launching a worker (run-worker.ts), the moves its reports make, and
 * stopping every worker when the lab closes. The run manager's verbs decide which move to make.
 */
import type { LabEvent, RunEvent, RunRecordEvent, RunRecordEventKind } from '../../lab/contract';
import type { DatasetService } from '../datasets/dataset-service';
import { checkMove, interruptionOf, statusOf, type Phase, type RunPhase } from './phases';
import { recordEvent, type RunPosition } from './record-events';
import type { Run } from './run';
import { canResume, epochsDone } from './resume';
import type { RunFiles } from './run-files';
import { RunWorker, trainWorkerData, type WorkerFactory, type WorkerReports, type WorkerSettings } from './run-worker';
import { threadsAtLaunch } from './threads';

export interface LifecycleOptions {
  now(): Date;
  workerFactory: WorkerFactory;
  maxConcurrent: number;
  /** Cores of the machine, for resolving a run's 'auto' threads. */
  cores: number;
  emit(event: LabEvent): void;
  datasets: Pick<DatasetService, 'isBuiltIn' | 'root'>;
  worker: WorkerSettings;
  /** Where runs' files go (each worker writes its run's checkpoints there). */
  dataDir: string;
  /** Least time between two checkpoints of a run. */
  checkpointIntervalMs: number;
  /** How long close() lets a worker stop cleanly before terminating it. */
  stopTimeoutMs: number;
}

/** A status event: what the run's summary says besides its status. */
export interface StatusNote {
  message?: string;
  queuePosition?: number;
}

export class Lifecycle {
  /** Runs in the queued phase, next first. */
  private readonly queue: Run[] = [];
  /** Worker threads not yet exited, each holding a slot (a run's worker may outlive its run's end by a moment). */
  private readonly workers = new Set<RunWorker>();
  private closing = false;

  constructor(
    private readonly options: LifecycleOptions,
    private readonly files: RunFiles,
  ) {}

  /** The worker threads of a run that have not exited (two for a moment, when a resumed run's failed worker is slow to go). */
  workersOf(run: Run): RunWorker[] {
    return [...this.workers].filter((worker) => worker.run === run);
  }

  /** Ends the queued runs and stops every worker (keeping its weights); nothing starts from the call on. */
  async close(loaded: Promise<void>): Promise<void> {
    this.closing = true;
    await loaded.catch(() => undefined);
    for (const run of [...this.queue])
      this.enter(run, { kind: 'ended', status: 'stopped' }, { message: 'The lab closed before this run started.' });
    await Promise.all(
      [...this.workers].map(async (worker) => {
        const timeout = new Promise<'timeout'>((resolve) => setTimeout(resolve, this.options.stopTimeoutMs, 'timeout').unref());
        const stopped = worker.command({ type: 'stop' }, false).catch(() => undefined);
        if ((await Promise.race([stopped, timeout])) === 'timeout') await worker.terminate();
        await worker.exited;
      }),
    );
  }

  /**
   * Moves the run to its next phase (phases.ts refuses a move it does not allow), brings its record
   * in step (status, `interrupted`) and saves it; with a note, announces its status.
   */
  enter(run: Run, next: RunPhase, note?: StatusNote): void {
    checkMove(run, next.kind);
    if (run.phase.kind === 'queued') {
      const queued = this.queue.indexOf(run);
      if (queued >= 0) this.queue.splice(queued, 1);
    }
    run.phase = next;
    const status = statusOf(next);
    if (status === undefined) return; // deleted: nothing more is saved or said
    const { record } = run;
    record.summary.status = status;
    const interrupted = interruptionOf(next);
    if (interrupted) record.interrupted = interrupted;
    else delete record.interrupted;
    if (status !== 'queued') delete record.summary.queuePosition;
    if (note) this.announce(run, note);
    else this.files.persist(run);
  }

  /** Sends the run's status event (its message replaced by the note's) and saves the record. */
  private announce(run: Run, { message, queuePosition }: StatusNote): void {
    const summary = run.record.summary;
    const { status } = summary;
    if (message === undefined) delete summary.message;
    else summary.message = message;
    if (status === 'queued' && queuePosition !== undefined) summary.queuePosition = queuePosition;
    else delete summary.queuePosition;
    const event: RunEvent = { type: 'status', runId: summary.id, status };
    if (summary.queuePosition !== undefined) event.queuePosition = summary.queuePosition;
    if (message !== undefined) event.message = message;
    this.options.emit(event);
    this.files.persist(run);
  }

  /** Adds an event to the run's record (record-events.ts), tells the window and saves the record. */
  note(
    run: Run,
    kind: RunRecordEventKind,
    detail: string,
    extra?: Pick<RunRecordEvent, 'from' | 'to' | 'scheduled'> & { at?: RunPosition },
  ): void {
    const event = recordEvent(run, kind, detail, this.options.now(), extra);
    const { id, name } = run.record.summary;
    this.options.emit({ type: 'record', runId: id, event, name });
    this.files.persist(run);
  }

  /** Puts a queued run in the queue (at its end, or first) and starts what the free slots allow. */
  queueUp(run: Run, { message, front = false }: { message?: string; front?: boolean } = {}): void {
    if (front) this.queue.unshift(run);
    else this.queue.push(run);
    this.announce(run, { message, queuePosition: front ? 1 : this.queue.length });
    this.schedule();
  }

  schedule(): void {
    if (this.closing) return;
    let active = this.workers.size;
    while (active < this.options.maxConcurrent && this.queue.length > 0) {
      this.launch(this.queue.shift()!);
      active++;
    }
    this.updateQueuePositions();
  }

  updateQueuePositions(): void {
    this.queue.forEach((run, i) => {
      if (run.record.summary.queuePosition !== i + 1) this.announce(run, { queuePosition: i + 1 });
    });
  }

  private launch(run: Run): void {
    const phase = run.phase as Phase<'queued'>; // the queue holds queued runs only
    // 'auto' is decided now, not when queued: it depends on what else trains at this moment.
    const threads = threadsAtLaunch(run.record.summary.threadsSetting, this.workers.size);
    const data = trainWorkerData(run, this.options, threads, phase.resume);
    let worker: RunWorker;
    try {
      const context = { files: this.files, emit: this.options.emit };
      worker = new RunWorker(run, this.options.workerFactory(data), context, (w) => this.reportsFor(run, w));
    } catch (err) {
      return this.launchFailed(run, `The training worker could not start: ${(err as Error).message}`);
    }
    this.workers.add(worker);
    this.enter(run, { kind: 'launching', worker, ...(phase.fallback ? { fallback: phase.fallback } : {}) }, {});
  }

  /** The moves a worker's reports make (run-worker.ts hears a worker only while its run's phase names it). */
  private reportsFor(run: Run, worker: RunWorker): WorkerReports {
    const ended = (status: 'finished' | 'stopped', message?: string) => this.enter(run, { kind: 'ended', status }, { message });
    return {
      // The resumed worker has its data and weights: from here a failure is an ordinary failure.
      ready: () => {
        run.record.summary.startedAt ??= this.options.now().toISOString();
        if (run.phase.kind === 'launching') this.enter(run, { kind: 'training', worker });
      },
      status: (status, message) => {
        const was = run.phase.kind;
        this.enter(run, { kind: status === 'paused' ? 'paused' : 'training', worker }, { message });
        if (status === 'paused' && was !== 'paused') this.note(run, 'pause', message ? `paused: ${firstSentence(message)}` : 'paused');
        else if (status === 'running' && was === 'paused') this.note(run, 'resume', 'resumed');
      },
      finished: (reason) => ended('finished', reason),
      stopped: (saveError) =>
        this.closing
          ? this.closedUnder(run)
          : ended(
              'stopped',
              saveError && `Stopped, but the weights of its last step could not be saved (${saveError}); its last checkpoint is kept.`,
            ),
      failed: (why) =>
        run.phase.kind === 'training' || run.phase.kind === 'paused' ? this.trainingFailed(run, why) : this.launchFailed(run, why),
      exited: (why, unexpected) => {
        if (unexpected && this.closing) this.closedUnder(run);
        else if (unexpected) this.launchFailed(run, `The training worker stopped unexpectedly: ${why}.`);
        this.workers.delete(worker);
        this.schedule();
      },
    };
  }

  /**
   * A worker that could not train. A run resuming (after a restart or a roll-back) goes back to
   * paused and resumable (its files are untouched until the new worker is ready), so a passing
   * problem loses nothing; any other run fails.
   */
  private launchFailed(run: Run, why: string): void {
    const { phase } = run;
    const fallback = phase.kind === 'queued' || phase.kind === 'launching' ? phase.fallback : undefined;
    if (!fallback) return this.enter(run, { kind: 'ended', status: 'failed' }, { message: why });
    this.enter(
      run,
      { kind: 'interrupted', was: fallback },
      {
        message: `Could not resume. ${why.replace(/\.?$/, '.')} Nothing was lost: the run is paused with its saved weights; resume it again, or stop it.`,
      },
    );
  }

  /**
   * Training went wrong after it had started. Its worker saved its newest epoch before failing
   * (worker/training-session.ts), so the run is kept resumable from there, as after a crash of the
   * lab: a new worker trains on from that epoch. A run with no saved epoch fails.
   */
  private trainingFailed(run: Run, why: string): void {
    const { record } = run;
    if (!canResume(record)) return this.enter(run, { kind: 'ended', status: 'failed' }, { message: why });
    const done = epochsDone(record);
    record.summary.history = record.summary.history.slice(0, done); // the weights it resumes from have done these
    const message = `${why.replace(/\.?$/, '.')} Its weights of epoch ${done} are saved: resume to train on from them in a new worker, go back to an earlier epoch, or stop it.`;
    this.enter(run, { kind: 'interrupted', was: { status: 'paused', message } }, { message });
  }

  /** The lab closes while the run is alive: it stops, remembering what it was doing (and why it had paused itself), so the next lab offers to resume it. */
  private closedUnder(run: Run): void {
    const { message } = run.record.summary;
    const interrupted = {
      status: run.phase.kind === 'paused' ? ('paused' as const) : ('running' as const),
      ...(message ? { message } : {}),
    };
    this.enter(run, { kind: 'ended', status: 'stopped', interrupted }, { message: 'The lab closed while this run was training.' });
  }
}

/** The first sentence of a message (what a chart marker's note has room for). */
function firstSentence(message: string): string {
  return /^.*?[.!?](?=\s|$)/.exec(message)?.[0] ?? message;
}
