/**
 * Starts TensorFlow.js on its WebAssembly backend from the files npm installed (no network), and
 * reports which of the three binaries it actually loaded. In Node, tfjs-backend-wasm 4.x reports
 * no multithread support (tensorflow/tfjs#3830), so the variant is the SIMD or the plain build,
 * single-threaded.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { BenchError } from './errors';

export interface WasmInfo {
  tfjsVersion: string;
  /** The .wasm file the backend read, e.g. 'tfjs-backend-wasm-simd.wasm'; 'unknown' if none was seen. */
  binary: string;
  simd: boolean;
  threads: number;
  /** What tfjs itself detected. */
  simdSupported: boolean;
  multithreadSupported: boolean;
}

/** The folder holding the three .wasm binaries of the installed @tensorflow/tfjs-backend-wasm. */
function wasmFolder(): string {
  const main = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm');
  return dirname(main);
}

/**
 * Runs `action` while noting every .wasm path read through fs.readFileSync, which is how the
 * Emscripten loader of tfjs-backend-wasm reads its binary in Node. The original is restored after.
 */
async function recordWasmReads<T>(action: () => Promise<T>): Promise<{ result: T; files: string[] }> {
  const files: string[] = [];
  const target = fs as { readFileSync: typeof fs.readFileSync };
  const original = target.readFileSync;
  target.readFileSync = function (this: unknown, ...args: Parameters<typeof fs.readFileSync>) {
    const path = args[0];
    if ((typeof path === 'string' || path instanceof URL) && String(path).endsWith('.wasm')) files.push(String(path));
    return Reflect.apply(original, this, args) as ReturnType<typeof fs.readFileSync>;
  } as typeof fs.readFileSync;
  try {
    return { result: await action(), files };
  } finally {
    target.readFileSync = original;
  }
}

/** Switches TF.js to the wasm backend. `simd: false` forces the plain binary, for comparison. */
export async function startWasmBackend(simd: boolean): Promise<WasmInfo> {
  setWasmPaths(`${pathToFileURL(wasmFolder()).href}/`);
  if (!simd) tf.env().set('WASM_HAS_SIMD_SUPPORT', false);
  const { result: ok, files } = await recordWasmReads(async () => {
    const switched = await tf.setBackend('wasm');
    await tf.ready();
    return switched;
  });
  if (!ok || tf.getBackend() !== 'wasm') throw new BenchError(`TF.js could not start its wasm backend (backend is '${tf.getBackend()}').`);
  const simdSupported = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  const multithreadSupported = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
  const binary = files.length > 0 ? basename(new URL(files.at(-1)!, 'file:///').pathname) : 'unknown';
  return {
    tfjsVersion: tf.version.tfjs,
    binary,
    simd: binary === 'unknown' ? simdSupported : binary.includes('simd'),
    threads: getThreadsCount(),
    simdSupported,
    multithreadSupported,
  };
}
