/** The one main window: locked down, DevTools only in development, shown once painted, loading the app's page. */
import { BrowserWindow } from 'electron';
import type { AppOrigin } from './security';
import { MIN_WINDOW, type WindowState } from './window-state';

export interface MainWindow {
  window: BrowserWindow;
  /** Resolves when the page has loaded (its scripts ran, so it listens for events). */
  loaded: Promise<void>;
}

export interface MainWindowOptions {
  preload: string;
  origin: AppOrigin;
  isPackaged: boolean;
  /** Where and how large to open (window-state.ts: remembered, fitted to the displays). */
  state: WindowState;
}

export function createMainWindow(options: MainWindowOptions): MainWindow {
  const window = new BrowserWindow({
    ...options.state.bounds,
    minWidth: MIN_WINDOW.width,
    minHeight: MIN_WINDOW.height,
    show: false,
    // Written out here, not built by a function, so that `npm run security` (Electronegativity) can check them.
    webPreferences: {
      preload: options.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      webviewTag: false,
      spellcheck: false,
      devTools: !options.isPackaged,
      // Middle-click (auxclick) could open a link in a new window: switch the event off entirely.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  window.once('ready-to-show', () => {
    if (options.state.maximized) window.maximize();
    window.show();
  });
  const loaded = new Promise<void>((resolve) => window.webContents.once('did-finish-load', () => resolve()));
  const url = 'devServer' in options.origin ? options.origin.devServer : options.origin.appPage;
  window.loadURL(url).catch((err: unknown) => console.error(`fathom: the window could not load ${url}: ${(err as Error).message}`));
  return { window, loaded };
}
