/** The native dialogs the lab service asks for: files are chosen here, in main, never named by the page. */
import { join } from 'node:path';
import { app, dialog, type BrowserWindow, type OpenDialogOptions } from 'electron';
import type { ImportKind, SaveKind } from '../core/lab/contract';
import { MODEL_EXTENSION } from '../core/model/format';
import type { LabDialogs } from '../core/service/lab-service';

/** What a save dialog offers for each kind of file. */
const SAVE_DIALOGS: Record<SaveKind, { title: string; filter: Electron.FileFilter }> = {
  model: { title: 'Save model', filter: { name: 'Fathom model', extensions: [MODEL_EXTENSION.slice(1)] } },
  onnx: { title: 'Export ONNX', filter: { name: 'ONNX model', extensions: ['onnx'] } },
  csv: { title: 'Export run history', filter: { name: 'CSV table', extensions: ['csv'] } },
  png: { title: 'Export picture', filter: { name: 'PNG image', extensions: ['png'] } },
  pytorch: { title: 'Export a PyTorch project (a new folder)', filter: { name: 'Folder', extensions: ['*'] } },
  safetensors: { title: 'Export weights (safetensors)', filter: { name: 'safetensors', extensions: ['safetensors'] } },
  npz: { title: 'Export weights (NumPy)', filter: { name: 'NumPy archive', extensions: ['npz'] } },
};

/** What main does with the files a person picked (Open Recent remembers them). */
export interface DialogHooks {
  modelChosen?(path: string): void;
  importChosen?(paths: string[], kind: ImportKind): void;
}

/** Dialogs attached to the main window when there is one. */
export function labDialogs(window: () => BrowserWindow | undefined, hooks: DialogHooks = {}): LabDialogs {
  const filters = [SAVE_DIALOGS.model.filter, SAVE_DIALOGS.onnx.filter];
  const showSave = (options: Electron.SaveDialogOptions) => {
    const win = window();
    return win ? dialog.showSaveDialog(win, options) : dialog.showSaveDialog(options);
  };
  const showOpen = (options: OpenDialogOptions) => {
    const win = window();
    return win ? dialog.showOpenDialog(win, options) : dialog.showOpenDialog(options);
  };
  return {
    async chooseSavePath(defaultName, kind = 'model') {
      const { title, filter } = SAVE_DIALOGS[kind];
      const result = await showSave({ title, defaultPath: join(app.getPath('documents'), defaultName), filters: [filter] });
      return result.canceled || !result.filePath ? null : result.filePath;
    },
    async chooseOpenPath() {
      const result = await showOpen({ title: 'Open model', filters, properties: ['openFile'] });
      const path = result.canceled ? null : (result.filePaths[0] ?? null);
      if (path !== null) hooks.modelChosen?.(path);
      return path;
    },
    async chooseImportPaths(kind) {
      const result = await showOpen(importDialogOptions(kind));
      if (result.canceled || result.filePaths.length === 0) return null;
      hooks.importChosen?.(result.filePaths, kind);
      return result.filePaths;
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
