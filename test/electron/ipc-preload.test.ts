/**
 * The preload (electron/preload.ts): window.lab is exactly the verbs of the table plus onEvent, each
 * verb one invoke on its own channel with only its first argument, events without Electron's event
 * object. The built preload (after `electron-vite build`) must require nothing but 'electron', since
 * a sandboxed preload can require nothing else.
 */
import { describe, expect, it, vi } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import { LAB_EVENT_CHANNEL, LAB_METHODS, labChannel, type LabApi, type LabEvent } from '../../core/lab/contract';

const electron = vi.hoisted(() => {
  const exposed = new Map<string, unknown>();
  const invoked: unknown[][] = [];
  const listeners = new Map<string, Set<(...args: unknown[]) => void>>();
  return {
    exposed,
    invoked,
    listeners,
    module: {
      contextBridge: { exposeInMainWorld: (key: string, api: unknown) => void exposed.set(key, api) },
      ipcRenderer: {
        invoke: async (...args: unknown[]) => void invoked.push(args),
        on: (channel: string, listener: (...args: unknown[]) => void) => {
          if (!listeners.has(channel)) listeners.set(channel, new Set());
          listeners.get(channel)!.add(listener);
        },
        removeListener: (channel: string, listener: (...args: unknown[]) => void) => void listeners.get(channel)?.delete(listener),
      },
    },
  };
});
vi.mock('electron', () => electron.module);

describe('the preload', () => {
  it('exposes window.lab with one method per verb and onEvent, nothing else', async () => {
    await import('../../electron/preload');
    expect([...electron.exposed.keys()]).toEqual(['lab']);
    const lab = electron.exposed.get('lab') as LabApi;
    expect(Object.keys(lab).sort()).toEqual([...LAB_METHODS, 'onEvent'].sort());

    await (lab.pauseRun as (...args: unknown[]) => Promise<void>)({ runId: 'r1' }, 'ignored');
    await lab.listRuns();
    expect(electron.invoked).toEqual([
      [labChannel('pauseRun'), { runId: 'r1' }],
      [labChannel('listRuns'), undefined],
    ]);

    const seen: LabEvent[] = [];
    const unsubscribe = lab.onEvent((event) => seen.push(event));
    const event: LabEvent = { type: 'status', runId: 'r1', status: 'paused' };
    for (const listener of electron.listeners.get(LAB_EVENT_CHANNEL)!) listener({ sender: 'ipcRenderer itself' }, event);
    expect(seen).toEqual([event]);
    unsubscribe();
    expect(electron.listeners.get(LAB_EVENT_CHANNEL)!.size).toBe(0);
  });
});

const built = fileURLToPath(new URL('../../out/preload/preload.cjs', import.meta.url));

describe.skipIf(!existsSync(built))('the built preload (out/preload)', () => {
  it('requires only electron, and exposes every verb', () => {
    const required: string[] = [];
    const exposed = new Map<string, unknown>();
    const require = (name: string) => {
      required.push(name);
      if (name !== 'electron') throw new Error(`a sandboxed preload cannot require "${name}"`);
      return { ...electron.module, contextBridge: { exposeInMainWorld: (key: string, api: unknown) => void exposed.set(key, api) } };
    };
    const module = { exports: {} };
    runInNewContext(readFileSync(built, 'utf8'), { require, module, exports: module.exports, console });
    expect([...new Set(required)]).toEqual(['electron']);
    expect(Object.keys(exposed.get('lab') as object).sort()).toEqual([...LAB_METHODS, 'onEvent'].sort());
  });
});
