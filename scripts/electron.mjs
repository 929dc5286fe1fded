#!/usr/bin/env node
/**
 * Electron's binary for `npm start` / `npm run dev`, found or fetched through Electron's own
 * mechanism, checked before anything is built.
 *
 *   node scripts/electron.mjs ensure             the binary is there (fetched by Electron's installer if not), or a clear message and exit 1
 *   node scripts/electron.mjs run <command…>     ensure, then run the command with ELECTRON_EXEC_PATH naming the binary
 *
 * Why: the electron package (≥ 42) installs without its binary; Electron's installer
 * (node_modules/electron/install.js, the `install-electron` bin, which uses @electron/get) fetches
 * it on first use and writes node_modules/electron/path.txt. electron-vite 6 reads only that file
 * (or ELECTRON_EXEC_PATH) and otherwise fails with "Electron uninstall"; it ignores Electron's
 * ELECTRON_OVERRIDE_DIST_PATH, so `run` hands it the resolved path as ELECTRON_EXEC_PATH.
 *
 * Where the binary is, in order: ELECTRON_EXEC_PATH (an executable); ELECTRON_OVERRIDE_DIST_PATH
 * (an unpacked Electron folder, resolved by Electron's own index.js); node_modules/electron/dist,
 * fetched by Electron's installer when missing.
 */
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));

/** The executable inside an unpacked Electron, as Electron's install.js names it. */
const PLATFORM_EXECUTABLE = { darwin: 'Electron.app/Contents/MacOS/Electron', win32: 'electron.exe', linux: 'electron' };

/** Thrown for every way the binary cannot be had; main() prints the message alone, no stack. */
class MissingElectron extends Error {}

function electronPackage() {
  const dir = dirname(require.resolve('electron/package.json'));
  return { dir, version: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version };
}

function isExecutable(path) {
  try {
    if (!statSync(path).isFile()) return false;
    if (process.platform !== 'win32') accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The Node versions package.json's engines allow (forms used there: `^20.19.0`, `>=24`). */
export function nodeSatisfies(version, range) {
  const [major, minor, patch] = version.replace(/^v/, '').split('.').map(Number);
  const at = (v) => [0, 1, 2].map((i) => Number(v.split('.')[i]) || 0);
  const atLeast = ([a, b, c]) => major > a || (major === a && (minor > b || (minor === b && patch >= c)));
  return range.split('||').some((part) => {
    const clause = part.trim();
    if (clause.startsWith('^')) {
      const want = at(clause.slice(1));
      return major === want[0] && atLeast(want);
    }
    if (clause.startsWith('>=')) return atLeast(at(clause.slice(2).trim()));
    return false;
  });
}

function checkNode() {
  const range = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).engines?.node;
  if (range && !nodeSatisfies(process.version, range))
    throw new MissingElectron(
      `Fathom needs Node.js ${range.replace(/\s*\|\|\s*/g, ' or ')}; this is Node.js ${process.version}.\n` +
        'ESLint 10, Vite 8 and Electron’s installer need those versions (see the README, "Set up").',
    );
}

function howToGetIt(version) {
  return [
    'To get it, either:',
    `  - run \`npm start\` once with internet access: Electron's installer downloads its binary (about 100 MB) into node_modules/electron/dist; or`,
    `  - point ELECTRON_OVERRIDE_DIST_PATH at an unpacked Electron ${version} (the folder holding its executable), e.g.`,
    '      ELECTRON_OVERRIDE_DIST_PATH=/opt/electron-v' + version + '-linux-x64 npm start',
    'The command-line trainer needs no Electron: npm run train -- --help',
  ].join('\n');
}

/** The binary's path, fetching it with Electron's installer when it may; throws MissingElectron. */
export function ensureElectron({ log = (line) => console.error(line) } = {}) {
  checkNode();
  const found = findElectron();
  if (found) return found;
  const { dir, version } = electronPackage();
  log(`Electron ${version}'s binary is not installed yet: fetching it with Electron's installer (about 100 MB, once)…`);
  const install = spawnSync(process.execPath, [join(dir, 'install.js')], { stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' });
  const fetched = install.status === 0 ? installedPath(dir) : undefined;
  if (fetched) return fetched;
  // The installer prints its error's stack: keep its first line, the reason.
  const reason = (install.stderr ?? '').split('\n').find((line) => line.trim()) ?? `it exited with ${install.status ?? install.signal}`;
  throw new MissingElectron(
    `Fathom cannot start: Electron's binary is missing.\n` +
      `The electron package in ${relative(process.cwd(), dir) || dir} is JavaScript only; its ${version} binary is fetched on first use, ` +
      `and fetching it failed (${reason.trim()}${/fetch failed|ENOTFOUND|ECONNREFUSED|EAI_AGAIN/.test(reason) ? ': no internet?' : ''}).\n` +
      howToGetIt(version),
  );
}

/**
 * The binary's path without fetching anything: ELECTRON_EXEC_PATH, ELECTRON_OVERRIDE_DIST_PATH, or
 * what Electron's installer put in node_modules/electron/dist; undefined when it is not installed.
 * Throws MissingElectron when one of the two variables names no executable.
 */
export function findElectron() {
  const { dir, version } = electronPackage();
  const execPath = process.env.ELECTRON_EXEC_PATH;
  if (execPath) {
    if (isExecutable(execPath)) return execPath;
    throw new MissingElectron(`ELECTRON_EXEC_PATH names ${execPath}, which is not an executable file.\n${howToGetIt(version)}`);
  }
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    // Electron's index.js: <override>/<path.txt, or 'electron'>; it never downloads when the override is set.
    // Without path.txt, the name install.js would have written for this platform (Electron.app/… on macOS, electron.exe on Windows).
    const candidates = [require('electron'), join(override, PLATFORM_EXECUTABLE[process.platform] ?? 'electron')];
    const path = candidates.find(isExecutable);
    if (path) return path;
    throw new MissingElectron(
      `ELECTRON_OVERRIDE_DIST_PATH names ${override}, which holds no Electron executable (${candidates[1]}).\n${howToGetIt(version)}`,
    );
  }
  return installedPath(dir);
}

/** node_modules/electron/dist/<path.txt> when Electron's installer has put it there. */
function installedPath(dir) {
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const path = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return isExecutable(path) ? path : undefined;
}

function main([command, ...rest]) {
  let path;
  try {
    path = ensureElectron();
  } catch (err) {
    if (!(err instanceof MissingElectron)) throw err;
    console.error(`\n${err.message}\n`);
    return process.exit(1);
  }
  if (command === 'ensure') return;
  if (command !== 'run' || rest.length === 0) {
    console.error('usage: node scripts/electron.mjs ensure | run <command…>');
    return process.exit(2);
  }
  const child = spawn(rest[0], rest.slice(1), {
    stdio: 'inherit',
    env: { ...process.env, ELECTRON_EXEC_PATH: path },
    // npm's bin shims are .cmd files on Windows.
    shell: process.platform === 'win32',
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('close', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
