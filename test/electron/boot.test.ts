/**
 * The built main process (out/main, after `electron-vite build`) booted under plain Node with a
 * stand-in 'electron' module (boot/): one locked-down window on app://, the CSP, exactly the
 * contract's channels, a request end to end, the launch's model file and a second launch's handed
 * to the page, a second instance that leaves at once, and a bounded quit. Skipped when out/ has
 * not been built.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDataDir } from '../core/service/helpers';
import { boot, expectLockedDownBoot, stepOf, writeModelFile } from './boot/boot-scenario';

const out = fileURLToPath(new URL('../../out', import.meta.url));
const mainJs = join(out, 'main', 'main.js');
const tmp = tempDataDir();
afterAll(() => tmp.remove());

describe.skipIf(!existsSync(mainJs))('the built main process (out/main) with a stand-in Electron', () => {
  it('opens one locked-down window on app://, serves the contract end to end, hands over model files and quits', async () => {
    const model = join(tmp.dir, 'launch.fathom.json');
    await writeModelFile(model);
    mkdirSync(join(tmp.dir, 'models'));
    writeFileSync(join(tmp.dir, 'models', 'broken.fathom.json'), '{"format":');
    const { report } = await boot(mainJs, {
      FATHOM_DATA: join(tmp.dir, 'data'),
      FAKE_ELECTRON_USER_DATA: join(tmp.dir, 'user'),
      // A development launch honours the dev server only when asked; here it is not.
      ELECTRON_RENDERER_URL: '',
      FATHOM_BOOT_MODEL: model,
      FATHOM_BOOT_SECOND: JSON.stringify([join(tmp.dir, 'models'), 'broken.fathom.json']),
    });
    expectLockedDownBoot(report, join(out, 'renderer'), false);
    expect(stepOf(report, 'launch model')).toMatchObject({ status: 'opened', model: { name: 'launch', source: { kind: 'file' } } });
    // The second launch's file, relative to its own working folder: the first instance is restored, focused, and says why the file is refused.
    expect(stepOf(report, 'second instance')).toMatchObject({
      windows: 1,
      calls: expect.arrayContaining(['restore', 'focus']),
      minimized: false,
      model: { status: 'failed', message: expect.stringMatching(/^broken\.fathom\.json/) },
    });
    // The model that opened is a recent document (the refused one is not); the window opened centred on the display and its state was saved.
    expect(stepOf(report, 'recent documents')).toEqual([model]);
    expect(stepOf(report, 'window state saved')).toEqual({
      version: 1,
      bounds: { x: 240, y: 70, width: 1440, height: 900 },
      maximized: false,
    });
  });

  it('a second instance quits at once without a window: the first one gets its file', async () => {
    const { report } = await boot(mainJs, { FAKE_ELECTRON_LOCK: '0', FATHOM_DATA: join(tmp.dir, 'data2') });
    expect(stepOf(report, 'second instance')).toEqual({ windows: 0, exited: true });
  });

  it('packaged, ignores ELECTRON_RENDERER_URL and turns DevTools off', async () => {
    const { report } = await boot(mainJs, {
      FAKE_ELECTRON_PACKAGED: '1',
      FAKE_ELECTRON_RESOURCES: join(tmp.dir, 'resources'),
      ELECTRON_RENDERER_URL: 'http://localhost:5173/',
      FATHOM_DATA: join(tmp.dir, 'data3'),
    });
    expectLockedDownBoot(report, join(out, 'renderer'), true);
  });
});
