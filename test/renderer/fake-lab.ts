/**
 * The one window.lab of the renderer tests. fakeLab(overrides) is a complete LabApi, its verbs taken
 * from the contract, in which every verb is a vi.fn that rejects "lab.<verb> was not expected in this
 * test" unless the test gives it: each test states what it uses. labEvents() stands in for onEvent
 * and lets the test send events.
 */
import { vi } from 'vitest';
import { LAB_METHODS, type LabApi, type LabEvent } from '@core/lab/contract';

const unexpected = (verb: string) => () => {
  throw new Error(`lab.${verb} was not expected in this test`);
};

/** Every verb rejects (onEvent throws) unless given in `overrides`; each is a vi.fn, so calls can be checked. */
export function fakeLab(overrides: Partial<LabApi> = {}): LabApi {
  const api: Record<string, unknown> = {};
  for (const verb of LAB_METHODS) api[verb] = vi.fn(async () => unexpected(verb)());
  api['onEvent'] = vi.fn(unexpected('onEvent'));
  // Widened first: the union of every verb's function type is too complex for TypeScript to spell out.
  const given = Object.entries(overrides as Record<string, ((...args: unknown[]) => unknown) | undefined>);
  for (const [name, fn] of given) if (fn) api[name] = vi.isMockFunction(fn) ? fn : vi.fn(fn);
  return api as LabApi;
}

/** fakeLab(overrides), installed as window.lab for the stores to find. */
export function installFakeLab(overrides: Partial<LabApi> = {}): LabApi {
  const api = fakeLab(overrides);
  window.lab = api;
  return api;
}

export interface LabEvents {
  /** Give this to fakeLab as its onEvent. */
  onEvent: LabApi['onEvent'];
  /** Delivers an event to every listener, as main does. */
  emit(event: LabEvent): void;
  /** How many listeners are subscribed now. */
  readonly listeners: number;
}

export function labEvents(): LabEvents {
  const listeners = new Set<(event: LabEvent) => void>();
  return {
    onEvent(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    emit: (event) => [...listeners].forEach((listener) => listener(event)),
    get listeners() {
      return listeners.size;
    },
  };
}

/** A promise the test resolves by hand, to hold an answer back. */
export function deferred<T>(): { promise: Promise<T>; resolve(value: T): void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
