#!/usr/bin/env node
/**
 * `npm run build:wasm`: compiles the AssemblyScript kernels (assembly/*.ts) to
 * core/engine/wasm/build/kernels.wasm, only when the sources, the flags or the compiler changed
 * since the last build (a hash kept in kernels.wasm.stamp.json beside the output); `--force`
 * compiles anyway. Also used as a module: `ensureWasm()` is what `npm run train` calls.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hashInputs, readStamp, writeStamp } from './stamp.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCES = join(ROOT, 'assembly');
export const WASM_OUTPUT = join(ROOT, 'core/engine/wasm/build/kernels.wasm');
const STAMP = `${WASM_OUTPUT}.stamp.json`;

/** asc's flags (the output path is added last); changing them recompiles. */
export const ASC_FLAGS = [
  '--enable',
  'simd,threads',
  '-O3',
  '--runtime',
  'stub',
  '--importMemory',
  '--sharedMemory',
  '--initialMemory',
  '1',
  '--maximumMemory',
  '65536',
  '--noExportMemory',
  '--use',
  'abort=',
];

function compilerVersion() {
  return JSON.parse(readFileSync(join(ROOT, 'node_modules/assemblyscript/package.json'), 'utf8')).version;
}

/** The hash the stamp must hold for the output to be up to date. */
export function wasmInputsHash() {
  const files = readdirSync(SOURCES).map((name) => join(SOURCES, name));
  return hashInputs(ROOT, files, [`assemblyscript ${compilerVersion()}`, ...ASC_FLAGS]);
}

export function wasmUpToDate(hash = wasmInputsHash()) {
  return existsSync(WASM_OUTPUT) && readStamp(STAMP)?.hash === hash;
}

/**
 * Compiles when needed. Returns 'up to date' or 'compiled'; throws with asc's messages on a
 * compile error (the stamp is then left as it was, so the next call tries again).
 */
export async function ensureWasm({ force = false, log = (text) => process.stderr.write(`${text}\n`) } = {}) {
  const hash = wasmInputsHash();
  if (!force && wasmUpToDate(hash)) return 'up to date';
  log('build:wasm: compiling assembly/kernels.ts …');
  mkdirSync(dirname(WASM_OUTPUT), { recursive: true });
  const asc = (await import('assemblyscript/asc')).default;
  const { error, stderr } = await asc.main([join(SOURCES, 'kernels.ts'), ...ASC_FLAGS, '-o', WASM_OUTPUT]);
  if (error) throw new Error(`asc failed: ${error.message}\n${stderr.toString()}`);
  writeStamp(STAMP, { hash, flags: ASC_FLAGS, compiler: compilerVersion() });
  return 'compiled';
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const force = process.argv.includes('--force');
  const unknown = process.argv.slice(2).filter((arg) => arg !== '--force');
  if (unknown.length) {
    process.stderr.write(`build-wasm: unknown argument ${unknown[0]} (only --force)\n`);
    process.exit(2);
  }
  ensureWasm({ force }).then(
    (result) => process.stderr.write(`build:wasm: ${WASM_OUTPUT.slice(ROOT.length + 1)} ${result}\n`),
    (error) => {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 1;
    },
  );
}
