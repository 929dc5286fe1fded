/**
 * What the main process's parts share once the app is ready: the lab service and the main window.
 * Everything that opens a model file from outside the page goes through openModelPath: the
 * launch's arguments, a second launch, macOS open-file (and later the menu, recent files and
 * drag and drop).
 */
import type { BrowserWindow } from 'electron';
import type { LabService } from '../core/service/lab-service';
import type { MainWindow } from './window';

export class AppShell {
  private main: MainWindow | undefined;

  constructor(
    readonly service: LabService,
    private readonly createWindow: () => MainWindow,
  ) {}

  /** The main window while it is open. */
  window(): BrowserWindow | undefined {
    const window = this.main?.window;
    return window && !window.isDestroyed() ? window : undefined;
  }

  /** The main window, made if there is none (macOS keeps the app running without one), restored and focused. */
  reveal(): BrowserWindow {
    const open = this.window();
    if (open) {
      if (open.isMinimized()) open.restore();
      open.focus();
      return open;
    }
    const main = this.createWindow();
    this.main = main;
    main.window.on('closed', () => {
      if (this.main === main) this.main = undefined;
    });
    return main.window;
  }

  /**
   * Shows the model file at `path` in Inspect, or the reason it cannot be opened. Waits for the
   * page to load first: it learns of the model from the service's `model-opened` event.
   */
  async openModelPath(path: string): Promise<void> {
    this.reveal();
    await this.main?.loaded;
    try {
      await this.service.openModelFile(path);
    } catch (err) {
      console.warn(`fathom: could not open ${path}: ${(err as Error).message}`);
    }
  }
}
