/** The benchmark's results as one JSON-ready object, and the table printed from it. */
import os from 'node:os';
import { shardCount } from '../core/engine/parallel/layout';
import { DEFAULT_MIN_SHARD_ROWS, DEFAULT_SHARDS } from '../core/engine/parallel/policy';
import type { Measurement, TfjsLoop } from './measurement';
import { type BenchNetwork, flopsPerSample, weightCount } from './networks';
import type { WasmInfo } from './tfjs-wasm';

export interface Machine {
  cpu: string;
  cores: number;
  node: string;
  platform: string;
  /** 1-minute load average when the run started and when it ended (other processes share the CPU). */
  loadAverage: { start: number; end: number };
}

export interface Row {
  network: string;
  label: string;
  batchSize: number;
  weights: number;
  fathom?: Measurement;
  /** Fathom on its WebAssembly SIMD kernels. */
  fathomWasm?: Measurement;
  tfjs?: Measurement;
  /** Fathom samples/s ÷ TF.js samples/s (wall clock). */
  ratio?: number;
  /** The same ratio from samples per CPU second: steadier when other processes load the machine. */
  cpuRatio?: number;
  /** Dense-equivalent GFLOP/s: 6 × weights × samples/s. */
  fathomGflops?: number;
  tfjsGflops?: number;
  /** Fathom-wasm samples/s ÷ TF.js samples/s, wall clock and per CPU second. */
  wasmRatio?: number;
  wasmCpuRatio?: number;
  wasmGflops?: number;
}

export interface BenchReport {
  machine: Machine;
  samples: number;
  fullEpoch: boolean;
  warmUp: number;
  tfjsLoop: TfjsLoop;
  repeat: number;
  /** Thread counts Fathom trained with (1 = its single-thread Trainer); the main table shows the first. */
  workers: number[];
  /** Each network and Fathom backend at every thread count, when more than one was asked for. */
  parallel?: ParallelRow[];
  wasm?: WasmInfo;
  rows: Row[];
}

export interface ParallelRow {
  network: string;
  batchSize: number;
  backend: 'js' | 'wasm';
  /** Median samples/s per thread count, in the order of BenchReport.workers. */
  samplesPerSecond: number[];
  /** Median over the repeats of (samples/s at that count ÷ samples/s at the first), each pair measured back to back. */
  ratio: number[];
  /**
   * Estimated speed-up on an otherwise idle machine: threads × (samples per CPU-second at that
   * count ÷ at the first), median over repeats. Under load a process with more threads gets a
   * bigger share of the cores, so the wall-clock ratio overstates; this one counts the CPU each
   * thread spent (spinning and hand-off included) and assumes each gets a core of its own.
   */
  idleEstimate: number[];
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** A ParallelRow from runs[r][w] = the measurement of repeat r at the w-th thread count. */
export function makeParallelRow(bench: BenchNetwork, backend: 'js' | 'wasm', runs: Measurement[][], workers: number[]): ParallelRow {
  const counts = runs[0]!.length;
  const perCount = (w: number) => runs.map((run) => run[w]!.samplesPerSecond);
  return {
    network: bench.id,
    batchSize: bench.settings.batchSize,
    backend,
    samplesPerSecond: Array.from({ length: counts }, (_, w) => median(perCount(w))),
    ratio: Array.from({ length: counts }, (_, w) => median(runs.map((run) => run[w]!.samplesPerSecond / run[0]!.samplesPerSecond))),
    // A one-shard batch leaves the extra threads asleep: CPU time then says nothing about them.
    idleEstimate: Array.from({ length: counts }, (_, w) =>
      shardCount(bench.settings.batchSize, DEFAULT_SHARDS, DEFAULT_MIN_SHARD_ROWS) < 2
        ? NaN
        : median(runs.map((run) => (workers[w]! / workers[0]!) * (run[w]!.samplesPerCpuSecond / run[0]!.samplesPerCpuSecond))),
    ),
  };
}

function parallelTable(report: BenchReport): string[] {
  if (!report.parallel?.length) return [];
  const w = report.workers;
  const header = [
    'network',
    'batch',
    'kernels',
    ...w.map((n) => `${n} thr /s`),
    ...w.slice(1).map((n) => `${n}/${w[0]}`),
    ...w.slice(1).map((n) => `${n}/${w[0]} idle est.`),
  ];
  const body = report.parallel.map((r) => [
    r.network,
    String(r.batchSize),
    r.backend,
    ...r.samplesPerSecond.map((x) => int(x)),
    ...r.ratio.slice(1).map((x) => times(x)),
    ...r.idleEstimate.slice(1).map((x) => (Number.isNaN(x) ? '— (1 shard)' : times(x))),
  ]);
  return [
    '',
    `Threads side by side (wall clock; median of ${report.repeat} interleaved repeat${report.repeat === 1 ? '' : 's'}; ratio = median of paired ratios):`,
    table(header, body),
    `1 thread = the single-thread Trainer; N > 1 = ParallelTrainer (the coordinator + N − 1 workers).`,
    'idle est. = N × (samples per CPU-s at N ÷ at 1): the speed-up to expect when each thread has a core to itself (an upper',
    'bound: time a thread sleeps is not counted). Under load the wall-clock ratio is unreliable both ways: a process with more',
    'threads gets a bigger share of a busy machine, but waits whenever one of its threads is descheduled.',
  ];
}

export function describeMachine(loadAtStart: number): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverage: { start: loadAtStart, end: os.loadavg()[0]! },
  };
}

