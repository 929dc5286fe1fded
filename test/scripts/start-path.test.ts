/**
 * `npm start` as a new user runs it, with no real Electron: with a stand-in named by
 * ELECTRON_OVERRIDE_DIST_PATH it builds once and starts the stand-in on the built app (exit 0);
 * without any binary, offline, it stops before building with the message of scripts/electron.mjs.
 * The first case rebuilds out/, which other test files read: it runs only when FATHOM_TEST_START=1
 * (`npm run test:shell` sets it and runs it alone).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDataDir } from '../core/service/helpers';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tmp = tempDataDir();
afterAll(() => tmp.remove());

function npmStart(env: NodeJS.ProcessEnv): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['start'], { cwd: root, env });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (status) => resolve({ status, output }));
  });
}

function env(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ELECTRON_MIRROR: 'http://127.0.0.1:9/',
    electron_config_cache: join(tmp.dir, 'no-cache'),
  };
  delete env['ELECTRON_EXEC_PATH'];
  delete env['ELECTRON_OVERRIDE_DIST_PATH'];
  return { ...env, ...extra };
}

const unix = process.platform !== 'win32';
const binaryInstalled = existsSync(join(root, 'node_modules', 'electron', 'path.txt'));
const mainJs = join(root, 'out', 'main', 'main.js');

describe.skipIf(!unix || process.env['FATHOM_TEST_START'] !== '1')('npm start with a stand-in Electron', () => {
  it('builds once, then starts the stand-in on the built app and exits 0', async () => {
    const dist = join(tmp.dir, 'electron');
    mkdirSync(dist);
    const log = join(tmp.dir, 'stand-in.log');
    writeFileSync(join(dist, 'electron'), `#!/bin/sh\nprintf '%s\\n' "$PWD" "$@" > '${log}'\n`);
    chmodSync(join(dist, 'electron'), 0o755);
    const startedAt = Date.now();
    const { status, output } = await npmStart(env({ ELECTRON_OVERRIDE_DIST_PATH: dist }));
    expect({ status, output: status === 0 ? '' : output }).toEqual({ status: 0, output: '' });
    // electron-vite lists each bundle it writes: main.js once means one build, not a second one in preview.
    expect(output.match(/out\/main\/main\.js/g)).toHaveLength(1);
    expect(statSync(mainJs).mtimeMs).toBeGreaterThanOrEqual(startedAt - 1000);
    // The stand-in was started in the project folder on it ('.': package.json's main, out/main/main.js).
    expect(readFileSync(log, 'utf8').split('\n').filter(Boolean)).toEqual([root.replace(/\/$/, ''), '.']);
  });
});

describe.skipIf(!unix || binaryInstalled)('npm start without Electron, offline', () => {
  it('stops before building, says what is missing and how to get it, and exits non-zero without a stack trace', async () => {
    const before = existsSync(mainJs) ? statSync(mainJs).mtimeMs : undefined;
    const { status, output } = await npmStart(env({}));
    expect(status).not.toBe(0);
    expect(output).toContain("Fathom cannot start: Electron's binary is missing.");
    expect(output).toContain('ELECTRON_OVERRIDE_DIST_PATH');
    expect(output).toContain('npm run train -- --help');
    expect(output).not.toMatch(/^\s+at /m);
    expect(output).not.toContain('electron-vite build');
    expect(existsSync(mainJs) ? statSync(mainJs).mtimeMs : undefined).toBe(before);
  });
});
