import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  addRecent,
  datasetRecent,
  existingRecent,
  loadRecent,
  MAX_RECENT,
  modelRecent,
  parseRecent,
  RecentStore,
} from '../../electron/recent-files';

describe('recent files', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'fathom-recent-'));
    dirs.push(dir);
    return dir;
  };

  it('puts the newest first, moves a reopened file to the top, and keeps ten', () => {
    let list = addRecent([], modelRecent('/m/a.fathom.json'));
    list = addRecent(list, datasetRecent(['/d/train.csv', '/d/test.csv'], 'csv'));
    list = addRecent(list, modelRecent('/m/a.fathom.json'));
    expect(list.map((r) => r.label)).toEqual(['a.fathom.json', 'train.csv + 1 more (dataset)']);
    for (let i = 0; i < 20; i++) list = addRecent(list, modelRecent(`/m/${i}.fathom.json`));
    expect(list).toHaveLength(MAX_RECENT);
    expect(list[0]!.label).toBe('19.fathom.json');
  });

  it('drops entries whose files are gone', () => {
    const list = [modelRecent('/here.fathom.json'), datasetRecent(['/here.csv', '/gone.csv'], 'csv')];
    expect(existingRecent(list, (path) => path.startsWith('/here'))).toEqual([list[0]]);
  });

  it('reads a damaged list as an empty one, never throwing', async () => {
    expect(parseRecent('nope')).toEqual({ recent: [], problem: 'not JSON' });
    expect(parseRecent('{"version":1,"recent":[{"kind":"model","paths":[],"label":"x"}]}').recent).toEqual([]);
    const dir = tempDir();
    const path = join(dir, 'recent-files.json');
    expect(await loadRecent(path)).toEqual([]);
    writeFileSync(path, '{"version":2}');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(await loadRecent(path)).toEqual([]);
    expect(warn).toHaveBeenCalledOnce();
    warn.mockRestore();
  });

  it('stores the list, tells the OS, and forgets missing files without a crash', async () => {
    const dir = tempDir();
    const model = join(dir, 'digits.fathom.json');
    writeFileSync(model, '{}');
    const os = { added: [] as string[], cleared: 0, add: (p: string) => void os.added.push(p), clear: () => void os.cleared++ };
    let changes = 0;
    const store = new RecentStore(join(dir, 'recent-files.json'), os, () => void changes++);
    store.add(modelRecent(model));
    store.add(modelRecent(join(dir, 'gone.fathom.json')));
    await store.settled();
    expect(os.added).toEqual([model, join(dir, 'gone.fathom.json')]);
    const again = new RecentStore(join(dir, 'recent-files.json'), os, () => undefined);
    await again.load();
    expect(again.existing()).toEqual([modelRecent(model)]);
    await again.settled();
    expect(await loadRecent(join(dir, 'recent-files.json'))).toEqual([modelRecent(model)]);
    again.clear();
    await again.settled();
    expect(await loadRecent(join(dir, 'recent-files.json'))).toEqual([]);
    expect(os.cleared).toBe(1);
    expect(changes).toBe(2);
  });
});
