#!/usr/bin/env node
/**
 * `npm run build:wasm`: compiles the AssemblyScript kernels (assembly/*.ts) to
 * core/engine/wasm/build/kernels.wasm (and its relaxed-SIMD twin kernels-fma.wasm), only when the sources, the flags or the compiler changed
 * since the last build (a hash kept in kernels.wasm.stamp.json beside the output).
 *   --force       compile anyway
 *   --check       compile nothing: exit 0 when up to date, 1 when a build is due
 *   --out FILE    another output (the stamp goes beside it)
 * Also a module: `ensureWasm()` is what `npm run train` and `build:cli` call.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { hashInputs, readStamp, writeStamp } from './stamp.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCES = join(ROOT, 'assembly');
export const WASM_OUTPUT = join(ROOT, 'core/engine/wasm/build/kernels.wasm');
/** The relaxed-SIMD variant (fused multiply-add), built beside each output as <name>-fma.wasm. */
const FMA_FEATURES = ['--enable', 'relaxed-simd'];
export const fmaOutputOf = (output) => output.replace(/\.wasm$/, '-fma.wasm');

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

const stampOf = (output) => `${output}.stamp.json`;

function compilerVersion() {
  return JSON.parse(readFileSync(join(ROOT, 'node_modules/assemblyscript/package.json'), 'utf8')).version;
}

/** The hash the stamp must hold for the output to be up to date. */
function wasmInputsHash() {
  const files = readdirSync(SOURCES).map((name) => join(SOURCES, name));
  return hashInputs(ROOT, files, [`assemblyscript ${compilerVersion()}`, ...ASC_FLAGS, ...FMA_FEATURES]);
}

export function wasmUpToDate(output = WASM_OUTPUT, hash = wasmInputsHash()) {
  return existsSync(output) && existsSync(fmaOutputOf(output)) && readStamp(stampOf(output))?.hash === hash;
}

/**
 * Compiles when needed. Returns 'up to date' or 'compiled'; throws with asc's messages on a
 * compile error (the stamp is then left as it was, so the next call tries again).
 */
export async function ensureWasm({ force = false, output = WASM_OUTPUT, log = (text) => process.stderr.write(`${text}\n`) } = {}) {
  const hash = wasmInputsHash();
  if (!force && wasmUpToDate(output, hash)) return 'up to date';
  log('build:wasm: compiling assembly/kernels.ts …');
  mkdirSync(dirname(output), { recursive: true });
  const asc = (await import('assemblyscript/asc')).default;
  for (const [flags, file] of [
    [ASC_FLAGS, output],
    [[...ASC_FLAGS, ...FMA_FEATURES], fmaOutputOf(output)],
  ]) {
    const { error, stderr } = await asc.main([join(SOURCES, 'kernels.ts'), ...flags, '-o', file]);
    if (error) throw new Error(`asc failed: ${error.message}\n${stderr.toString()}`);
  }
  writeStamp(stampOf(output), { hash, flags: ASC_FLAGS, compiler: compilerVersion() });
  return 'compiled';
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let flags;
  try {
    flags = parseArgs({ options: { force: { type: 'boolean' }, check: { type: 'boolean' }, out: { type: 'string' } } }).values;
  } catch (error) {
    process.stderr.write(`build-wasm: ${error.message}\n`);
    process.exit(2);
  }
  const output = flags.out ? resolve(flags.out) : WASM_OUTPUT;
  const name = relative(process.cwd(), output);
  if (flags.check) {
    const upToDate = wasmUpToDate(output);
    process.stderr.write(`build:wasm: ${name} ${upToDate ? 'up to date' : 'needs a build'}\n`);
    process.exitCode = upToDate ? 0 : 1;
  } else {
    await ensureWasm({ force: flags.force, output }).then(
      (result) => process.stderr.write(`build:wasm: ${name} ${result}\n`),
      (error) => {
        process.stderr.write(`${error.message}\n`);
        process.exitCode = 1;
      },
    );
  }
}