export function makeRow(bench: BenchNetwork, fathom?: Measurement, tfjs?: Measurement, fathomWasm?: Measurement): Row {
  const flops = flopsPerSample(bench.spec);
  const gflops = (m?: Measurement) => (m ? (m.samplesPerSecond * flops) / 1e9 : undefined);
  const ratio = (m?: Measurement) => (m && tfjs && tfjs.samplesPerSecond > 0 ? m.samplesPerSecond / tfjs.samplesPerSecond : undefined);
  const cpuRatio = (m?: Measurement) =>
    m && tfjs && tfjs.samplesPerCpuSecond > 0 ? m.samplesPerCpuSecond / tfjs.samplesPerCpuSecond : undefined;
  return {
    network: bench.id,
    label: bench.label,
    batchSize: bench.settings.batchSize,
    weights: weightCount(bench.spec),
    fathom,
    fathomWasm,
    tfjs,
    ratio: ratio(fathom),
    cpuRatio: cpuRatio(fathom),
    fathomGflops: gflops(fathom),
    tfjsGflops: gflops(tfjs),
    wasmRatio: ratio(fathomWasm),
    wasmCpuRatio: cpuRatio(fathomWasm),
    wasmGflops: gflops(fathomWasm),
  };
}

const DASH = '—';
const int = (n?: number) => (n === undefined ? DASH : Math.round(n).toLocaleString('en'));
const fixed = (digits: number, n?: number) => (n === undefined ? DASH : n.toFixed(digits));
const times = (n?: number) => (n === undefined ? DASH : `${n.toFixed(2)}×`);
const mb = (m?: Measurement) => (m ? `${Math.round(m.peakRss / 2 ** 20)} MB` : DASH);

export function table(header: string[], body: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

function describeWasm(wasm: WasmInfo | undefined, loop: TfjsLoop): string {
  if (!wasm) return 'TF.js: not measured';
  const how = loop === 'minimize' ? 'variables + optimizer.minimize per batch' : 'model.fit';
  return (
    `TF.js ${wasm.tfjsVersion} wasm backend: ${wasm.binary} (SIMD ${wasm.simd ? 'yes' : 'no'}), ${wasm.threads} thread${wasm.threads === 1 ? '' : 's'}` +
    ` (multithread support detected: ${wasm.multithreadSupported ? 'yes' : 'no'}); loop: ${how}`
  );
}

export function formatReport(report: BenchReport): string {
  const { machine: m } = report;
  const span = report.fullEpoch
    ? `one full epoch of ${report.samples.toLocaleString('en')} MNIST training images`
    : `${report.samples.toLocaleString('en')} MNIST training images per measurement (NOT a full epoch)`;
  const body = report.rows.map((r) => [
    r.network,
    int(r.fathom?.samplesPerSecond),
    int(r.fathomWasm?.samplesPerSecond),
    int(r.tfjs?.samplesPerSecond),
    times(r.ratio),
    times(r.wasmRatio),
    fixed(2, r.wasmGflops ?? r.fathomGflops),
    times(r.cpuRatio),
    times(r.wasmCpuRatio),
    mb(r.fathom),
    mb(r.fathomWasm),
    mb(r.tfjs),
  ]);
  const header = [
    'network',
    'js/s',
    'wasm/s',
    'TF.js-wasm/s',
    'js/TF.js',
    'wasm/TF.js',
    'GFLOP/s',
    'js CPU ratio',
    'wasm CPU ratio',
    'js RSS',
    'wasm RSS',
    'TF.js RSS',
  ];
  return [
    `Training throughput, ${span}, min-max scaled to [0, 1]`,
    `Machine: ${m.cpu}, ${m.cores} cores, Node ${m.node}, ${m.platform}; load average ${m.loadAverage.start.toFixed(2)} → ${m.loadAverage.end.toFixed(2)}`,
    describeWasm(report.wasm, report.tfjsLoop),
    report.workers[0]! > 1
      ? `Fathom (js and wasm) trains data-parallel over ${report.workers[0]} threads (core/engine/parallel); TF.js stays on one.`
      : 'Fathom trains on one thread.',
    '',
    table(header, body),
    ...parallelTable(report),
    '',
    ...report.rows.map((r) => `  ${r.network}: ${r.label}`),
    '',
    'js = Fathom on its plain-TypeScript kernels, wasm = Fathom on its WebAssembly SIMD kernels; ratios are to TF.js-wasm.',
    '/s = training samples per wall-clock second; CPU ratio = the same ratio per CPU second of each measuring process (all',
    'engines use one thread, so it ignores time spent waiting for a core: trust it over /s when the load average is high).',
    `Timed: training steps only (Fathom's Trainer.step loop / TF.js's per-batch update), after ${report.warmUp.toLocaleString('en')} untimed warm-up samples on a separate model.`,
    "Each measurement runs in its own process; the order of the engines rotates per network. Peak RSS is that process's, dataset included.",
    "GFLOP/s = Fathom-wasm's (js's when wasm was not measured) 6 × weights × samples/s (dense-equivalent, wall clock); its kernels skip zero inputs, so it executes fewer.",
  ].join('\n');
}
