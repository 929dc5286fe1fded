/**
 * Node-only: loads the SIMD kernels compiled by `npm run build:wasm` from
 * core/engine/wasm/build/kernels.wasm, and picks a backend by name. Where the runtime has relaxed
 * SIMD (Electron; Node 20 with --experimental-wasm-relaxed-simd) and kernels-fma.wasm sits beside
 * the plain build, that build runs instead ("wasm SIMD + FMA"); FATHOM_WASM_FMA=0 keeps the plain one.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { jsKernels } from '../kernels-js';
import type { Kernels } from '../kernels';
import { createWasmKernels, WasmUnavailableError, type WasmKernelOptions } from './kernels-wasm';
import { wasmApi, wasmRelaxedSimdSupported, wasmSimdSupported, type WasmModule } from './wasm-api';

export const BACKENDS = ['js', 'wasm', 'auto'] as const;
export type BackendName = (typeof BACKENDS)[number];

export { WasmUnavailableError };

export const WASM_PATH = fileURLToPath(new URL('./build/kernels.wasm', import.meta.url));

type Loaded = { module: WasmModule; fma: boolean } | { error: string };

/** The relaxed-SIMD twin of a kernels .wasm file. */
export const fmaPathOf = (path: string): string => path.replace(/\.wasm$/, '-fma.wasm');

/** Whether to run the FMA build: the runtime has relaxed SIMD, the file is there, and FATHOM_WASM_FMA is not 0. */
function useFma(path: string): boolean {
  return process.env['FATHOM_WASM_FMA'] !== '0' && wasmRelaxedSimdSupported() && fs.existsSync(fmaPathOf(path));
}

/** By file path: a bundled app passes where its bundler put the .wasm (the default path is next to this source file). */
const loaded = new Map<string, Loaded>();

/** The compiled module, read and compiled once per process and path; or why it cannot be. */
function load(path = WASM_PATH): Loaded {
  let result = loaded.get(path);
  if (result) return result;
  if (!wasmSimdSupported()) result = { error: 'this runtime does not support WebAssembly SIMD' };
  else if (!fs.existsSync(path)) result = { error: `${path} is missing; run \`npm run build:wasm\`` };
  else {
    const fma = useFma(path);
    const file = fma ? fmaPathOf(path) : path;
    try {
      result = { module: new (wasmApi()!.Module)(fs.readFileSync(file)), fma };
    } catch (err) {
      result = { error: `${file} does not compile: ${(err as Error).message}` };
    }
  }
  loaded.set(path, result);
  return result;
}

/** Why the wasm backend cannot run here, or undefined when it can. */
export function wasmUnavailableReason(wasmPath?: string): string | undefined {
  const result = load(wasmPath);
  return 'error' in result ? result.error : undefined;
}

/**
 * The kernels for a backend name. 'auto' is wasm where it can run, else js. Each 'wasm' call makes
 * a new instance with its own memory (cheap: the module is compiled once): use one per network.
 */
export function selectKernels(name: BackendName, options?: WasmKernelOptions, wasmPath?: string): Kernels {
  return chooseKernels(name, options, wasmPath).kernels;
}

/** As selectKernels, also saying why 'auto' fell back to js (`fallback`), so a caller can tell its user. */
export function chooseKernels(name: BackendName, options?: WasmKernelOptions, wasmPath?: string): { kernels: Kernels; fallback?: string } {
  if (name === 'js') return { kernels: jsKernels };
  const result = load(wasmPath);
  if ('module' in result) return { kernels: createWasmKernels(result.module, { ...options, fma: result.fma }) };
  if (name === 'wasm') throw new WasmUnavailableError(`The wasm backend cannot run: ${result.error}.`);
  return { kernels: jsKernels, fallback: `the wasm backend cannot run (${result.error}), so the js kernels run instead` };
}
