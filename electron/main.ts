/**
 * Electron's main process: one locked-down window, the lab service behind window.lab, and the
 * native dialogs the service asks for. Training runs in worker threads started by the service.
 */
import { join } from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, session, type OpenDialogOptions, type WebContents } from 'electron';
import type { ImportKind } from '../core/lab/contract';
import { MODEL_EXTENSION } from '../core/model/format';
import { LabService, type LabDialogs } from '../core/service/lab-service';
import createTrainWorker from '../core/service/worker/train-worker?nodeWorker';
// Emitted next to the bundle by electron-vite (`?asset`); the workers load their wasm kernels from here.
import kernelsWasmPath from '../core/engine/wasm/build/kernels.wasm?asset';
// Emitted as its own chunk (`?modulePath`): a run's worker starts its data-parallel shard workers from it.
import parallelEntryPath from '../core/engine/parallel/worker-entry?modulePath';
import { forwardLabEvents, registerLabIpc } from './ipc';
import { CSP_HEADER, hardenContents, trustedSender, type AppOrigin } from './security';

const devServer = process.env['ELECTRON_RENDERER_URL'];
const indexFile = join(__dirname, '../renderer/index.html');
const origin: AppOrigin = devServer ? { devServer } : { indexFile };

let mainWindow: BrowserWindow | undefined;

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 1280,
    minHeight: 800,
    show: false,
    webPreferences: {
      preload: join(__dirname, '../preload/preload.cjs'),
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
      // Middle-click (auxclick) could open a link in a new window: switch the event off entirely.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = undefined;
  });
  if (devServer) void win.loadURL(devServer);
  else void win.loadFile(indexFile);
  return win;
}

function dialogs(): LabDialogs {
  const filters = [{ name: 'Fathom model', extensions: [MODEL_EXTENSION.slice(1)] }];
  return {
    async chooseSavePath(defaultName) {
      const options = { title: 'Save model', defaultPath: join(app.getPath('documents'), defaultName), filters };
      const result = mainWindow ? await dialog.showSaveDialog(mainWindow, options) : await dialog.showSaveDialog(options);
      return result.canceled || !result.filePath ? null : result.filePath;
    },
    async chooseOpenPath() {
      const options = { title: 'Open model', filters, properties: ['openFile' as const] };
      const result = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    async chooseImportPaths(kind) {
      const options = importDialogOptions(kind);
      const result = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
      return result.canceled || result.filePaths.length === 0 ? null : result.filePaths;
    },
  };
}

/** IDX: the image and label files (two or four); CSV: one file, or a train and a test file; image folders and 'auto': a folder. */
function importDialogOptions(kind: ImportKind): OpenDialogOptions {
  switch (kind) {
    case 'idx':
      return {
        title: 'Import IDX files (images and labels, raw or .gz)',
        properties: ['openFile', 'multiSelections'],
        filters: [{ name: 'IDX files', extensions: ['gz', 'idx3-ubyte', 'idx1-ubyte', '*'] }],
      };
    case 'csv':
      return {
        title: 'Import a CSV table',
        properties: ['openFile', 'multiSelections'],
        filters: [{ name: 'CSV', extensions: ['csv', 'tsv', 'txt', 'gz'] }],
      };
    case 'image-folder':
      return { title: 'Import a folder of class folders of PNG images', properties: ['openDirectory'] };
    case 'auto':
      return { title: 'Import a dataset folder', properties: ['openDirectory'] };
  }
}

/** Rules for every web contents the app ever makes, not only the main window's. */
function secureAllContents(): void {
  app.on('web-contents-created', (_event, contents: WebContents) => hardenContents(contents, origin));
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP_HEADER] } });
  });
}

function start(): void {
  const service = new LabService({
    // FATHOM_DATA moves the data folder (runs, the dataset library), as it does for the command-line trainer.
    dataDir: process.env['FATHOM_DATA'] || app.getPath('userData'),
    dialogs: dialogs(),
    workerFactory: (workerData) => createTrainWorker({ workerData }),
    wasmPath: kernelsWasmPath,
    parallelEntry: parallelEntryPath,
  });
  void service.loadProblems().then((problems) => {
    for (const problem of problems) console.warn(`fathom: skipped a run record: ${problem}`);
  });
  registerLabIpc(
    ipcMain,
    service,
    trustedSender(() => mainWindow, origin),
  );
  forwardLabEvents(service, () => mainWindow?.webContents);

  // Let running trainings stop cleanly (and write their last weights) before the app exits.
  let disposed = false;
  app.on('before-quit', (event) => {
    if (disposed) return;
    event.preventDefault();
    void service.dispose().finally(() => {
      disposed = true;
      app.quit();
    });
  });

  mainWindow = createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow();
  });
}

if (!app.requestSingleInstanceLock()) {
  // Two instances would write the same run files.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  void app.whenReady().then(() => {
    secureAllContents();
    start();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}
