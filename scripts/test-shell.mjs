#!/usr/bin/env node
/**
 * `npm run test:shell` (part of `npm run test:all`): the desktop shell's tests that need the whole
 * project to themselves, run one after the other, with a stand-in Electron (a folder holding an
 * `electron` executable that exits 0) in place of Electron's binary:
 *   1. `npm start` reaches the stand-in after one build (test/scripts/start-path.test.ts);
 *   2. `electron-builder --linux --dir` packages the app with the stand-in as its Electron, into a
 *      temporary folder (release/ is left alone);
 *   3. test/electron/packaged.test.ts checks that package and boots its packed main.
 * Prints how long each step took.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name);
const work = mkdtempSync(join(tmpdir(), 'fathom-shell-'));
const timings = [];

function step(name, command, args, env = {}) {
  const started = performance.now();
  console.log(`\n── test:shell: ${name}`);
  const run = spawnSync(command, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...env },
    shell: process.platform === 'win32',
  });
  timings.push(`${name}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  if (run.status !== 0) throw new Error(`${name} failed (exit ${run.status ?? run.signal})`);
}

/** An unpacked "Electron" that electron-builder accepts as electronDist: one executable. */
function standInElectron() {
  const dist = join(work, 'electron');
  mkdirSync(dist);
  writeFileSync(join(dist, 'electron'), '#!/bin/sh\nexit 0\n');
  chmodSync(join(dist, 'electron'), 0o755);
  return dist;
}

try {
  step('npm start with a stand-in Electron', bin('vitest'), ['run', 'test/scripts/start-path.test.ts'], { FATHOM_TEST_START: '1' });
  const release = join(work, 'release');
  step('MNIST .gz', process.execPath, [join(root, 'scripts', 'build-mnist.mjs')]);
  step('icons', process.execPath, [join(root, 'scripts', 'build-icons.mjs')]);
  step(
    'electron-builder --linux --dir',
    bin('electron-builder'),
    ['--config', 'electron-builder.config.mjs', '--linux', '--dir', `-c.directories.output=${release}`],
    { ELECTRON_OVERRIDE_DIST_PATH: standInElectron() },
  );
  step('the packaged app', bin('vitest'), ['run', 'test/electron/packaged.test.ts'], {
    FATHOM_PACKAGED_APP: join(release, 'linux-unpacked'),
  });
  console.log(`\ntest:shell passed (${timings.join(', ')})`);
} catch (err) {
  console.error(`\ntest:shell: ${err.message} (${timings.join(', ')})`);
  process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
