/**
 * The renderer's one way to the main process. Stores call the lab through `attempt` when they act,
 * never at module load (so tests can install a fake `window.lab` first); components go through a
 * store. A failed call comes back as the message a person should read, never as a throw.
 */
import type { LabApi } from '@core/lab/contract';

declare global {
  interface Window {
    lab: LabApi;
  }
}

export function useLab(): LabApi {
  if (!window.lab) throw new Error('window.lab is missing: the preload did not run.');
  return window.lab;
}

/** What Electron puts before the error thrown in main: "Error invoking remote method 'lab:startRun': ". */
const ELECTRON_PREFIX = /^Error invoking remote method '[^']*': /;
/** The error's class name that String(error) puts before its message: "LabError: ", "LabRequestError: ", "Error: ". */
const ERROR_NAME = /^\w*Error: /;

/**
 * The message a person should read from a failed lab call: an Electron IPC error ("Error invoking
 * remote method 'lab:x': LabError: Run "x" is running…"), a LabRequestError, a plain Error or anything thrown.
 */
export function labErrorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(ELECTRON_PREFIX, '').replace(ERROR_NAME, '');
}

export type LabResult<T> = { ok: true; value: T } | { ok: false; message: string };

/** Makes one call (or a few together) to the lab; a failure is returned with its readable message. */
export async function attempt<T>(call: (lab: LabApi) => Promise<T>): Promise<LabResult<T>> {
  try {
    return { ok: true, value: await call(useLab()) };
  } catch (error) {
    return { ok: false, message: labErrorText(error) };
  }
}

/** How a store reports a failed action: "Could not start the run: <the lab's message>". */
export const couldNot = (what: string, message: string): string => `Could not ${what}: ${message}`;
