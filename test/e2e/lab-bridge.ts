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
  __labEmitJson?: (json: string) => void;
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
  // encodeEvents' form: JSON, with the numbers JSON cannot hold (NaN, ±Infinity) as { $number: "NaN" }.
  g.__labEmitJson = (json) =>
    g.__labEmit?.(
      JSON.parse(json, (_key, value: unknown) =>
        value !== null && typeof value === 'object' && typeof (value as { $number?: unknown }).$number === 'string'
          ? Number((value as { $number: string }).$number)
          : value,
      ) as unknown[],
    );
  g.lab = Object.freeze(lab);
}

export interface Bridge {
  /** Every event the service sent (runs' and imports'), in order. */
  events: LabEvent[];
  /** Resolves once every event so far has reached the page. */
  flushed(): Promise<void>;
  detach(): void;
}

/**
 * Events cross to the page as one JSON string per batch. Playwright's own serialisation of an
 * evaluate's argument (a tagged tree the browser turns into objects natively) cost the page ~35 ms
 * per batch of progress events, a third of its main thread while Nielsen's network trained: the
 * measurement was of the bridge, not of the app, whose preload gets structured clones over IPC.
 * JSON keeps what events hold (plain objects, arrays, strings, numbers, booleans, null); NaN and
 * ±Infinity (a loss that blew up) travel tagged. A property that is undefined is dropped, as absent.
 */
export function encodeEvents(events: LabEvent[]): string {
  return JSON.stringify(events, (_key, value: unknown) =>
    typeof value === 'number' && !Number.isFinite(value) ? { $number: String(value) } : value,
  );
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
      await page
        .evaluate((json) => (globalThis as unknown as PageGlobals).__labEmitJson?.(json), encodeEvents(batch))
        .catch(() => undefined); // the page is navigating or closed: nothing listens
    });
  };
  const detach = service.onEvent((event) => {
    events.push(event);
    buffer.push(event);
    deliver();
  });
  return { events, flushed: () => delivery, detach };
}
