/** The native dialogs the lab service asks for: files are chosen here, in main, never named by the page. */
import { join } from 'node:path';
import { app, dialog, type BrowserWindow, type OpenDialogOptions } from 'electron';
import type { ImportKind } from '../core/lab/contract';
import { MODEL_EXTENSION } from '../core/model/format';
import type { LabDialogs } from '../core/service/lab-service';

/** Dialogs attached to the main window when there is one. */
export function labDialogs(window: () => BrowserWindow | undefined): LabDialogs {
  const filters = [{ name: 'Fathom model', extensions: [MODEL_EXTENSION.slice(1)] }];
  const showSave = (options: Electron.SaveDialogOptions) => {
    const win = window();
    return win ? dialog.showSaveDialog(win, options) : dialog.showSaveDialog(options);
  };
  const showOpen = (options: OpenDialogOptions) => {
    const win = window();
    return win ? dialog.showOpenDialog(win, options) : dialog.showOpenDialog(options);
  };
  return {
    async chooseSavePath(defaultName) {
      const result = await showSave({ title: 'Save model', defaultPath: join(app.getPath('documents'), defaultName), filters });
      return result.canceled || !result.filePath ? null : result.filePath;
    },
    async chooseOpenPath() {
      const result = await showOpen({ title: 'Open model', filters, properties: ['openFile'] });
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    async chooseImportPaths(kind) {
      const result = await showOpen(importDialogOptions(kind));
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
