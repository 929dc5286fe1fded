/**
 * How a run was computed (kernels and threads), as opposed to what it learns: shown apart from
 * the hyperparameters, since neither changes the maths beyond float rounding.
 */
import type { KernelBackend, RunSummary } from '@core/lab/contract';

export const KERNELS_EXPLAINER =
  'Kernels are the small routines that do the heavy arithmetic of training: the matrix products of the forward and backward passes. ' +
  'wasm SIMD is the fast backend: WebAssembly that works on four numbers per instruction. ' +
  'js is the same maths in plain TypeScript, slower; the lab falls back to it when WebAssembly SIMD cannot run. ' +
  'Threads: how many threads share out each batch and compute its gradients at the same time (1 = the run’s own worker alone).';

export function kernelsLabel(backend: KernelBackend | undefined): string | null {
  return backend === 'wasm' ? 'wasm SIMD' : (backend ?? null);
}

/** The explainer, led by why this run fell back to js when it did. */
export function kernelsTitle(backendNote: string | undefined): string {
  return backendNote ? `Running js: ${backendNote}.\n\n${KERNELS_EXPLAINER}` : KERNELS_EXPLAINER;
}

export const threadsLabel = (threads: number): string => `${threads} ${threads === 1 ? 'thread' : 'threads'}`;

type ComputeRun = Pick<RunSummary, 'backend' | 'threads' | 'threadsSetting'>;

/** "wasm SIMD · 2 threads", or null for a run whose worker has not said yet. */
export function computeLine(run: ComputeRun): string | null {
  const parts = [kernelsLabel(run.backend), run.threads ? threadsLabel(run.threads) : null].filter((p): p is string => p !== null);
  return parts.length ? parts.join(' · ') : null;
}

export interface ComputeField {
  key: 'kernels' | 'threads';
  label: string;
  value: string;
}

/** Kernels and threads as comparable strings; "—" before the worker has started. */
export function describeCompute(run: ComputeRun): ComputeField[] {
  const setting = run.threadsSetting === undefined || run.threadsSetting === 'auto' ? 'Auto' : 'set';
  return [
    { key: 'kernels', label: 'Kernels', value: kernelsLabel(run.backend) ?? '—' },
    { key: 'threads', label: 'Threads', value: run.threads ? `${run.threads} (${setting})` : '—' },
  ];
}

/** Each compute fact of `run`, with the different values `others` have (none when they agree). */
export function diffCompute(run: ComputeRun, others: ComputeRun[]): (ComputeField & { others: string[] })[] {
  const theirs = others.map(describeCompute);
  return describeCompute(run).map((field, i) => ({
    ...field,
    others: [...new Set(theirs.map((f) => f[i]!.value).filter((v) => v !== field.value))],
  }));
}
