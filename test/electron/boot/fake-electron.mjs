/**
 * A stand-in for the 'electron' module, enough to boot the built main process under plain Node:
 * it records what main asks of Electron (windows and their options, IPC handlers, protocol and
 * session handlers, app events) in `globalThis.fakeElectron`, and lets a driver play Electron's
 * part (ready, page loaded, a second instance, quit). Configured by environment variables:
 * FAKE_ELECTRON_PACKAGED=1, FAKE_ELECTRON_LOCK=0 (another instance holds the lock),
 * FAKE_ELECTRON_RESOURCES (process.resourcesPath), FAKE_ELECTRON_USER_DATA.
 */
import { EventEmitter } from 'node:events';
import { join } from 'node:path';

const state = {
  /** Everything main did, in order, as short strings. */
  log: [],
  windows: [],
  ipcHandlers: new Map(),
  /** ipcMain.on listeners (the drop channel). */
  ipcListeners: new Map(),
  /** Every application menu set, as its template. */
  menus: [],
  recentDocuments: [],
  protocolHandlers: new Map(),
  privilegedSchemes: [],
  headerHandlers: [],
  permissionRequestHandler: undefined,
  permissionCheckHandler: undefined,
  ready: false,
  exited: false,
};
globalThis.fakeElectron = state;

if (process.env.FAKE_ELECTRON_RESOURCES) process.resourcesPath = process.env.FAKE_ELECTRON_RESOURCES;

class FakeApp extends EventEmitter {
  isPackaged = process.env.FAKE_ELECTRON_PACKAGED === '1';
  #ready;
  #readyPromise = new Promise((resolve) => (this.#ready = resolve));

  requestSingleInstanceLock() {
    state.log.push('requestSingleInstanceLock');
    return process.env.FAKE_ELECTRON_LOCK !== '0';
  }
  whenReady() {
    return this.#readyPromise;
  }
  isReady() {
    return state.ready;
  }
  /** The driver's call: Electron has finished starting. */
  emitReady() {
    state.ready = true;
    state.log.push('ready');
    this.emit('ready');
    this.#ready();
  }
  getVersion() {
    return '0.0.0-boot';
  }
  addRecentDocument(path) {
    state.recentDocuments.push(path);
  }
  clearRecentDocuments() {
    state.recentDocuments.length = 0;
  }
  getPath(name) {
    return join(process.env.FAKE_ELECTRON_USER_DATA ?? '/nonexistent', name);
  }
  /** As Electron: before-quit, and the app exits unless a listener prevents it. */
  quit() {
    let prevented = false;
    this.emit('before-quit', { preventDefault: () => (prevented = true) });
    state.log.push(prevented ? 'quit prevented' : 'quit');
    if (!prevented) state.exited = true;
  }
}
export const app = new FakeApp();

class FakeWebContents extends EventEmitter {
  sent = [];
  windowOpenHandler;
  destroyed = false;
  send(channel, payload) {
    this.sent.push({ channel, payload: JSON.parse(JSON.stringify(payload)) });
  }
  isDestroyed() {
    return this.destroyed;
  }
  setWindowOpenHandler(handler) {
    this.windowOpenHandler = handler;
  }
}

export class BrowserWindow extends EventEmitter {
  static getAllWindows() {
    return state.windows.filter((w) => !w.destroyed);
  }
  destroyed = false;
  minimized = false;
  calls = [];
  loadedUrl;
  constructor(options) {
    super();
    this.options = options;
    this.webContents = new FakeWebContents();
    state.windows.push(this);
    state.log.push('new BrowserWindow');
    app.emit('web-contents-created', {}, this.webContents);
  }
  loadURL(url) {
    this.loadedUrl = url;
    state.log.push(`loadURL ${url}`);
    return Promise.resolve();
  }
  loadFile(path) {
    state.log.push(`loadFile ${path}`);
    return Promise.resolve();
  }
  isDestroyed() {
    return this.destroyed;
  }
  isMinimized() {
    return this.minimized;
  }
  minimize() {
    this.minimized = true;
  }
  restore() {
    this.minimized = false;
    this.calls.push('restore');
  }
  focus() {
    this.calls.push('focus');
  }
  show() {
    this.calls.push('show');
  }
  maximize() {
    this.calls.push('maximize');
  }
  isMaximized() {
    return false;
  }
  getNormalBounds() {
    const { x = 0, y = 0, width, height } = this.options;
    return { x, y, width, height };
  }
}

export const ipcMain = {
  handle(channel, listener) {
    if (state.ipcHandlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    state.ipcHandlers.set(channel, listener);
  },
  removeHandler(channel) {
    state.ipcHandlers.delete(channel);
  },
  on(channel, listener) {
    if (!state.ipcListeners.has(channel)) state.ipcListeners.set(channel, []);
    state.ipcListeners.get(channel).push(listener);
  },
  removeListener(channel, listener) {
    state.ipcListeners.set(
      channel,
      (state.ipcListeners.get(channel) ?? []).filter((l) => l !== listener),
    );
  },
};

/** Menus keep their templates (functions dropped) for the driver to read. */
export const Menu = {
  buildFromTemplate(template) {
    return { template: JSON.parse(JSON.stringify(template)) };
  },
  setApplicationMenu(menu) {
    state.menus.push(menu?.template ?? null);
  },
};

export const nativeTheme = { themeSource: 'system' };

const display = { id: 1, workArea: { x: 0, y: 0, width: 1920, height: 1040 } };
export const screen = { getPrimaryDisplay: () => display, getAllDisplays: () => [display] };

export const protocol = {
  registerSchemesAsPrivileged(schemes) {
    if (state.ready) throw new Error('protocol.registerSchemesAsPrivileged must be called before the app is ready');
    state.privilegedSchemes.push(...schemes);
  },
  handle(scheme, handler) {
    if (!state.ready) throw new Error('protocol.handle must be called once the app is ready');
    state.protocolHandlers.set(scheme, handler);
  },
};

export const session = {
  defaultSession: {
    setPermissionRequestHandler(handler) {
      state.permissionRequestHandler = handler;
    },
    setPermissionCheckHandler(handler) {
      state.permissionCheckHandler = handler;
    },
    webRequest: {
      onHeadersReceived(handler) {
        state.headerHandlers.push(handler);
      },
    },
  },
};

const cancelled = async () => ({ canceled: true, filePaths: [], filePath: '' });
export const dialog = { showOpenDialog: cancelled, showSaveDialog: cancelled, showMessageBox: async () => ({ response: 0 }) };

/** Show in folder: the paths main asked the desktop to reveal, for a scenario to read. */
export const shell = { revealed: [], showItemInFolder: (path) => void shell.revealed.push(path) };

export default { app, BrowserWindow, ipcMain, protocol, session, dialog, Menu, nativeTheme, screen, shell };
