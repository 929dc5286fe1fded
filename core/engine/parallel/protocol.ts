/** What the coordinator hands each worker thread at start (structured-cloned; the buffer is shared). */
import type { NetworkSpec } from '../spec';
import type { LayoutSizes } from './layout';

export interface ParallelWorkerData {
  spec: NetworkSpec;
  /** Kernels backend of the workers ('js' or 'wasm'): the coordinator's, so every shard computes alike. */
  backend: 'js' | 'wasm';
  buffer: SharedArrayBuffer;
  layout: LayoutSizes;
  index: number;
  workers: number;
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
