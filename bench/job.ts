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
  /** Run Fathom in a Node with relaxed SIMD (as Electron has it), so wasm is the FMA build. */
  fma: boolean;
  /** false: Fathom's trainer takes the step-by-step path even where the fused wasm step could run. */
  fused: boolean;
  /** Instead of training: measure the wasm kernels' own peak (wasm-peak.ts). */
  wasmPeak?: boolean;
}

export interface WasmPeak {
  gflops: number;
  kernels: string;
}

export type JobResult =
  { ok: true; measurement: Measurement; wasm?: WasmInfo } | { ok: true; peak: WasmPeak } | { ok: false; error: string };

const CHILD = fileURLToPath(new URL('./measure.ts', import.meta.url));

/** Runs the job in a fresh Node process (through tsx) and resolves with its measurement. */
export function runJob(job: Job): Promise<{ measurement: Measurement; wasm?: WasmInfo }> {
  return runChild(job).then((result) => {
    if ('measurement' in result) return { measurement: result.measurement, wasm: result.wasm };
    throw new BenchError(`${job.engine} on ${job.network}: no measurement`);
  });
}

/** The wasm kernels' own peak GFLOP/s, measured in a fresh process. */
export async function runWasmPeak(fma: boolean): Promise<WasmPeak> {
  const result = await runChild({
    engine: 'fathom-wasm',
    network: '784-30-10',
    samples: 1,
    warmUp: 0,
    loop: 'minimize',
    simd: true,
    workers: 1,
    fma,
    fused: true,
    wasmPeak: true,
  });
  if ('peak' in result) return result.peak;
  throw new BenchError('the wasm peak measurement returned no figure');
}

type Success = Exclude<JobResult, { ok: false }>;

function runChild(job: Job): Promise<Success> {
  return new Promise((resolve, reject) => {
    // The child's stdout goes to our stderr, so `--json` output stays machine-readable.
    const execArgv = ['--import', 'tsx', ...(job.fma ? ['--experimental-wasm-relaxed-simd'] : [])];
    const child = fork(CHILD, [JSON.stringify(job)], { execArgv, stdio: ['ignore', 2, 2, 'ipc'] });
    let result: JobResult | undefined;
    child.on('message', (message) => {
      result = message as JobResult;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (result?.ok) resolve(result);
      else {
        const why = result && !result.ok ? result.error : `exited with ${signal ?? `code ${code}`} and no result`;
        reject(new BenchError(`${job.engine} on ${job.network}: ${why}`));
      }
    });
  });
}
