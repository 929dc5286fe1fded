/**
 * revealPath shows in the file manager only files the lab wrote: the path a save or an export of
 * this service returned, or a file of its runs folder. Any other path the page sends (a file of the
 * user's, a relative path, a way out of the runs folder by `..` or by a symbolic link) is refused
 * with the reason, and main is never asked to show it.
 */
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fakeWorkers } from '../fake-worker';
import { makeService, quickRun, stubDialogs, tempDataDir } from '../helpers';

const tmp = tempDataDir();
afterAll(() => tmp.remove());

describe('revealPath', () => {
  it('shows the files the lab saved and its runs, and refuses every other path', async () => {
    const data = join(tmp.dir, 'data');
    const outside = join(tmp.dir, 'mine');
    mkdirSync(outside);
    writeFileSync(join(outside, 'secret.txt'), 'x');
    const shown: string[] = [];
    const fakes = fakeWorkers();
    const service = makeService(data, { workerFactory: fakes.factory, revealPath: (p) => shown.push(p) });

    // A run: its record in the runs folder.
    const { id } = await service.startRun(quickRun());
    await expect.poll(() => fakes.workers.has(id)).toBe(true);
    const worker = fakes.workers.get(id)!;
    worker.ready();
    await worker.finish('done');
    await expect.poll(() => existsSync(join(data, 'runs', `${id}.json`))).toBe(true);

    const runFolder = join(data, 'runs', id);
    await service.revealPath({ path: join(data, 'runs', `${id}.json`) });
    mkdirSync(runFolder, { recursive: true });
    writeFileSync(join(runFolder, 'note.txt'), 'x');
    await service.revealPath({ path: join(runFolder, 'note.txt') });
    expect(shown).toEqual([join(data, 'runs', `${id}.json`), join(runFolder, 'note.txt')]);

    const refused: [string, RegExp][] = [
      [join(outside, 'secret.txt'), /is not one/],
      ['runs/x.json', /is not a full path/],
      [join(data, 'runs', '..', '..', 'mine', 'secret.txt'), /is not one/],
      [join(data, 'runs'), /is not one/],
      [join(data, 'runs', 'gone.json'), /is no longer there/],
    ];
    symlinkSync(join(outside, 'secret.txt'), join(data, 'runs', 'link.txt'));
    refused.push([join(data, 'runs', 'link.txt'), /is not one/]);
    for (const [path, reason] of refused) await expect(service.revealPath({ path }), path).rejects.toThrow(reason);
    expect(shown).toHaveLength(2);
    await service.dispose();
  });

  it('shows a path a save returned, and says so when main has no file manager', async () => {
    const data = join(tmp.dir, 'data2');
    const target = join(tmp.dir, 'chart.png');
    const shown: string[] = [];
    const service = makeService(data, { dialogs: stubDialogs([target]), revealPath: (p) => shown.push(p) });
    // The smallest PNG: its signature and nothing else is refused, so save a real 1×1 picture.
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
    const saved = await service.savePng({ name: 'chart.png', base64: png });
    expect(saved).toMatchObject({ saved: true, path: target });
    await service.revealPath({ path: target });
    expect(shown).toEqual([target]);
    await service.dispose();

    const bare = makeService(join(tmp.dir, 'data3'));
    await expect(bare.revealPath({ path: target })).rejects.toThrow(/cannot show files in their folder/);
    await bare.dispose();
  });
});
