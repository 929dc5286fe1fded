/**
 * Node-only: loads the SIMD kernels compiled by `npm run build:wasm` from
 * core/engine/wasm/build/kernels.wasm, and picks a backend by name.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { jsKernels } from '../kernels-js';
import type { Kernels } from '../kernels';
import { createWasmKernels, WasmUnavailableError, wasmSimdSupported, type WasmKernelOptions } from './kernels-wasm';
import { wasmApi, type WasmModule } from './wasm-api';

export const BACKENDS = ['js', 'wasm', 'auto'] as const;
export type BackendName = (typeof BACKENDS)[number];

export { WasmUnavailableError };

export const WASM_PATH = fileURLToPath(new URL('./build/kernels.wasm', import.meta.url));

let loaded: { module: WasmModule } | { error: string } | undefined;

/** The compiled module, read and compiled once per process; or why it cannot be. */
function load(): { module: WasmModule } | { error: string } {
  if (loaded) return loaded;
  if (!wasmSimdSupported()) loaded = { error: 'this runtime does not support WebAssembly SIMD' };
  else if (!fs.existsSync(WASM_PATH)) loaded = { error: `${WASM_PATH} is missing; run \`npm run build:wasm\`` };
  else {
    try {
      loaded = { module: new (wasmApi()!.Module)(fs.readFileSync(WASM_PATH)) };
    } catch (err) {
      loaded = { error: `${WASM_PATH} does not compile: ${(err as Error).message}` };
    }
  }
  return loaded;
}

/** Why the wasm backend cannot run here, or undefined when it can. */
export function wasmUnavailableReason(): string | undefined {
  const result = load();
  return 'error' in result ? result.error : undefined;
}

/**
 * The kernels for a backend name. 'auto' is wasm where it can run, else js. Each 'wasm' call makes
 * a new instance with its own memory (cheap: the module is compiled once): use one per network.
 */
export function selectKernels(name: BackendName, options?: WasmKernelOptions): Kernels {
  if (name === 'js') return jsKernels;
  const result = load();
  if ('module' in result) return createWasmKernels(result.module, options);
  if (name === 'wasm') throw new WasmUnavailableError(`The wasm backend cannot run: ${result.error}.`);
  return jsKernels;
}
