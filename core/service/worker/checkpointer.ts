/**
 * A run's model files, written by its worker (off the main thread: a large model's JSON takes
 * seconds to build). Main is told each file's name and size once it is complete on disk, then
 * writes the small run record naming it, and only then deletes the checkpoint it replaces
 * (runs/run-files.ts): at every instant the record names files that exist.
 *
 * Cadence (checkpoints.ts has the policy): an epoch the run keeps for good (every epoch, or every
 * n, and the initial weights as epoch 0) is written as it ends; any other at most once per
 * `intervalMs` of the clock, whatever the epoch speed, holding the newest epoch and the newest best
 * one in between. `flush()` writes what is held now: when the run pauses, stops, finishes or fails,
 * so its last and best epochs are always on disk.
 *
 * A failed write (a full disk) loses nothing: its epochs are held again for the next attempt, and
 * the failure is reported (the session pauses the run with the reason).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ScalingParams } from '../../data/scaling';
import { Network } from '../../engine/network';
import type { EpochReport } from '../../engine/reports';
import type { NetworkSpec, TrainSettings } from '../../engine/spec';
import type { AtomicWriteFs } from '../../files/atomic-write';
import type { DatasetInfo, ModelOrigin } from '../../model/format';
import { buildModelFile } from '../../model/model-file';
import { writeFileAtomic } from '../../model/model-files';
import { APP_VERSION } from '../../version';
import { fileProblem } from '../file-problem';
import type { CheckpointPolicy } from '../../lab/run-types';
import { BEST_MODEL, checkpointName, keepsEpoch, LAST_STEP_MODEL } from '../runs/checkpoints';
import { applyWeights, type SavedFile, type WeightsSnapshot } from './protocol';

export interface CheckpointerOptions {
  /** The run's files folder (created on the first write). */
  dir: string;
  spec: NetworkSpec;
  /** Which epochs are kept for good (checkpoints.ts). */
  policy: CheckpointPolicy;
  /** A run started from a model file: its files name it, and its initial weights (the file's) are always kept as epoch 0. */
  startedFrom?: ModelOrigin;
  /** The settings as they are now (η may have changed since the start). */
  settings(): TrainSettings;
  scaling: ScalingParams;
  /** Every epoch so far, the resumed ones included; an epoch's file carries the first `epoch` of them. */
  history: readonly EpochReport[];
  /** Least time between two checkpoints; default 1000 ms. */
  intervalMs?: number;
  /** Milliseconds; default performance.now. */
  now?: () => number;
  /** The file-system calls of the atomic writes (tests inject a full disk). */
  fs?: AtomicWriteFs;
  /** Each write that completed, in order. */
  onSaved(files: SavedFile[]): void;
  /** A background write (a checkpoint that fell due) failed; in words a user can act on. */
  onFailure(problem: string): void;
}

interface Held {
  epoch: number;
  weights: WeightsSnapshot;
}

const newer = (a: Held | undefined, b: Held): Held => (a && a.epoch > b.epoch ? a : b);

export class Checkpointer {
  private info: DatasetInfo | undefined;
  private infoArrived!: () => void;
  private readonly infoReady = new Promise<void>((resolve) => (this.infoArrived = resolve));
  /** Checkpoints to write, oldest first: the epochs kept for good not yet written, and the newest epoch. */
  private held: Held[] = [];
  private best: Held | undefined;
  private lastAt: number | undefined;
  private writing: Promise<string | undefined> = Promise.resolve(undefined);
  private readonly intervalMs: number;
  private readonly now: () => number;

  constructor(private readonly options: CheckpointerOptions) {
    this.intervalMs = options.intervalMs ?? 1000;
    this.now = options.now ?? (() => performance.now());
  }

  /** How model files name the dataset; writes wait for it. */
  setDatasetInfo(info: DatasetInfo): void {
    this.info = info;
    this.infoArrived();
  }

  /** Holds an epoch's weights; writes them now if a checkpoint is due or the epoch is kept for good (a failure goes to onFailure). */
  offer(report: EpochReport, weights: WeightsSnapshot): void {
    this.hold({ epoch: report.epoch, weights }, report.isBest);
  }

