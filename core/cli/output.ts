/**
 * Where the CLI's lines go. Text mode: results on stdout, a progress bar redrawn in place on
 * stderr when stderr is a terminal, or a plain progress line every PLAIN_EVERY_MS when it is not
 * (a log file gets no escape codes). --json: one JSON object per line on stdout (events.ts), no
 * bar. Notes (Ctrl-C, warnings) go to stderr in both modes. Everything is escaped (terminal.ts).
 */
import type { CliEvent } from './events';
import { progressLine, plainProgressLine } from './progress';
import { jsonLine, printable } from './terminal';

export interface CliStreams {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean };
}

const REDRAW_EVERY_MS = 100;
const PLAIN_EVERY_MS = 10_000;
const JSON_PROGRESS_EVERY_MS = 1000;

export interface BatchProgress {
  epoch: number;
  batch: number;
  batchesPerEpoch: number;
  samplesPerSecond: number;
  secondsLeft: number;
}

export class CliOutput {
  private readonly tty: boolean;
  private barShown = false;
  /** When progress was last shown (set by the first batch). */
  private lastProgress: number | undefined;

  constructor(
    readonly json: boolean,
    private readonly streams: CliStreams = process,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tty = streams.stderr.isTTY === true;
  }

  /** A line for people (text mode only). */
  say(line: string): void {
    if (!this.json) this.streams.stdout.write(`${printable(line)}\n`);
  }

  /** A line for programs (--json only). */
  emit(event: CliEvent): void {
    if (this.json) this.streams.stdout.write(`${jsonLine(event)}\n`);
  }

  /** A note on stderr, in both modes (over the progress bar, which the next batch redraws). */
  note(line: string): void {
    this.clearBar();
    this.streams.stderr.write(`${printable(line)}\n`);
  }

  /** Shown after a batch, as often as the mode wants: --json and the bar at once, plain lines only after their interval. */
  progress(p: BatchProgress): void {
    const now = this.now();
    this.lastProgress ??= this.json || this.tty ? -Infinity : now;
    if (now - this.lastProgress < (this.json ? JSON_PROGRESS_EVERY_MS : this.tty ? REDRAW_EVERY_MS : PLAIN_EVERY_MS)) return;
    this.lastProgress = now;
    if (this.json) {
      const { epoch, batch, batchesPerEpoch, samplesPerSecond } = p;
      this.emit({ type: 'progress', epoch, batch, batchesPerEpoch, samplesPerSecond });
    } else if (this.tty) {
      this.streams.stderr.write(`\r${progressLine(p.epoch, p.batch, p.batchesPerEpoch, p.samplesPerSecond, p.secondsLeft)}\x1b[K`);
      this.barShown = true;
    } else this.streams.stderr.write(`${plainProgressLine(p.epoch, p.batch, p.batchesPerEpoch, p.samplesPerSecond, p.secondsLeft)}\n`);
  }

  /** Removes the progress bar (before an epoch's line). */
  clearBar(): void {
    if (!this.barShown) return;
    this.streams.stderr.write('\r\x1b[K');
    this.barShown = false;
  }
}
