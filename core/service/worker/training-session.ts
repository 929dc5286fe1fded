/**
 * The training loop of one run, as it runs inside its worker: steps the Trainer in short slices,
 * yields to the message port between them so commands are handled between two batches, and posts
 * throttled progress. It knows nothing of worker_threads: the worker entry hands it a `post`.
 *
 * Message budget: loss points and epoch reports are collected and sent at most once per
 * `progressIntervalMs` (default 125 ms), as one `progress` and one `epochs` message (every epoch
 * since the last, however fast they come), so a run sends main at most 16 of them a second (20 is
 * the budget: the margin absorbs messages bunched by a busy event loop), which main forwards one
 * for one to the window. The epochs follow the points of their last batch. Only
 * user actions (pause, step, stop), the NaN guard and the run's end flush early; the last epoch and
 * the end are always sent.
 *
 * Model files: the checkpointer (checkpointer.ts), when the run has one, writes them from this
 * thread; each `saved` notice is posted after the `epochs` message holding its epoch. The run
 * finishes only once its last epochs are on disk: a write that fails (a full disk) pauses the run
 * with the reason, and resuming it tries again.
 */
import type { Network } from '../../engine/network';
import type { BatchReport, EpochReport, NonFinite } from '../../engine/reports';
import type { Trainer } from '../../engine/trainer';
import { GRADIENT_SAMPLES_PER_EVENT, type GradientSample, type KernelBackend, type LossPoint } from '../../lab/contract';
import type { Checkpointer } from './checkpointer';
import { snapshotWeights, transferList, type SavedFile, type WeightsSnapshot, type WorkerCommand, type WorkerMessage } from './protocol';

export type Post = (message: WorkerMessage, transfer?: ArrayBuffer[]) => void;

export interface SessionOptions {
  progressIntervalMs?: number;
  sliceMs?: number;
  /** Milliseconds; default performance.now. */
  now?: () => number;
  /** The kernels the trainer runs on, reported in every progress message. */
  backend?: KernelBackend;
  /** Writes the run's model files (none are written without it). */
  checkpointer?: Checkpointer;
  /** Every epoch report of the run, this session's appended as they end (a resumed run's start with the earlier ones). */
  history?: EpochReport[];
}

/** What a paused run says when its files could not be written. */
export function describeSaveFailure(problem: string): string {
  return `Paused: this run's checkpoint could not be saved (${problem}). Nothing is lost yet: free some space, then resume, and it saves again before it carries on.`;
}

type State = 'running' | 'paused' | 'ended';

/** Nielsen numbers the input layer 1, so engine layer l is his layer l + 1. */
function layerName(l: number, L: number): string {
  return l === L ? `layer ${l + 1} (the output layer)` : `layer ${l + 1} (hidden layer ${l})`;
}

/** The message shown when the NaN guard pauses a run. */
export function describeNonFinite(detail: NonFinite, L: number, learningRate: number): string {
  const what =
    detail.what === 'loss'
      ? 'the loss'
      : `the ${detail.what === 'gradient' ? 'gradient' : 'weights'} of ${detail.layer === undefined ? 'a layer' : layerName(detail.layer, L)}`;
  return (
    `Paused: ${what} became NaN or infinite at epoch ${detail.epoch}, batch ${detail.batch}. ` +
    `That update was not kept, so the weights are the last finite ones. ` +
    `The learning rate η = ${learningRate} is probably too large: lower it (try ${learningRate / 10}) and resume from an epoch before the blow-up (those weights may already be huge).`
  );
}

/**
 * At most `most` of `items`, spread evenly and ending with the last (the per-epoch median and
 * quartiles of the gradient norms need samples from across the epoch, not only each message's last batch).
 */
export function evenly<T>(items: readonly T[], most: number): T[] {
  if (items.length <= most) return [...items];
  return Array.from({ length: most }, (_, i) => items[Math.floor(((i + 1) * items.length) / most) - 1]!);
}

