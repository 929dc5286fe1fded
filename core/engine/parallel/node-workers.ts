/**
 * Node-only: the default worker factory for the CLI and the benchmark. Under tsx (the .ts source)
 * Node 20 cannot start a .ts file as a Worker, so a small eval'd script registers tsx's loader in
 * the thread and then imports the entry; from built .js it starts the entry directly.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ParallelWorkerFactory } from './protocol';

const ENTRY = new URL(`./worker-entry${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

/** The ESM build of tsx's API (require.resolve would give the CJS one). */
function tsxEsmApi(): string {
  const packageJson = createRequire(import.meta.url).resolve('tsx/package.json');
  const exports = JSON.parse(readFileSync(packageJson, 'utf8')).exports['./esm/api'];
  return pathToFileURL(join(dirname(packageJson), exports.import.default)).href;
}

export function nodeWorkerFactory(entry: URL = ENTRY): ParallelWorkerFactory {
  if (!entry.pathname.endsWith('.ts')) return (workerData) => new Worker(entry, { workerData });
  const source = `
    import(${JSON.stringify(tsxEsmApi())})
      .then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); })
      .catch((error) => { setImmediate(() => { throw error; }); });
  `;
  return (workerData) => new Worker(source, { eval: true, workerData });
}
