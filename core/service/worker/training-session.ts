/**
 * The training loop of one run, as it runs inside its worker: steps the Trainer in short slices,
 * yields to the message port between them so commands are handled between two batches, and posts
 * throttled progress. It knows nothing of worker_threads: the worker entry hands it a `post`.
 *
 * Progress throttling: loss points are collected and sent at most once per `progressIntervalMs`
 * (default 50 ms, so ≤ 20 progress messages a second). An epoch report waits for the next progress
 * message and follows it, so it always arrives after the points of its last batch. Only user
 * actions (pause, step, stop) and the run's end flush early.
 */
import type { Network } from '../../engine/network';
import type { BatchReport, EpochReport, NonFinite } from '../../engine/reports';
import type { Trainer } from '../../engine/trainer';
import type { KernelBackend, LossPoint } from '../../lab/contract';
import { snapshotWeights, transferList, type WeightsSnapshot, type WorkerCommand, type WorkerMessage } from './protocol';

export type Post = (message: WorkerMessage, transfer?: ArrayBuffer[]) => void;

export interface SessionOptions {
  progressIntervalMs?: number;
  sliceMs?: number;
  /** Milliseconds; default performance.now. */
  now?: () => number;
  /** The kernels the trainer runs on, reported in every progress message. */
  backend?: KernelBackend;
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

export class TrainingSession {
  private state: State = 'running';
  private readonly net: Network;
  private readonly interval: number;
  private readonly slice: number;
  private readonly now: () => number;
  private readonly backend: KernelBackend | undefined;
  private points: LossPoint[] = [];
  private heldEpochs: { report: EpochReport; weights: WeightsSnapshot }[] = [];
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
    this.interval = options.progressIntervalMs ?? 50;
    this.slice = options.sliceMs ?? 15;
    this.now = options.now ?? (() => performance.now());
    this.backend = options.backend;
    this.lastFlush = this.now();
  }

  get ended(): boolean {
    return this.state === 'ended';
  }

  /** Trains until finished or stopped; pauses wait here for a command. */
  async run(): Promise<void> {
    // Let commands sent before the data finished loading (pause, a new η…) act before the first batch.
    await yieldToPort();
    while (this.state !== 'ended') {
      if (this.state === 'paused') {
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      const sliceEnd = this.now() + this.slice;
      do this.advance();
      while (this.state === 'running' && this.now() < sliceEnd);
      if (this.state === 'running' && this.now() - this.lastFlush >= this.interval) this.flush();
      await yieldToPort();
    }
  }

  /** Acts on a command; called between two batches (the loop yields to the port only there). */
  handle(command: WorkerCommand): void {
    const ack = (extra: { weights?: WeightsSnapshot; error?: string } = {}) =>
      this.post({ type: 'ack', seq: command.seq, ...extra }, extra.weights ? transferList(extra.weights) : []);
    if (this.state === 'ended' && command.type !== 'snapshot') return ack({ error: 'the run has ended' });
    switch (command.type) {
      case 'pause':
        if (this.state === 'running') {
          this.state = 'paused';
          this.flush();
          this.post({ type: 'status', status: 'paused' });
        }
        return ack();
      case 'resume':
        if (this.state === 'paused') {
          this.state = 'running';
          this.post({ type: 'status', status: 'running' });
          this.wakeUp();
        }
        return ack();
      case 'step':
        if (this.state !== 'paused') return ack({ error: 'only a paused run can be stepped' });
        this.advance();
        this.flush();
        return ack();
      case 'stop': {
        this.flush();
        this.state = 'ended';
        const weights = snapshotWeights(this.net);
        this.post({ type: 'stopped', weights }, transferList(weights));
        this.wakeUp();
        return ack();
      }
      case 'set-learning-rate':
        this.trainer.setLearningRate(command.learningRate);
        return ack();
      case 'snapshot':
        return ack({ weights: snapshotWeights(this.net) });
    }
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
    this.points.push({ step: (report.epoch - 1) * report.batchesPerEpoch + report.batch, loss: report.loss });
    if (!report.epochComplete) return;
    this.endEpoch();
  }

  private endEpoch(): void {
    this.epochPending = false;
    const report = this.trainer.endEpoch();
    this.heldEpochs.push({ report, weights: snapshotWeights(this.net) });
    if (!this.trainer.finished) return;
    this.flush();
    this.state = 'ended';
    this.post({ type: 'finished', reason: report.stopReason ?? 'training finished' });
  }

  private guardFired(detail: NonFinite): void {
    this.flush();
    const message = describeNonFinite(detail, this.net.L, this.trainer.learningRate);
    this.post({ type: 'non-finite', detail, message });
    // Sent even when already paused (a single step can trip the guard), so the message is current.
    this.state = 'paused';
    this.post({ type: 'status', status: 'paused', message });
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
          ...(this.backend ? { backend: this.backend } : {}),
        },
      });
    }
    for (const { report, weights } of this.heldEpochs) this.post({ type: 'epoch', report, weights }, transferList(weights));
    this.points = [];
    this.heldEpochs = [];
    this.rows = 0;
    this.busyMs = 0;
    this.lastFlush = this.now();
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
