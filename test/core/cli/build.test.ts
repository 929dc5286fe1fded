/**
 * The built trainer: `build:cli` bundles it with its shard worker and a copy of the kernels, and
 * it runs without tsx, vite or the AssemblyScript compiler; `build:wasm` and `build:cli` skip
 * work whose inputs have not changed.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pkg from '../../../package.json' with { type: 'json' };
import { tempFolder } from '../data/import/fixtures';
import { jsonLines, ofType } from './cli';

const folder = tempFolder('cli-build');
afterAll(() => folder.remove());

const node = (args: string[]) => spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 120_000 });

/** Build tools the bundle must not need: hidden from the copy's node_modules. */
const BUILD_ONLY = new Set([
  '.bin',
  'tsx',
  'esbuild',
  '@esbuild',
  'vite',
  'rolldown',
  '@rolldown',
  'vitest',
  '@vitest',
  'assemblyscript',
  'typescript',
  'electron-vite',
]);

describe('npm run build:cli', () => {
  const outDir = join(folder.path, 'cli');
  const bundle = join(outDir, 'train.js');
  let built: ReturnType<typeof node>;

  beforeAll(() => {
    built = node(['scripts/build-cli.mjs', '--out-dir', outDir]);
    // Packages are found from the bundle's folder upwards: offer the runtime ones only.
    mkdirSync(join(folder.path, 'node_modules'));
    for (const name of readdirSync('node_modules'))
      if (!BUILD_ONLY.has(name)) symlinkSync(join(process.cwd(), 'node_modules', name), join(folder.path, 'node_modules', name));
  }, 120_000);

  it('writes the bundle, its shard worker, the kernels and a stamp naming the sources', () => {
    expect(built.status).toBe(0);
    expect(readFileSync(bundle, 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
    expect(statSync(bundle).mode & 0o111).toBe(0o111);
    expect(existsSync(join(outDir, 'worker-entry.js'))).toBe(true);
    expect(readFileSync(join(outDir, 'build/kernels.wasm'))).toEqual(readFileSync('core/engine/wasm/build/kernels.wasm'));
    const stamp = JSON.parse(readFileSync(join(outDir, 'stamp.json'), 'utf8')) as { hash: string; inputs: string[] };
    expect(stamp.inputs).toEqual(expect.arrayContaining(['core/cli/train.ts', 'core/cli/run.ts', 'core/engine/parallel/worker-entry.ts']));
    expect(stamp.inputs.some((p) => p.includes('node_modules'))).toBe(false);
  });

  it('runs without tsx, vite or asc: --version, and a run over two threads whose workers start from the bundle', () => {
    expect(node([bundle, '--version']).stdout).toBe(`fathom-train ${pkg.version}\n`);
    const args = [bundle, '--layers', '784,100,10', '--activation', 'relu,softmax', '--loss', 'cross-entropy', '--init', 'he'];
    const train = [...args, '--optimizer', 'adam', '--lr', '0.001', '--batch', '64', '--epochs', '2', '--train-limit', '1000'];
    const run = node([...train, '--test-limit', '200', '--json', '--workers', '2']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const lines = jsonLines(run.stdout);
    expect(ofType(lines, 'started')[0]).toMatchObject({ kernels: 'wasm', threads: 2 });
    expect(ofType(lines, 'epoch')[1]!['testAccuracy']).toBeGreaterThan(0.6);
  });

  it('--if-stale rebuilds only when the stamp disagrees with the sources', () => {
    const before = statSync(bundle).mtimeMs;
    const skipped = node(['scripts/build-cli.mjs', '--if-stale', '--out-dir', outDir]);
    expect(skipped.stderr).toBe('build:cli: up to date\n');
    expect(statSync(bundle).mtimeMs).toBe(before);
    expect(node(['scripts/build-cli.mjs', '--check', '--out-dir', outDir]).status).toBe(0);
    // As if a source had changed since: the stamp's hash no longer matches.
    const stampPath = join(outDir, 'stamp.json');
    const stamp = JSON.parse(readFileSync(stampPath, 'utf8')) as { hash: string };
    writeFileSync(stampPath, JSON.stringify({ ...stamp, hash: '0'.repeat(64) }));
    expect(node(['scripts/build-cli.mjs', '--check', '--out-dir', outDir]).status).toBe(1);
    const rebuilt = node(['scripts/build-cli.mjs', '--if-stale', '--out-dir', outDir]);
    expect(rebuilt.status).toBe(0);
    expect(rebuilt.stderr).toMatch(/build:cli: bundling core\/cli\/train\.ts/);
    expect(node(['scripts/build-cli.mjs', '--check', '--out-dir', outDir]).status).toBe(0);
  });

  it('--workers fails with a reason, not a hang, when the shard worker is missing from the bundle', () => {
    const copy = join(folder.path, 'no-worker');
    mkdirSync(join(copy, 'build'), { recursive: true });
    for (const name of readdirSync(outDir))
      if (name.endsWith('.js') && name !== 'worker-entry.js') copyFileSync(join(outDir, name), join(copy, name));
    copyFileSync(join(outDir, 'build/kernels.wasm'), join(copy, 'build/kernels.wasm'));
    const run = node([join(copy, 'train.js'), '--batch', '64', '--epochs', '1', '--train-limit', '500', '--workers', '2']);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^fathom train: A training worker failed to start: Cannot find module '.*no-worker\/worker-entry\.js'/);
  });
});

describe('npm run train (scripts/train.mjs)', () => {
  it("runs the bundle in its own process, building it first if needed: its output and exit code are the trainer's", () => {
    const version = node(['scripts/train.mjs', '--version']);
    expect(version.status).toBe(0);
    expect(version.stdout).toBe(`fathom-train ${pkg.version}\n`);
    // Built by now, so nothing but the trainer's own line on stderr.
    const bad = node(['scripts/train.mjs', '--loss', 'hinge']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^fathom train: --loss: "hinge" is not one of [^\n]*\n$/);
  });
});

describe('npm run build:wasm', () => {
  const output = join(folder.path, 'wasm', 'kernels.wasm');
  const wasm = (...args: string[]) => node(['scripts/build-wasm.mjs', '--out', output, ...args]);

  beforeAll(() => {
    // The kernels npm test built, with their stamp, in another place: nothing to compile.
    mkdirSync(join(folder.path, 'wasm'));
    copyFileSync('core/engine/wasm/build/kernels.wasm', output);
    copyFileSync('core/engine/wasm/build/kernels-fma.wasm', output.replace(/\.wasm$/, '-fma.wasm'));
    copyFileSync('core/engine/wasm/build/kernels.wasm.stamp.json', `${output}.stamp.json`);
  });

  it('skips the compiler when the sources, flags and compiler are those of the stamp', () => {
    const before = statSync(output).mtimeMs;
    const run = wasm();
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/kernels\.wasm up to date\n$/);
    expect(statSync(output).mtimeMs).toBe(before);
    expect(wasm('--check').status).toBe(0);
  });

  it('--check says a build is due when the stamp disagrees or the output is missing', () => {
    const stamp = JSON.parse(readFileSync(`${output}.stamp.json`, 'utf8')) as { hash: string; flags: string[] };
    expect(stamp.flags).toEqual(expect.arrayContaining(['--enable', 'simd,threads', '-O3', '--sharedMemory', '--maximumMemory', '65536']));
    writeFileSync(`${output}.stamp.json`, JSON.stringify({ ...stamp, hash: 'f'.repeat(64) }));
    expect(wasm('--check').status).toBe(1);
    writeFileSync(`${output}.stamp.json`, JSON.stringify(stamp));
    expect(wasm('--check').status).toBe(0);
    const fma = output.replace(/\.wasm$/, '-fma.wasm');
    rmSync(fma);
    expect(wasm('--check').status).toBe(1);
    copyFileSync('core/engine/wasm/build/kernels-fma.wasm', fma);
    expect(wasm('--check').status).toBe(0);
    rmSync(output);
    expect(wasm('--check').status).toBe(1);
  });
});
