/**
 * What the main process's parts share once the app is ready: the lab service and the main window.
 * Everything that opens a file from outside the page goes through here: the launch's arguments, a
 * second launch, macOS open-file, Open Recent and files dropped on the window.
 */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import type { BrowserWindow } from 'electron';
import type { ImportKind } from '../core/lab/contract';
import { LAB_EVENT_CHANNEL, type LabEvent } from '../core/lab/verbs';
import type { LabService } from '../core/service/lab-service';
import type { DroppedFiles } from './dropped-files';
import { modelRecent, type RecentFile, type RecentStore } from './recent-files';
import type { MainWindow } from './window';

export class AppShell {
  private main: MainWindow | undefined;

  constructor(
    readonly service: LabService,
    private readonly createWindow: () => MainWindow,
    private readonly recent?: RecentStore,
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

  /** Sends an event of main's own (a menu command, a notice) to the page, once it has loaded. */
  async sendToPage(event: LabEvent): Promise<void> {
    await this.main?.loaded;
    const contents = this.window()?.webContents;
    if (contents && !contents.isDestroyed()) contents.send(LAB_EVENT_CHANNEL, event);
  }

  /**
   * Shows the model file at `path` in Inspect, or the reason it cannot be opened. Waits for the
   * page to load first: it learns of the model from the service's `model-opened` event.
   */
  async openModelPath(path: string): Promise<void> {
    this.reveal();
    await this.main?.loaded;
    try {
      const result = await this.service.openModelFile(path);
      if (result.status === 'opened') this.recent?.add(modelRecent(path));
    } catch (err) {
      console.warn(`fathom: could not open ${path}: ${(err as Error).message}`);
    }
  }

  /** Offers files for import: the page opens its import panel with them (an `import-source` event). */
  async offerImport(paths: string[], kind: ImportKind): Promise<void> {
    this.reveal();
    await this.main?.loaded;
    this.service.offerImport(paths, kind);
  }

  /** A drop main checked (dropped-files.ts): a model opens in Inspect, a dataset in the import panel, a refusal is shown. */
  async openDropped(dropped: DroppedFiles): Promise<void> {
    if (dropped.kind === 'model') return this.openModelPath(dropped.path);
    if (dropped.kind === 'import') return this.offerImport(dropped.paths, dropped.importKind);
    await this.sendToPage({ type: 'shell-notice', kind: 'error', text: `Not opened: ${dropped.reason}.` });
  }

  /** An Open Recent item; one whose files have gone since the menu was built is dropped from the list, with a note. */
  async openRecent(file: RecentFile): Promise<void> {
    const missing = file.paths.find((path) => !existsSync(path));
    if (missing !== undefined) {
      this.recent?.remove(file);
      await this.sendToPage({
        type: 'shell-notice',
        kind: 'error',
        text: `${basename(missing)} is no longer there; it was removed from Open Recent.`,
      });
      return;
    }
    if (file.kind === 'model') return this.openModelPath(file.paths[0]!);
    return this.offerImport(file.paths, file.importKind ?? 'auto');
  }
}
