/**
 * The app in Electron itself: the main process, the sandboxed preload and the built renderer on
 * app://, driven through Playwright's _electron. Needs Electron's binary (found as `npm start`
 * finds it: scripts/electron.mjs, without fetching it); where it is missing the test reports
 * itself skipped and says why.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { _electron as electron } from '@playwright/test';
import { findElectron } from '../../scripts/electron.mjs';
import { expect, test } from './harness';
import { ROOT, SCREENS } from './paths';

/** Electron's executable, or why there is none (offline installs have no binary until `npm start` fetches it). */
function electronBinary(): { path: string } | { missing: string } {
  try {
    const path = findElectron();
    return path
      ? { path }
      : { missing: "Electron's binary is not installed (run `npm start` once online, or set ELECTRON_OVERRIDE_DIST_PATH)" };
  } catch (err) {
    return { missing: (err as Error).message };
  }
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
    expect(window.url()).toBe('app://fathom/index.html');
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
