/**
 * Ctrl-C while training: the first SIGINT asks the loop to stop after the batch it is computing
 * (then --out and --onnx are still written); a second one, or one once training is over, quits at
 * once (the files are written atomically, so none is left half-written). The loop yields to the
 * event loop every few tens of milliseconds (loop.ts), which is when Node delivers the signal.
 */
export interface StopRequest {
  readonly requested: boolean;
}

/** 128 + SIGINT, as shells report a process ended by Ctrl-C. */
export const INTERRUPTED_EXIT_CODE = 130;

export class CtrlC implements StopRequest {
  private state: 'training' | 'stopping' | 'after' = 'training';
  private readonly onSignal = (): void => {
    if (this.state !== 'training') {
      this.say('Ctrl-C: quitting at once; files not yet written will not be');
      process.exit(INTERRUPTED_EXIT_CODE);
    }
    this.state = 'stopping';
    this.say('Ctrl-C: stopping after this batch, then writing the files asked for (Ctrl-C again quits at once)');
  };

  constructor(private readonly say: (line: string) => void) {}

  /** From the first batch: before it, Ctrl-C ends the process as usual (there is nothing to save). */
  listen(): void {
    process.on('SIGINT', this.onSignal);
  }

  get requested(): boolean {
    return this.state === 'stopping';
  }

  /** Training is over: a Ctrl-C from now on quits at once. */
  trainingOver(): void {
    if (this.state === 'training') this.state = 'after';
  }

  /** Once the files are written: Ctrl-C is Node's again. */
  dispose(): void {
    process.off('SIGINT', this.onSignal);
  }
}
