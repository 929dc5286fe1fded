/**
 * The only bridge between the page and Electron: window.lab with exactly the contract's methods,
 * each a single ipcRenderer.invoke on its own channel, and onEvent with an unsubscribe handle.
 * Nothing else of Electron (no ipcRenderer, no event objects) reaches the page.
 * Runs sandboxed, so it is bundled to one CommonJS file that requires only 'electron'.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { LAB_EVENT_CHANNEL, LAB_METHODS, labChannel, type LabApi, type LabEvent } from '../core/lab/contract';

const methods = Object.fromEntries(
  // Only the first argument is passed on; main validates it against the method's schema.
  LAB_METHODS.map((method) => [method, (request?: unknown) => ipcRenderer.invoke(labChannel(method), request)]),
);

const lab = {
  ...methods,
  onEvent(listener: (event: LabEvent) => void): () => void {
    // The IpcRendererEvent (which holds ipcRenderer itself) stays here; only the payload goes on.
    const handler = (_event: IpcRendererEvent, payload: LabEvent) => listener(payload);
    ipcRenderer.on(LAB_EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(LAB_EVENT_CHANNEL, handler);
    };
  },
} as LabApi;

contextBridge.exposeInMainWorld('lab', lab);
