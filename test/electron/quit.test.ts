import { describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import { disposeBeforeQuit } from '../../electron/quit';

/** Electron's app as quit.ts sees it: quit() emits before-quit, and the app exits unless a listener prevents it. */
class FakeApp extends EventEmitter {
  readonly exited: Promise<void>;
  private exit!: () => void;
  beforeQuits = 0;
  constructor() {
    super();
    this.exited = new Promise((resolve) => (this.exit = resolve));
  }
  quit(): void {
    this.beforeQuits++;
    let prevented = false;
    this.emit('before-quit', { preventDefault: () => (prevented = true) });
    if (!prevented) this.exit();
  }
}

describe('disposeBeforeQuit', () => {
  it('holds the quit until the service is disposed, then quits', async () => {
    const app = new FakeApp();
    const steps: string[] = [];
    let finish!: () => void;
    disposeBeforeQuit(app, () => {
      steps.push('dispose');
      return new Promise<void>((resolve) => (finish = resolve));
    });
    void app.exited.then(() => steps.push('exit'));
    app.quit();
    app.quit(); // Quit again while the service shuts down: still one dispose, still waiting
    await new Promise((resolve) => setImmediate(resolve));
    expect(steps).toEqual(['dispose']);
    finish();
    await app.exited;
    expect(steps).toEqual(['dispose', 'exit']);
    expect(app.beforeQuits).toBe(3);
  });

  it('quits anyway when dispose does not finish in time, and logs why', async () => {
    const app = new FakeApp();
    const log: string[] = [];
    disposeBeforeQuit(app, () => new Promise<void>(() => undefined), { timeoutMs: 5, log: (m) => log.push(m) });
    app.quit();
    await app.exited;
    expect(log).toEqual(['fathom: quitting without waiting any longer: the lab service did not shut down within 5 ms']);
  });

  it('quits when dispose fails, and logs the failure', async () => {
    const app = new FakeApp();
    const log: string[] = [];
    disposeBeforeQuit(app, () => Promise.reject(new Error('disk gone')), { log: (m) => log.push(m) });
    app.quit();
    await app.exited;
    expect(log).toEqual(['fathom: the lab service failed while shutting down: disk gone']);
  });
});
