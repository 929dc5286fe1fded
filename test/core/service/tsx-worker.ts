/**
 * Worker factories for tests. Node 20 cannot start a .ts file as a Worker, so the worker is a small
 * eval'd script that registers tsx's loader in the worker thread and then imports the TS entry.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { WorkerFactory } from '../../../core/service/lab-service';
import type { TrainWorkerData } from '../../../core/service/worker/protocol';

const TRAIN_WORKER = new URL('../../../core/service/worker/train-worker.ts', import.meta.url);

/** The ESM build of tsx's API, found through tsx's own package.json exports (require.resolve would give the CJS one). */
function tsxEsmApi(): string {
  const packageJson = createRequire(import.meta.url).resolve('tsx/package.json');
  const exports = JSON.parse(readFileSync(packageJson, 'utf8')).exports['./esm/api'];
  return pathToFileURL(join(dirname(packageJson), exports.import.default)).href;
}

/** A factory that starts `entry` (a .ts module URL) in a worker thread with the given workerData; `prelude` is imported first (a test's patch). */
export function tsxWorkerFactory<T>(entry: URL, prelude?: URL): (workerData: T) => Worker {
  const tsxApi = tsxEsmApi();
  const first = prelude ? `.then(() => import(${JSON.stringify(prelude.href)}))` : '';
  const source = `
    import(${JSON.stringify(tsxApi)})
      .then(({ register }) => register())${first}
      .then(() => import(${JSON.stringify(entry.href)}))
      .catch((error) => { setImmediate(() => { throw error; }); });
  `;
  return (workerData) => new Worker(source, { eval: true, workerData });
}

/** The lab's training worker, started through tsx. */
export const trainWorkerFactory: WorkerFactory = tsxWorkerFactory<TrainWorkerData>(TRAIN_WORKER);

/** The lab's training worker with a test's patch module imported first (a trainer that throws, say). */
export function patchedTrainWorkerFactory(prelude: URL): WorkerFactory {
  return tsxWorkerFactory<TrainWorkerData>(TRAIN_WORKER, prelude);
}

/** Wraps a factory so a test can reach the worker of each run (to kill one, say). */
export function recordingFactory(inner: WorkerFactory = trainWorkerFactory): { factory: WorkerFactory; workers: Map<string, Worker> } {
  const workers = new Map<string, Worker>();
  return {
    workers,
    factory: (data) => {
      const worker = inner(data);
      workers.set(data.runId, worker);
      return worker;
    },
  };
}
