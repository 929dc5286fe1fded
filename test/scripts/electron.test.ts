/**
 * scripts/electron.mjs, the step before `npm start` and `npm run dev`: Electron's binary from
 * ELECTRON_EXEC_PATH, from ELECTRON_OVERRIDE_DIST_PATH (through Electron's own index.js), or
 * fetched once by Electron's own installer; where it cannot be had, a message saying what is
 * missing and how to get it, exit 1, no stack trace. No real Electron is needed: stand-ins and a
 * local download mirror play its part.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { nodeSatisfies } from '../../scripts/electron.mjs';
import { tempDataDir } from '../core/service/helpers';

const root = fileURLToPath(new URL('../..', import.meta.url));
const electronPackage = join(root, 'node_modules', 'electron');
const version = JSON.parse(readFileSync(join(electronPackage, 'package.json'), 'utf8')).version as string;
const tmp = tempDataDir();
afterAll(() => tmp.remove());

/** The environment without any Electron location, the download forced to fail fast (a closed port), and an empty download cache. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ELECTRON_MIRROR: 'http://127.0.0.1:9/',
    electron_config_cache: join(tmp.dir, 'no-cache'),
  };
  delete env['ELECTRON_EXEC_PATH'];
  delete env['ELECTRON_OVERRIDE_DIST_PATH'];
  return { ...env, ...extra };
}

function script(args: string[], env: NodeJS.ProcessEnv, cwd = root) {
  return spawnSync(process.execPath, [join(cwd, 'scripts', 'electron.mjs'), ...args], { env, cwd, encoding: 'utf8' });
}

/** An executable that says it was started. */
function standIn(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'electron');
  writeFileSync(path, '#!/bin/sh\necho stand-in "$@"\n');
  chmodSync(path, 0o755);
  return path;
}

const printExecPath = ['run', process.execPath, '-e', 'console.log(process.env.ELECTRON_EXEC_PATH)'];
const noStack = (text: string) => expect(text).not.toMatch(/^\s+at /m);
const binaryInstalled = existsSync(join(electronPackage, 'path.txt'));

describe('nodeSatisfies', () => {
  it('reads the engines ranges of package.json', () => {
    const range = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).engines.node as string;
    expect(range).toBe('^20.19.0 || ^22.13.0 || >=24');
    expect(['v20.19.0', 'v20.20.2', 'v22.13.0', 'v24.0.0', 'v26.1.0'].filter((v) => nodeSatisfies(v, range))).toHaveLength(5);
    expect(['v18.20.0', 'v20.18.3', 'v21.7.0', 'v22.12.0', 'v23.5.0'].some((v) => nodeSatisfies(v, range))).toBe(false);
    expect(nodeSatisfies(process.version, range)).toBe(true);
  });
});

