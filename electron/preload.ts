/**
 * The only bridge between the page and Electron: window.lab with exactly the verbs of
 * core/lab/verbs.ts, each a single ipcRenderer.invoke on its own channel, and onEvent with an
 * unsubscribe handle. Nothing else of Electron (no ipcRenderer, no event objects) reaches the page.
 * Files dropped on the window are read here, not by the page, and sent to main (preload-drop.ts).
 * Runs sandboxed, so it is bundled to one CommonJS file that requires only 'electron'.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { DROP_CHANNEL } from '../core/lab/shell-types';
import { LAB_EVENT_CHANNEL, labChannel, labVerbs, type LabApi, type LabEvent } from '../core/lab/verbs';
import { forwardDroppedFiles, type DropTarget } from './preload-drop';

const lab: LabApi = {
  // Only the first argument is passed on; main validates it against the verb's schema.
  ...labVerbs((verb, request) => ipcRenderer.invoke(labChannel(verb), request)),
  onEvent(listener) {
    // The IpcRendererEvent (which holds ipcRenderer itself) stays here; only the payload goes on.
    const handler = (_event: IpcRendererEvent, payload: LabEvent) => listener(payload);
    ipcRenderer.on(LAB_EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(LAB_EVENT_CHANNEL, handler);
    };
  },
};

contextBridge.exposeInMainWorld('lab', lab);

// The page's window (the unit test loads this file in Node, where there is none to drop on).
const page = globalThis as Partial<DropTarget<File>>;
if (typeof page.addEventListener === 'function') {
  forwardDroppedFiles(
    page as DropTarget<File>,
    (file) => webUtils.getPathForFile(file),
    (paths) => ipcRenderer.send(DROP_CHANNEL, paths),
  );
}