export class TrainingSession {
  private state: State = 'running';
  private readonly net: Network;
  private readonly interval: number;
  private readonly slice: number;
  private readonly now: () => number;
  private readonly backend: KernelBackend | undefined;
  private points: LossPoint[] = [];
  /** Every batch's gradient norms since the last progress message; the message carries an even selection. */
  private gradients: GradientSample[] = [];
  private heldReports: EpochReport[] = [];
  private readonly history: EpochReport[];
  private readonly checkpointer: Checkpointer | undefined;
  /** Saved files not yet posted: their epoch's report has not been sent yet. */
  private savedWaiting: SavedFile[] = [];
  private postedEpoch: number;
  /** Set once the trainer has finished: the stop reason, sent once the last epochs are saved. */
  private finishing: string | undefined;
  /** A write failed and the run paused for it: nothing retries until it is resumed. */
  private saveBlocked = false;
  /** A stop command saving the last weights: run() returns after it. */
  private stopping: Promise<void> | undefined;
  private latest: BatchReport | undefined;
  private rows = 0;
  private busyMs = 0;
  private lastFlush: number;
  /** The last batch of an epoch ran but its endEpoch() has not (the NaN guard paused in between). */
  private epochPending = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly trainer: Trainer,
    private readonly post: Post,
    options: SessionOptions = {},
  ) {
    this.net = trainer.net;
    this.interval = options.progressIntervalMs ?? 125;
    this.slice = options.sliceMs ?? 15;
    this.now = options.now ?? (() => performance.now());
    this.backend = options.backend;
    this.checkpointer = options.checkpointer;
    this.history = options.history ?? [];
    this.postedEpoch = this.history.length;
    this.lastFlush = this.now();
  }

  /** Called by the checkpointer as files are written. */
  saved(files: SavedFile[]): void {
    this.savedWaiting.push(...files);
    this.postSaved();
  }

  /** Called by the checkpointer when a write due in the background failed. */
  saveFailed(problem: string): void {
    if (this.state !== 'ended') this.pauseForSave(problem);
  }

  get ended(): boolean {
    return this.state === 'ended';
  }

  /**
   * Trains until finished or stopped; pauses wait here for a command. If training throws, the
   * epochs held back are sent and saved before the error goes on (the worker then fails the run):
   * its newest epoch stays on disk, to resume from.
   */
  async run(): Promise<void> {
    try {
      await this.train();
    } catch (err) {
      await this.salvage();
      throw err;
    }
  }

  /** Sends the held epoch reports and writes the held checkpoints (the run is failing; a write that fails too changes nothing). */
  private async salvage(): Promise<void> {
    this.state = 'ended';
    this.flush();
    await this.checkpointer?.flush();
    this.postSaved();
  }

  private async train(): Promise<void> {
    // Let commands sent before the data finished loading (pause, a new η…) act before the first batch.
    await yieldToPort();
    while (this.state !== 'ended') {
      if (this.finishing !== undefined && !this.saveBlocked) {
        await this.finish(this.finishing);
        continue;
      }
      if (this.state === 'paused') {
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      const sliceEnd = this.now() + this.slice;
      do this.advance();
      while (this.state === 'running' && this.finishing === undefined && this.now() < sliceEnd);
      if (this.state === 'running' && this.now() - this.lastFlush >= this.interval) this.flush();
      await yieldToPort();
    }
    await this.stopping;
  }

  /** The trainer has finished: sends the last epochs, saves them, then says so (or pauses if they could not be saved). */
  private async finish(reason: string): Promise<void> {
    this.flush();
    const problem = await this.checkpointer?.flush();
    if (this.state === 'ended') return; // stopped meanwhile
    if (problem) return this.pauseForSave(problem);
    this.state = 'ended';
    this.post({ type: 'finished', reason });
  }

  private pauseForSave(problem: string): void {
    this.saveBlocked = true;
    this.state = 'paused';
    this.flush();
    this.post({ type: 'status', status: 'paused', message: describeSaveFailure(problem) });
  }

  /** Acts on a command; called between two batches (the loop yields to the port only there). */
  handle(command: WorkerCommand): void {
    const ack = (extra: { weights?: WeightsSnapshot; error?: string } = {}) =>
      this.post({ type: 'ack', seq: command.seq, ...extra }, extra.weights ? transferList(extra.weights) : []);
    // A stopping run still takes the dataset's description: its last files wait for it.
    if (this.state === 'ended' && command.type !== 'snapshot' && command.type !== 'dataset-info')
      return ack({ error: 'the run has ended' });
    switch (command.type) {
      case 'pause':
        if (this.state !== 'running') return ack();
        this.state = 'paused';
        this.flush();
        this.post({ type: 'status', status: 'paused' });
        // Answered once the held epochs are on disk, so the paused run's saved epochs are all offered.
        return this.checkpointer ? void this.saveHeld().then(() => ack()) : ack();
      case 'resume':
        if (this.state === 'paused') {
          this.state = 'running';
          this.saveBlocked = false;
          this.post({ type: 'status', status: 'running' });
          this.wakeUp();
        }
        return ack();
      case 'step':
        if (this.state !== 'paused') return ack({ error: 'only a paused run can be stepped' });
        if (this.finishing !== undefined) return ack({ error: 'the run has finished its epochs; resume it to save them' });
        this.advance();
        this.flush();
        if (this.finishing !== undefined) this.wakeUp(); // the step ended the last epoch: the loop finishes the run
        return ack();
      case 'stop': {
        this.flush();
        this.state = 'ended';
        this.wakeUp();
        this.stopping = this.saveAndStop(snapshotWeights(this.net)).then(() => ack());
        return;
      }
      case 'set-learning-rate':
        this.trainer.setLearningRate(command.learningRate);
        return ack();
      case 'snapshot':
        return ack({ weights: snapshotWeights(this.net) });
      case 'dataset-info':
        this.checkpointer?.setDatasetInfo(command.info);
        return ack();
    }
  }

  /** Saves the held epochs and the last step's weights, then says the run stopped (and what could not be saved). */
  private async saveAndStop(weights: WeightsSnapshot): Promise<void> {
    const { checkpointer } = this;
    const held = await checkpointer?.flush();
    const lastStep = await checkpointer?.writeLastStep(weights);
    const problem = lastStep ?? held;
    this.post(problem ? { type: 'stopped', saveError: problem } : { type: 'stopped' });
  }

  /** Writes the held checkpoints in the background (a pause): a failure pauses the run with the reason. */
  private async saveHeld(): Promise<string | undefined> {
    const problem = await this.checkpointer?.flush();
    if (problem) this.saveFailed(problem);
    return problem;
  }

  /** One mini-batch (ending the previous epoch first if that is still due). */
  private advance(): void {
    if (this.epochPending) {
      this.endEpoch();
      if (this.state === 'ended') return;
    }
    const started = this.now();
    const report = this.trainer.step();
    this.busyMs += this.now() - started;
    this.rows += report.rows;
    this.latest = report;
    if (report.nonFinite) {
      // The trainer did not apply this batch's update: the weights are the last finite ones.
      this.epochPending = report.epochComplete;
      return this.guardFired(report.nonFinite);
    }
    const step = (report.epoch - 1) * report.batchesPerEpoch + report.batch;
    this.points.push({ step, loss: report.loss });
    this.gradients.push({ step, norms: report.gradientNorms });
    if (!report.epochComplete) return;
    this.endEpoch();
  }

  private endEpoch(): void {
    this.epochPending = false;
    const report = this.trainer.endEpoch();
    this.history.push(report);
    this.heldReports.push(report);
    this.checkpointer?.offer(report, snapshotWeights(this.net));
    if (this.trainer.finished) this.finishing = report.stopReason ?? 'training finished';
  }

  private guardFired(detail: NonFinite): void {
    this.flush();
    const message = describeNonFinite(detail, this.net.L, this.trainer.learningRate);
    this.post({ type: 'non-finite', detail, message });
    // Sent even when already paused (a single step can trip the guard), so the message is current; sent once
    // the epochs held back are on disk, so the epochs a roll-back offers are all there when main hears it.
    this.state = 'paused';
    const paused = () => this.post({ type: 'status', status: 'paused', message });
    if (this.checkpointer) void this.saveHeld().then((problem) => !problem && this.state === 'paused' && paused());
    else paused();
  }

  /** Sends the loss points collected since the last progress message, then any epoch reports held back. */
  private flush(): void {
    const latest = this.latest;
    if (this.points.length > 0 && latest) {
      this.post({
        type: 'progress',
        progress: {
          epoch: latest.epoch,
          batch: latest.batch,
          batchesPerEpoch: latest.batchesPerEpoch,
          samplesPerSecond: this.busyMs > 0 ? (this.rows * 1000) / this.busyMs : 0,
          learningRate: this.trainer.learningRate,
          points: this.points,
          gradientNorms: latest.gradientNorms,
          gradientSamples: evenly(this.gradients, GRADIENT_SAMPLES_PER_EVENT),
          ...(this.backend ? { backend: this.backend } : {}),
        },
      });
    }
    if (this.heldReports.length > 0) {
      this.post({ type: 'epochs', reports: this.heldReports });
      this.postedEpoch = this.heldReports[this.heldReports.length - 1]!.epoch;
    }
    this.points = [];
    this.gradients = [];
    this.heldReports = [];
    this.postSaved();
    this.rows = 0;
    this.busyMs = 0;
    this.lastFlush = this.now();
  }

  /** Posts the saved files whose epoch main has been sent. */
  private postSaved(): void {
    const ready = this.savedWaiting.filter((f) => f.epoch <= this.postedEpoch);
    if (ready.length === 0) return;
    this.savedWaiting = this.savedWaiting.filter((f) => f.epoch > this.postedEpoch);
    this.post({ type: 'saved', files: ready });
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

/** Lets the event loop deliver pending port messages. */
function yieldToPort(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
