/**
 * The packaged path: Electron's main process, the sandboxed preload and the built renderer,
 * driven through Playwright's _electron. Needs Electron's binary, which `npm install` fetches on a
 * machine with internet; where it is missing the test reports itself skipped and says why.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { _electron as electron } from '@playwright/test';
import { expect, test } from './harness';
import { ROOT, SCREENS } from './paths';

/** Electron's executable, found the way its package does, without triggering its download. */
function electronBinary(): { path: string } | { missing: string } {
  const pkg = join(ROOT, 'node_modules/electron');
  const pathFile = join(pkg, 'path.txt');
  if (!existsSync(pathFile))
    return { missing: `Electron's binary is not installed (${pathFile} is missing; offline installs skip the download)` };
  const dist = process.env['ELECTRON_OVERRIDE_DIST_PATH'] ?? join(pkg, 'dist');
  const path = join(dist, readFileSync(pathFile, 'utf8').trim());
  return existsSync(path) ? { path } : { missing: `Electron's binary is not at ${path}` };
}

const binary = electronBinary();
const built = existsSync(join(ROOT, 'out/main/main.js'));

test('the Electron app opens its window with window.lab from the preload', async () => {
  test.skip('missing' in binary, 'missing' in binary ? binary.missing : '');
  test.skip(!built, 'out/main/main.js is missing: run `npx electron-vite build` first');
  const app = await electron.launch({
    executablePath: (binary as { path: string }).path,
    args: [ROOT, '--no-sandbox', '--disable-gpu'],
    cwd: ROOT,
  });
  try {
    const window = await app.firstWindow();
    await expect(window.getByTestId('tab-design')).toBeVisible();
    const methods = await window.evaluate(() => Object.keys((globalThis as unknown as { lab: object }).lab).sort());
    expect(methods).toContain('startRun');
    expect(methods).toContain('onEvent');
    await expect(window.getByTestId('can-train')).toHaveText('Ready to train');
    await window.getByTestId('tab-train').click();
    await expect(window.getByTestId('train-view')).toBeVisible();
    await window.screenshot({ path: join(SCREENS, 'electron--train.png') });
  } finally {
    await app.close();
  }
});
