/**
 * The one channel a path comes from the page's side on: files dropped on the window. The preload
 * (not the page) reads their paths and sends them here; main trusts only its own window's main
 * frame, and checks the paths again (dropped-files.ts) before anything opens them. Every other verb
 * still takes no path from the page.
 */
import type { IpcMainEvent, IpcMainInvokeEvent } from 'electron';
import { DROP_CHANNEL } from '../core/lab/shell-types';
import { classifyDropped, type DroppedFiles } from './dropped-files';

/** The part of Electron's ipcMain used here, so tests can pass a stand-in. */
export interface IpcMainOnLike {
  on(channel: string, listener: (event: IpcMainEvent, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: IpcMainEvent, ...args: unknown[]) => void): unknown;
}

/**
 * Listens on DROP_CHANNEL: drops from anything but the app's own window are ignored; the others are
 * classified and handed to `handle` (refusals too, with their reason, for the page to show).
 * Returns the function that stops listening.
 */
export function registerDropChannel(
  ipcMain: IpcMainOnLike,
  isTrustedSender: (event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>) => boolean,
  handle: (dropped: DroppedFiles) => void | Promise<void>,
): () => void {
  const listener = (event: IpcMainEvent, ...args: unknown[]) => {
    if (!isTrustedSender(event)) return;
    const payload = args.length === 1 ? args[0] : undefined;
    void classifyDropped(payload)
      .then(handle)
      .catch((err: unknown) => console.warn(`fathom: a dropped file could not be opened: ${(err as Error).message}`));
  };
  ipcMain.on(DROP_CHANNEL, listener);
  return () => void ipcMain.removeListener(DROP_CHANNEL, listener);
}
