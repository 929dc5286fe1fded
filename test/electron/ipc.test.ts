import { describe, it, expect, beforeEach } from 'vitest';
import type { IpcMainInvokeEvent } from 'electron';
import { LAB_EVENT_CHANNEL, LAB_METHODS, labChannel, labVerbs, type RunEvent, type StartRunRequest } from '../../core/lab/contract';
import type { LabBackend } from '../../core/lab/dispatch';
import { forwardLabEvents, registerLabIpc, type IpcMainLike } from '../../electron/ipc';
import { mnistSpec } from '../fixtures/specs';

type Handler = (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>;

/** A stand-in for ipcMain that records registrations and lets the test invoke them. */
class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, Handler>();
  handle(channel: string, listener: Handler): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  invoke(channel: string, sender: IpcMainInvokeEvent, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`no handler for ${channel}`);
    return handler(sender, ...args);
  }
}

/** A service that records the calls that reach it (its handlers made from the verb table) and how often it was asked to be ready. */
function fakeService() {
  const calls: [string, unknown][] = [];
  let readyCalls = 0;
  const backend: LabBackend = {
    ready: async () => void readyCalls++,
    handlers: labVerbs(async (verb, request) => {
      calls.push([verb, request]);
      return verb === 'listRuns' ? [] : verb === 'saveModel' ? { saved: false } : undefined;
    }),
  };
  return { calls, backend, readyCalls: () => readyCalls };
}

const ownWindow = { sender: { id: 1 } } as unknown as IpcMainInvokeEvent;
const stranger = { sender: { id: 2 } } as unknown as IpcMainInvokeEvent;
const isTrusted = (event: IpcMainInvokeEvent) => (event.sender as unknown as { id: number }).id === 1;

const goodStart: StartRunRequest = {
  spec: mnistSpec({ hidden: [], output: 'softmax', loss: 'cross-entropy', init: 'xavier' }),
  settings: { batchSize: 10, learningRate: 0.5, epochs: 1, optimizer: 'sgd', momentum: 0, l2: 0, seed: 1, stop: { kind: 'epochs' } },
  datasetId: 'mnist',
  scaling: 'min-max',
  validation: false,
};

describe('registerLabIpc', () => {
  let ipc: FakeIpcMain;
  let service: ReturnType<typeof fakeService>;
  let unregister: () => void;
  beforeEach(() => {
    ipc = new FakeIpcMain();
    service = fakeService();
    unregister = registerLabIpc(ipc, service.backend, isTrusted);
  });

  it('registers exactly one handler per lab method, and removes them again', () => {
    expect([...ipc.handlers.keys()].sort()).toEqual(LAB_METHODS.map(labChannel).sort());
    unregister();
    expect(ipc.handlers.size).toBe(0);
  });

  it('passes good payloads to the service, as validated copies', async () => {
    expect(await ipc.invoke('lab:listRuns', ownWindow)).toEqual([]);
    await ipc.invoke('lab:pauseRun', ownWindow, { runId: 'abc-123' });
    await ipc.invoke('lab:startRun', ownWindow, goodStart);
    expect(await ipc.invoke('lab:saveModel', ownWindow, { runId: 'r1' })).toEqual({ saved: false });
    // The path goes to the service, which shows only files it wrote (test/core/service/exports/reveal-path.test.ts).
    await ipc.invoke('lab:revealPath', ownWindow, { path: '/home/ada/m.fathom.json' });
    expect(service.calls.map(([m]) => m)).toEqual(['listRuns', 'pauseRun', 'startRun', 'saveModel', 'revealPath']);
    expect(service.calls[2]![1]).toEqual(goodStart);
    expect(service.calls[2]![1]).not.toBe(goodStart);
    expect(service.calls[4]![1]).toEqual({ path: '/home/ada/m.fathom.json' });
    expect(service.readyCalls()).toBe(5); // once per call, before the handler
  });

  it('refuses bad payloads with an error naming the field, without calling the service', async () => {
    const bad: [string, unknown, RegExp][] = [
      ['lab:pauseRun', { runId: '../../etc/passwd' }, /runId: ids are letters/],
      ['lab:pauseRun', undefined, /\(the whole request\)/],
      ['lab:setLearningRate', { runId: 'a', learningRate: -1 }, /learningRate: Too small/],
      ['lab:setLearningRate', { runId: 'a', learningRate: Number.NaN }, /learningRate/],
      ['lab:startRun', { ...goodStart, settings: { ...goodStart.settings, batchSize: 0 } }, /settings\.batchSize/],
      [
        'lab:startRun',
        { ...goodStart, spec: { ...goodStart.spec, layers: [{ units: 10, activation: 'evil' }] } },
        /spec\.layers\[0\]\.activation/,
      ],
      ['lab:startRun', { ...goodStart, path: '/tmp/x' }, /Unrecognized key.*path/],
      ['lab:getSamples', { datasetId: 'mnist', split: 'train', offset: 0, count: 100_000 }, /count: Too big/],
      ['lab:listDatasets', { anything: true }, /lab\.listDatasets refused/],
      ['lab:saveModel', { runId: 'r1', fileName: '/home/user/.bashrc' }, /Unrecognized key/],
      ['lab:revealPath', { path: '' }, /path: Too small/],
      ['lab:revealPath', { path: 42 }, /path: Invalid input/],
      ['lab:revealPath', { path: '/tmp/a.csv', open: true }, /Unrecognized key.*open/],
      ['lab:revealPath', undefined, /\(the whole request\)/],
    ];
    for (const [channel, payload, message] of bad) await expect(ipc.invoke(channel, ownWindow, payload), channel).rejects.toThrow(message);
    await expect(ipc.invoke('lab:pauseRun', ownWindow, { runId: 'a' }, 'extra')).rejects.toThrow(/at most one argument/);
    expect(service.calls).toEqual([]);
    expect(service.readyCalls()).toBe(0);
  });

  it('ignores a foreign sender: the call is rejected and never reaches the service', async () => {
    for (const method of LAB_METHODS) {
      await expect(ipc.invoke(labChannel(method), stranger, { runId: 'r1' })).rejects.toThrow('untrusted sender');
    }
    expect(service.calls).toEqual([]);
  });
});

describe('forwardLabEvents', () => {
  it('sends every run event to the window on the event channel until unsubscribed', () => {
    const listeners = new Set<(e: RunEvent) => void>();
    const service = { onEvent: (l: (e: RunEvent) => void) => (listeners.add(l), () => void listeners.delete(l)) };
    const sent: [string, RunEvent][] = [];
    let destroyed = false;
    const contents = { isDestroyed: () => destroyed, send: (channel: string, event: RunEvent) => void sent.push([channel, event]) };
    const stop = forwardLabEvents(service, () => contents);
    const event: RunEvent = { type: 'status', runId: 'r1', status: 'running' };
    listeners.forEach((l) => l(event));
    expect(sent).toEqual([[LAB_EVENT_CHANNEL, event]]);
    destroyed = true;
    listeners.forEach((l) => l(event));
    expect(sent).toHaveLength(1);
    stop();
    expect(listeners.size).toBe(0);
  });
});
