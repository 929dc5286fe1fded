/** What the coordinator hands each worker thread at start (structured-cloned; the memory is shared). */
import type { NetworkSpec } from '../spec';
import type { WasmMemory, WasmModule } from '../wasm/wasm-api';
import type { LayoutSizes } from './layout';

export interface ParallelWorkerData {
  spec: NetworkSpec;
  /** Kernels backend of the workers ('js' or 'wasm'): the coordinator's, so every shard computes alike. */
  backend: 'js' | 'wasm';
  /** The buffer the layout is carved from (with wasm: the shared memory's buffer). */
  buffer: SharedArrayBuffer;
  layout: LayoutSizes;
  /** Byte offset of the layout in `buffer`. */
  layoutAt: number;
  /** wasm only: the compiled kernels, the run's shared memory and this thread's private region of it. */
  wasm?: { module: WasmModule; memory: WasmMemory; region: { start: number; end: number }; scratchShare: number };
  /** This thread's number (1…threads−1; the coordinator is 0) and the number of threads in all. */
  index: number;
  threads: number;
  /** Polls of the control block before sleeping in Atomics.wait (cuts wake-up latency). */
  spin: number;
}

/** The part of a Node Worker the coordinator uses, so core code never imports worker_threads. */
export interface ParallelWorker {
  on(event: 'message', listener: (message: unknown) => void): unknown;
  off(event: 'message', listener: (message: unknown) => void): unknown;
  once(event: 'error', listener: (error: Error) => void): unknown;
  once(event: 'exit', listener: (code: number) => void): unknown;
  terminate(): Promise<number>;
}

export type ParallelWorkerFactory = (data: ParallelWorkerData) => ParallelWorker;
