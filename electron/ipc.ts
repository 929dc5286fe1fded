/**
 * The main-process end of window.lab: one ipcMain.handle per verb of core/lab/verbs.ts. Each call is
 * checked twice before the service sees it: the sender must be the app's own window, and the
 * payload must pass the verb's zod schema (core/lab/dispatch.ts). Events go back on one channel.
 * No file path is ever taken from the renderer: saving asks the user through a dialog in main.
 */
import type { IpcMainInvokeEvent } from 'electron';
import { callLab, LabRequestError, type LabBackend } from '../core/lab/dispatch';
import { LAB_EVENT_CHANNEL, LAB_METHODS, labChannel, type LabEvent } from '../core/lab/verbs';

/** The part of Electron's ipcMain used here, so tests can pass a stand-in. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

/** Whether an invoke comes from the app's own window (its main frame, showing the app's page). */
export type SenderCheck = (event: IpcMainInvokeEvent) => boolean;

export class UntrustedSenderError extends Error {
  constructor() {
    super('untrusted sender');
    this.name = 'UntrustedSenderError';
  }
}

/** Registers every lab verb; returns a function that removes the handlers again. */
export function registerLabIpc(ipcMain: IpcMainLike, service: LabBackend, isTrustedSender: SenderCheck): () => void {
  for (const verb of LAB_METHODS) {
    ipcMain.handle(labChannel(verb), async (event, ...args) => {
      if (!isTrustedSender(event)) throw new UntrustedSenderError();
      if (args.length > 1) throw new LabRequestError(verb, [`expected at most one argument, got ${args.length}`]);
      return callLab(service, verb, args[0]);
    });
  }
  return () => {
    for (const verb of LAB_METHODS) ipcMain.removeHandler(labChannel(verb));
  };
}

/** The part of WebContents events are sent to. */
export interface EventTarget {
  isDestroyed(): boolean;
  send(channel: string, event: LabEvent): void;
}

/** Forwards every run and import event to the window (when it exists); returns the unsubscribe function. */
export function forwardLabEvents(
  service: { onEvent(listener: (event: LabEvent) => void): () => void },
  target: () => EventTarget | undefined,
): () => void {
  return service.onEvent((event) => {
    const contents = target();
    if (contents && !contents.isDestroyed()) contents.send(LAB_EVENT_CHANNEL, event);
  });
}