describe.skipIf(process.platform === 'win32')('scripts/electron.mjs', () => {
  it('hands ELECTRON_EXEC_PATH on when it names an executable', () => {
    const path = standIn(join(tmp.dir, 'exec'));
    const run = script(printExecPath, cleanEnv({ ELECTRON_EXEC_PATH: path }));
    expect({ status: run.status, stdout: run.stdout.trim() }).toEqual({ status: 0, stdout: path });
  });

  it('resolves ELECTRON_OVERRIDE_DIST_PATH through Electron’s own index.js and hands the executable on', () => {
    const dist = join(tmp.dir, 'dist');
    const path = standIn(dist);
    const run = script(printExecPath, cleanEnv({ ELECTRON_OVERRIDE_DIST_PATH: dist }));
    expect({ status: run.status, stdout: run.stdout.trim() }).toEqual({ status: 0, stdout: path });
  });

  it('says what is wrong with a location that holds no Electron, exit 1, no stack', () => {
    const empty = join(tmp.dir, 'empty');
    mkdirSync(empty);
    const exec = script(['ensure'], cleanEnv({ ELECTRON_EXEC_PATH: join(empty, 'electron') }));
    expect(exec.status).toBe(1);
    expect(exec.stderr).toContain(`ELECTRON_EXEC_PATH names ${join(empty, 'electron')}, which is not an executable file.`);
    const dist = script(['ensure'], cleanEnv({ ELECTRON_OVERRIDE_DIST_PATH: empty }));
    expect(dist.status).toBe(1);
    expect(dist.stderr).toContain(`ELECTRON_OVERRIDE_DIST_PATH names ${empty}, which holds no Electron executable`);
    for (const run of [exec, dist]) noStack(run.stderr);
  });

  it.skipIf(binaryInstalled)(
    'without the binary and offline: what is missing, how to get it, that train needs none; exit 1, no stack',
    () => {
      const run = script(printExecPath, cleanEnv());
      expect(run.status).toBe(1);
      expect(run.stdout).toBe(''); // the command was not run
      expect(run.stderr).toContain("Fathom cannot start: Electron's binary is missing.");
      expect(run.stderr).toContain('fetching it failed (TypeError: fetch failed: no internet?)');
      expect(run.stderr).toContain('run `npm start` once with internet access');
      expect(run.stderr).toContain(`point ELECTRON_OVERRIDE_DIST_PATH at an unpacked Electron ${version}`);
      expect(run.stderr).toContain('The command-line trainer needs no Electron: npm run train -- --help');
      noStack(run.stderr);
      expect(existsSync(join(electronPackage, 'path.txt'))).toBe(false);
    },
  );

  it('without the binary and online: Electron’s installer fetches it once (from a local mirror here), then it is used', async () => {
    // A copy of the project's electron package (this test must not install into the real one), with the script and package.json beside it.
    const project = join(tmp.dir, 'project');
    cpSync(electronPackage, join(project, 'node_modules', 'electron'), { recursive: true });
    cpSync(join(root, 'scripts', 'electron.mjs'), join(project, 'scripts', 'electron.mjs'));
    cpSync(join(root, 'package.json'), join(project, 'package.json'));
    // Electron's release as a mirror serves it: the zip (a stand-in executable and its version) and SHASUMS256.txt.
    const zipName = `electron-v${version}-${process.platform}-${process.arch}.zip`;
    const zip = storedZip([
      { name: 'electron', data: Buffer.from('#!/bin/sh\necho fetched "$@"\n'), mode: 0o755 },
      { name: 'version', data: Buffer.from(version), mode: 0o644 },
    ]);
    const sums = `${createHash('sha256').update(zip).digest('hex')} *${zipName}\n`;
    const asked: string[] = [];
    const server = createServer((request, response) => {
      asked.push(request.url ?? '');
      const body =
        request.url === `/v${version}/${zipName}` ? zip : request.url === `/v${version}/SHASUMS256.txt` ? Buffer.from(sums) : null;
      response.writeHead(body ? 200 : 404).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const mirror = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const env = cleanEnv({
        ELECTRON_MIRROR: mirror,
        electron_use_remote_checksums: '1',
        // The copied electron package finds @electron/get in the project's node_modules.
        NODE_PATH: join(root, 'node_modules'),
      });
      const first = await runAsync(join(project, 'scripts', 'electron.mjs'), printExecPath, env, project);
      const installed = join(project, 'node_modules', 'electron', 'dist', 'electron');
      expect(first).toMatchObject({ status: 0, stdout: `${installed}\n` });
      expect(first.stderr).toContain(`Electron ${version}'s binary is not installed yet: fetching it with Electron's installer`);
      expect(readFileSync(join(project, 'node_modules', 'electron', 'path.txt'), 'utf8')).toBe('electron');
      expect(asked).toContain(`/v${version}/${zipName}`);
      asked.length = 0;
      const second = await runAsync(join(project, 'scripts', 'electron.mjs'), printExecPath, env, project);
      expect({ ...second, asked }).toEqual({ status: 0, stdout: `${installed}\n`, stderr: '', asked: [] });
    } finally {
      server.close();
    }
  });
});

/** Like spawnSync, but leaves this process's event loop free for the mirror to answer. */
function runAsync(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [file, ...args], { env, cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** A zip archive of stored (uncompressed) files with Unix modes, as Electron's release zips carry them. */
function storedZip(entries: { name: string; data: Buffer; mode: number }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const { name, data, mode } of entries) {
    const fileName = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(fileName.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by Unix, so the external attributes hold the mode
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(fileName.length, 28);
    central.writeUInt32LE(((0o100000 | mode) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, fileName, data);
    centrals.push(central, fileName);
    offset += local.length + fileName.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
