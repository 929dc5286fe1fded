import type { LabApi } from '@core/lab/contract';

declare global {
  interface Window {
    lab: LabApi;
  }
}

/**
 * The bridge to the main process. Stores call this when they act, never at module load,
 * so tests can install a fake `window.lab` first.
 */
export function useLab(): LabApi {
  if (!window.lab) throw new Error('window.lab is missing: the preload did not run.');
  return window.lab;
}