  /**
   * Holds the initial weights as epoch 0, before the first batch: for a run that keeps every epoch or
   * every n, and for a run from a model file (its start weights are otherwise in no file: a lab that
   * closed before epoch 1 would have nothing to resume from, roll back to or show as "initial").
   */
  offerInitial(weights: WeightsSnapshot): void {
    if (this.keeps(0)) this.hold({ epoch: 0, weights }, false);
  }

  /** Whether an epoch is kept for good: the policy's, and a run from a model file's epoch 0. */
  private keeps(epoch: number): boolean {
    return keepsEpoch(this.options.policy, epoch) || (epoch === 0 && this.options.startedFrom !== undefined);
  }

  private hold(held: Held, isBest: boolean): void {
    this.held.push(held);
    this.prune();
    if (isBest) this.best = held;
    const due = this.lastAt === undefined || this.now() - this.lastAt >= this.intervalMs;
    if (due || this.keeps(held.epoch))
      void this.flush().then((problem) => {
        if (problem) this.options.onFailure(problem);
      });
  }

  /** Drops held epochs that are neither kept for good nor the newest: a newer one replaces them. */
  private prune(): void {
    const newest = this.held.reduce((a, b) => Math.max(a, b.epoch), -1);
    this.held = this.held.filter((h) => h.epoch === newest || this.keeps(h.epoch));
  }

  /** Writes the held epochs (after any write under way, taking what is held then); resolves to why it failed, or undefined. */
  flush(): Promise<string | undefined> {
    if (this.held.length === 0 && !this.best) return this.writing;
    this.lastAt = this.now();
    return this.queue(async () => {
      const checkpoints = this.held.splice(0);
      const { best } = this;
      this.best = undefined;
      if (checkpoints.length === 0 && !best) return undefined; // an earlier queued flush took them
      const saved: SavedFile[] = [];
      try {
        if (best) saved.push(await this.write('best', BEST_MODEL, best));
        for (const held of checkpoints) saved.push(await this.write('checkpoint', checkpointName(held.epoch), held));
      } catch (err) {
        // Held again unless newer epochs came meanwhile (epochs kept for good are all held again): the next attempt writes them.
        if (best && saved.length === 0) this.best = newer(this.best, best);
        const unsaved = checkpoints.filter((held) => !saved.some((f) => f.kind === 'checkpoint' && f.epoch === held.epoch));
        this.held.unshift(...unsaved);
        this.prune();
        if (saved.length > 0) this.options.onSaved(saved);
        return fileProblem(err);
      }
      this.options.onSaved(saved);
      return undefined;
    });
  }

  /** Writes the weights a stopped run ended with (after any write under way); resolves to why it failed, or undefined. */
  writeLastStep(weights: WeightsSnapshot): Promise<string | undefined> {
    const epoch = this.options.history.length;
    return this.queue(async () => {
      try {
        this.options.onSaved([await this.write('last-step', LAST_STEP_MODEL, { epoch, weights })]);
        return undefined;
      } catch (err) {
        return fileProblem(err);
      }
    });
  }

  /** Resolves once the writes asked for so far are done (without asking for one). */
  async idle(): Promise<void> {
    await this.writing;
  }

  private queue(task: () => Promise<string | undefined>): Promise<string | undefined> {
    this.writing = this.writing.then(task);
    return this.writing;
  }

  private async write(kind: SavedFile['kind'], name: string, { epoch, weights }: Held): Promise<SavedFile> {
    await this.infoReady;
    const { options } = this;
    const net = new Network(options.spec);
    applyWeights(net, weights);
    const file = buildModelFile(net, {
      scaling: options.scaling,
      settings: options.settings(),
      dataset: this.info!,
      history: options.history.slice(0, epoch),
      appVersion: APP_VERSION,
      ...(options.startedFrom ? { startedFrom: options.startedFrom } : {}),
    });
    const text = `${JSON.stringify(file)}\n`;
    await mkdir(options.dir, { recursive: true });
    await writeFileAtomic(join(options.dir, name), text, options.fs);
    return { kind, name, epoch, bytes: Buffer.byteLength(text) };
  }
}
