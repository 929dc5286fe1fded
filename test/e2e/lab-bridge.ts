/**
 * Stands the real LabService behind `window.lab` in a page, with the same contract as the preload:
 * one function per verb of LAB_VERBS (checked by the same callLab as the IPC adapter) and an
 * onEvent that returns its unsubscribe function. Calls go page → test process through a binding;
 * events go test process → page in ordered batches through page.evaluate.
 */
import type { Page } from '@playwright/test';
import { LAB_METHODS, type LabEvent } from '../../core/lab/contract';
import { callLab } from '../../core/lab/dispatch';
import type { LabService } from '../../core/service/lab-service';

interface PageGlobals {
  lab?: unknown;
  __labInvoke(method: string, payload: unknown): Promise<unknown>;
  __labEmit?: (events: unknown[]) => void;
}

/** Runs in the page before any of its scripts. */
function installLab(methods: readonly string[]): void {
  const g = globalThis as unknown as PageGlobals;
  const listeners = new Set<(event: unknown) => void>();
  const lab: Record<string, unknown> = {};
  for (const method of methods) lab[method] = (payload?: unknown) => g.__labInvoke(method, payload);
  lab['onEvent'] = (listener: (event: unknown) => void) => {
    listeners.add(listener);
    return () => void listeners.delete(listener);
  };
  g.__labEmit = (events) => {
    for (const event of events) for (const listener of [...listeners]) listener(event);
  };
  g.lab = Object.freeze(lab);
}

export interface Bridge {
  /** Every event the service sent (runs' and imports'), in order. */
  events: LabEvent[];
  /** Resolves once every event so far has reached the page. */
  flushed(): Promise<void>;
  detach(): void;
}

export async function connectLab(page: Page, service: LabService): Promise<Bridge> {
  await page.exposeBinding('__labInvoke', (_source, method: unknown, payload: unknown) => callLab(service, method, payload));
  await page.addInitScript(installLab, LAB_METHODS);

  const events: LabEvent[] = [];
  let buffer: LabEvent[] = [];
  let delivery: Promise<void> = Promise.resolve();
  const deliver = (): void => {
    delivery = delivery.then(async () => {
      if (buffer.length === 0) return;
      const batch = buffer;
      buffer = [];
      await page.evaluate((batch) => (globalThis as unknown as PageGlobals).__labEmit?.(batch), batch).catch(() => undefined); // the page is navigating or closed: nothing listens
    });
  };
  const detach = service.onEvent((event) => {
    events.push(event);
    buffer.push(event);
    deliver();
  });
  return { events, flushed: () => delivery, detach };
}
