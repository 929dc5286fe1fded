import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IpcMainEvent, IpcMainInvokeEvent } from 'electron';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DROP_CHANNEL } from '../../core/lab/contract';
import { registerDropChannel, type IpcMainOnLike } from '../../electron/drop-ipc';
import { classifyDropped, type DroppedFiles } from '../../electron/dropped-files';
import { forwardDroppedFiles, type DropEvent } from '../../electron/preload-drop';

let dir: string;
const at = (name: string) => join(dir, name);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fathom-drop-'));
  for (const name of ['m.fathom.json', 'train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 'a.csv', 'b.csv', 'notes.txt'])
    writeFileSync(at(name), 'x');
  mkdirSync(at('flowers'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('classifyDropped', () => {
  it('opens a model file in Inspect, and IDX, CSV or a folder in the import', async () => {
    expect(await classifyDropped([at('m.fathom.json')])).toEqual({ kind: 'model', path: at('m.fathom.json') });
    const idx = [at('train-images-idx3-ubyte.gz'), at('train-labels-idx1-ubyte.gz')];
    expect(await classifyDropped(idx)).toEqual({ kind: 'import', importKind: 'idx', paths: idx });
    expect(await classifyDropped([at('a.csv'), at('b.csv')])).toEqual({
      kind: 'import',
      importKind: 'csv',
      paths: [at('a.csv'), at('b.csv')],
    });
    expect(await classifyDropped([at('flowers')])).toEqual({ kind: 'import', importKind: 'auto', paths: [at('flowers')] });
  });

  it('refuses forged or foreign payloads with a reason', async () => {
    const reason = async (payload: unknown) => {
      const result = await classifyDropped(payload);
      if (result.kind !== 'refused') throw new Error(`expected a refusal, got ${JSON.stringify(result)}`);
      return result.reason;
    };
    expect(await reason('/etc/passwd')).toMatch(/nothing that Fathom can open/);
    expect(await reason([42])).toMatch(/not a file on this computer/);
    expect(await reason(['relative/m.fathom.json'])).toMatch(/m\.fathom\.json is not a file on this computer/);
    expect(await reason([at('missing.fathom.json')])).toMatch(/missing\.fathom\.json does not exist/);
    expect(await reason(['/dev/null'])).toMatch(/null is not a regular file or folder/);
    expect(await reason([at('notes.txt')])).toMatch(/Fathom cannot open notes\.txt/);
    expect(await reason([at('m.fathom.json'), at('a.csv')])).toMatch(/one model file/);
    expect(await reason([at('train-images-idx3-ubyte.gz')])).toMatch(/drop two/);
    expect(await reason(Array(5).fill(at('a.csv')))).toMatch(/5 files were dropped/);
    expect(await reason([`${at('m.fathom.json')}\0`])).toMatch(/not a file on this computer/);
  });
});

describe('the drop channel', () => {
  function listen() {
    let listener: ((event: IpcMainEvent, ...args: unknown[]) => void) | undefined;
    const ipc: IpcMainOnLike = {
      on: (channel, l) => {
        expect(channel).toBe(DROP_CHANNEL);
        listener = l;
      },
      removeListener: () => (listener = undefined),
    };
    const seen: DroppedFiles[] = [];
    let arrived: () => void = () => undefined;
    const next = () => new Promise<void>((resolve) => (arrived = resolve));
    const trusted = (event: Pick<IpcMainInvokeEvent, 'sender'>) => (event.sender as unknown as { id: number }).id === 1;
    const stop = registerDropChannel(ipc, trusted, (d) => void (seen.push(d), arrived()));
    const send = (id: number, ...args: unknown[]) => listener?.({ sender: { id } } as unknown as IpcMainEvent, ...args);
    return { seen, next, send, stop, listening: () => !!listener };
  }

  it('refuses a forged path from the app window, with its reason', async () => {
    const channel = listen();
    const arrived = channel.next();
    channel.send(1, ['/no/such/file.fathom.json']);
    await arrived;
    expect(channel.seen).toEqual([{ kind: 'refused', reason: 'file.fathom.json does not exist (or cannot be read)' }]);
  });

  it('ignores drops from any other sender, and extra arguments are refused', async () => {
    const channel = listen();
    channel.send(2, [at('m.fathom.json')]);
    const arrived = channel.next();
    channel.send(1, [at('m.fathom.json')], 'extra');
    await arrived;
    expect(channel.seen).toEqual([{ kind: 'refused', reason: 'nothing that Fathom can open was dropped' }]);
    channel.stop();
    expect(channel.listening()).toBe(false);
  });
});

describe('forwardDroppedFiles (the preload)', () => {
  function target() {
    const listeners = new Map<string, (event: DropEvent<{ name: string }>) => void>();
    const sent: string[][] = [];
    forwardDroppedFiles<{ name: string }>(
      { addEventListener: (type, l) => void listeners.set(type, l) },
      (file) => `/home/ada/${file.name}`,
      (paths) => void sent.push(paths),
    );
    const event = (files: { name: string }[], defaultPrevented = false) => {
      const e = {
        defaultPrevented,
        prevented: false,
        preventDefault: () => void (e.prevented = true),
        dataTransfer: { types: ['Files'], files },
      };
      return e;
    };
    return { listeners, sent, event };
  }

  it('sends the dropped files paths to main, and leaves drops the page handled alone', () => {
    const { listeners, sent, event } = target();
    const over = event([]);
    listeners.get('dragover')!(over);
    expect(over.prevented).toBe(true);
    const drop = event([{ name: 'a.csv' }, { name: 'b.csv' }]);
    listeners.get('drop')!(drop);
    expect(drop.prevented).toBe(true);
    listeners.get('drop')!(event([{ name: 'c.csv' }], true));
    listeners.get('drop')!(event([]));
    expect(sent).toEqual([['/home/ada/a.csv', '/home/ada/b.csv']]);
  });
});
