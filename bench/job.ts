/**
 * One measurement = one child process, so each engine's peak RSS is its own (TF.js's wasm heap
 * never shrinks) and neither engine's garbage or JIT state leaks into the other's timing.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BenchError } from './errors';
import type { Engine, Measurement, TfjsLoop } from './measurement';
import type { WasmInfo } from './tfjs-wasm';

export interface Job {
  engine: Engine;
  network: string;
  /** Training samples in the timed epoch (60,000 = all of MNIST's training set). */
  samples: number;
  /** Samples trained untimed first, on a separate model. */
  warmUp: number;
  loop: TfjsLoop;
  simd: boolean;
  /** Worker threads for Fathom (1 = single-thread Trainer). */
  workers: number;
}

export type JobResult = { ok: true; measurement: Measurement; wasm?: WasmInfo } | { ok: false; error: string };

const CHILD = fileURLToPath(new URL('./measure.ts', import.meta.url));

/** Runs the job in a fresh Node process (through tsx) and resolves with its measurement. */
export function runJob(job: Job): Promise<{ measurement: Measurement; wasm?: WasmInfo }> {
  return new Promise((resolve, reject) => {
    // The child's stdout goes to our stderr, so `--json` output stays machine-readable.
    const child = fork(CHILD, [JSON.stringify(job)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 2, 2, 'ipc'] });
    let result: JobResult | undefined;
    child.on('message', (message) => {
      result = message as JobResult;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (result?.ok) resolve({ measurement: result.measurement, wasm: result.wasm });
      else {
        const why = result && !result.ok ? result.error : `exited with ${signal ?? `code ${code}`} and no result`;
        reject(new BenchError(`${job.engine} on ${job.network}: ${why}`));
      }
    });
  });
}
