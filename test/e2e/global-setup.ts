/**
 * Builds the renderer once (electron-vite build → out/renderer) and clears old screenshots.
 * FATHOM_E2E_REUSE_BUILD=1 skips the build and serves whatever out/renderer holds.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { OUT_RENDERER, ROOT, SCREENS } from './paths';

export default function globalSetup(): void {
  rmSync(SCREENS, { recursive: true, force: true });
  mkdirSync(SCREENS, { recursive: true });
  if (process.env['FATHOM_E2E_REUSE_BUILD'] === '1' && existsSync(`${OUT_RENDERER}/index.html`)) return;
  execFileSync('npx', ['electron-vite', 'build'], { cwd: ROOT, stdio: 'inherit' });
}
