/** The dataset verbs through the IPC adapter: no path ever crosses from the window, names are checked. */
import { describe, expect, it } from 'vitest';
import type { IpcMainInvokeEvent } from 'electron';
import { labVerbs } from '../../core/lab/contract';
import { registerLabIpc, type IpcMainLike } from '../../electron/ipc';

type Handler = (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>;

function setUp() {
  const handlers = new Map<string, Handler>();
  const ipc: IpcMainLike = {
    handle: (channel, listener) => void handlers.set(channel, listener),
    removeHandler: (channel) => void handlers.delete(channel),
  };
  const calls: [string, unknown][] = [];
  const verbs = labVerbs(async (verb, request) => void calls.push([verb, request]));
  registerLabIpc(ipc, { ready: async () => undefined, handlers: verbs }, () => true);
  const invoke = (method: string, payload: unknown) => handlers.get(`lab:${method}`)!({} as IpcMainInvokeEvent, payload);
  return { invoke, calls };
}

describe('dataset verbs over IPC', () => {
  it('passes well-formed requests on', async () => {
    const { invoke, calls } = setUp();
    await invoke('importDataset', { kind: 'idx', importId: 'w-1', classes: ['T-shirt/top', 'Trouser'] });
    await invoke('importDataset', { kind: 'csv', targets: ['rent'], validation: 0.1, test: 0.2, seed: 3 });
    await invoke('renameDataset', { datasetId: '0f8fad5b-d9cb-469f-a165-70867728950e', name: 'Fashion-MNIST' });
    await invoke('datasetOverview', { datasetId: 'mnist', samplesPerClass: 8 });
    await invoke('deleteDataset', { datasetId: 'abc' });
    await invoke('cancelImport', { importId: 'w-1' });
    expect(calls.map(([m]) => m)).toEqual([
      'importDataset',
      'importDataset',
      'renameDataset',
      'datasetOverview',
      'deleteDataset',
      'cancelImport',
    ]);
  });

  it('refuses a path, an unknown kind, bad shares and names, before the service sees them', async () => {
    const { invoke, calls } = setUp();
    const bad: [string, unknown, RegExp][] = [
      ['importDataset', { kind: 'idx', path: '/etc/passwd' }, /Unrecognized key.*path/],
      ['importDataset', { kind: 'csv', file: '/home/me/secret.csv' }, /Unrecognized key.*file/],
      ['importDataset', { kind: 'zip' }, /kind/],
      ['importDataset', { kind: 'auto', validation: 1 }, /validation/],
      ['importDataset', { kind: 'auto', importId: '../x' }, /importId/],
      ['importDataset', { kind: 'idx', classes: ['only one'] }, /classes/],
      ['renameDataset', { datasetId: 'a', name: 'line\nbreak' }, /no control characters/],
      ['renameDataset', { datasetId: 'a', name: '' }, /name/],
      ['deleteDataset', { datasetId: '../../etc' }, /datasetId: ids are letters/],
      ['datasetOverview', { datasetId: 'mnist', samplesPerClass: 1000 }, /samplesPerClass/],
    ];
    for (const [method, payload, message] of bad) await expect(invoke(method, payload), method).rejects.toThrow(message);
    expect(calls).toEqual([]);
  });
});
