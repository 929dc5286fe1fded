/**
 * Quitting: running trainings stop cleanly and write their last weights before the app exits,
 * but a service that does not finish in time (a stuck write, a worker that will not stop) does
 * not keep the app open: after `timeoutMs` it quits anyway and says why in the log.
 */

/** The part of Electron's app used here, so tests can pass a stand-in. */
export interface QuittingApp {
  on(event: 'before-quit', listener: (event: { preventDefault(): void }) => void): unknown;
  quit(): void;
}

export interface QuitOptions {
  /** How long to wait for `dispose`; default 10 s (a worker gets 3 s to stop, then the last checkpoint is written). */
  timeoutMs?: number;
  log?: (message: string) => void;
}

export const QUIT_TIMEOUT_MS = 10_000;

/** Holds the first quit until `dispose()` settles or the time is up, then quits for real. */
export function disposeBeforeQuit(app: QuittingApp, dispose: () => Promise<void>, options: QuitOptions = {}): void {
  const { timeoutMs = QUIT_TIMEOUT_MS, log = (message) => console.warn(message) } = options;
  let state: 'running' | 'disposing' | 'done' = 'running';
  app.on('before-quit', (event) => {
    if (state === 'done') return;
    event.preventDefault();
    if (state === 'disposing') return; // a second Quit while waiting: the first one will quit
    state = 'disposing';
    void settleWithin(dispose, timeoutMs).then((outcome) => {
      if (outcome.kind === 'timeout')
        log(`fathom: quitting without waiting any longer: the lab service did not shut down within ${timeoutMs} ms`);
      if (outcome.kind === 'failed') log(`fathom: the lab service failed while shutting down: ${outcome.message}`);
      state = 'done';
      app.quit();
    });
  });
}

type Outcome = { kind: 'done' } | { kind: 'timeout' } | { kind: 'failed'; message: string };

async function settleWithin(dispose: () => Promise<void>, timeoutMs: number): Promise<Outcome> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<Outcome>((resolve) => (timer = setTimeout(() => resolve({ kind: 'timeout' }), timeoutMs)));
  const disposed = Promise.resolve()
    .then(dispose)
    .then(
      (): Outcome => ({ kind: 'done' }),
      (err: unknown): Outcome => ({ kind: 'failed', message: err instanceof Error ? err.message : String(err) }),
    );
  try {
    return await Promise.race([disposed, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
