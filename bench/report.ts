/** The benchmark's results as one JSON-ready object, and the table printed from it. */
import os from 'node:os';
import { shardCount } from '../core/engine/parallel/layout';
import { DEFAULT_MIN_SHARD_ROWS, DEFAULT_SHARDS } from '../core/engine/parallel/policy';
import type { Measurement, TfjsLoop } from './measurement';
import { type BenchNetwork, flopsPerSample, weightCount } from './networks';
import type { WasmPeak } from './job';
import type { BlasInfo, PeerInfo } from './peers';
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
  /** Each engine's median run (by samples/s) over the repeats. */
  fathom?: Measurement;
  /** Fathom on its WebAssembly SIMD kernels. */
  fathomWasm?: Measurement;
  tfjs?: Measurement;
  /** numpy + OpenBLAS at the better (by median samples/s) of 1 and 2 BLAS threads, and that count. */
  numpy?: Measurement;
  numpyThreads?: number;
  /** PyTorch on CPU, one thread. */
  torch?: Measurement;
  /** Fathom-wasm samples/s ÷ the peer's, wall clock and per CPU second. */
  wasmNumpy?: number;
  wasmNumpyCpu?: number;
  wasmTorch?: number;
  wasmTorchCpu?: number;
  /** Fathom-wasm's dense-equivalent GFLOP/s as a share of this machine's sgemm peak and of wasm's own peak. */
  sgemmShare?: number;
  wasmPeakShare?: number;
  /** Spread of each engine's samples/s over the repeats: (max − min) / median. */
  noise: Partial<Record<string, number>>;
  /** Fathom samples/s ÷ TF.js samples/s (wall clock). */
  ratio?: number;
  /** The same ratio from samples per CPU second: steadier when other processes load the machine. */
  cpuRatio?: number;
  /** Dense-equivalent GFLOP/s: 6 × multiply-adds per sample (a convolution's at every output position) × samples/s. */
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
  /** This machine's float32 product peak through numpy + OpenBLAS, one thread; absent without numpy. */
  sgemmPeak?: { gflops: number; blas: BlasInfo };
  /** Fathom's wasm kernels' own peak (a 256² product). */
  wasmPeak?: WasmPeak;
  /** Versions and BLAS of the peers, and why a peer was skipped. */
  peers: { numpy?: PeerInfo; torch?: PeerInfo; skipped: string[] };
  /** Two Fathom-wasm runs training at once, each against this run's solo median. */
  concurrent?: ConcurrentRow[];
  /** Peak RSS of a command-line MNIST training run. */
  cliMemory?: { peakRss: number; args: string[] };
}

export interface ConcurrentRow {
  network: string;
  solo: number;
  together: [number, number];
  /** together ÷ solo, each run. */
  kept: [number, number];
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

export interface RowRuns {
  fathom?: Measurement[];
  fathomWasm?: Measurement[];
  tfjs?: Measurement[];
  /** numpy's runs by BLAS thread count. */
  numpy?: Map<number, Measurement[]>;
  torch?: Measurement[];
}

/** The run of median samples/s (the lower middle one for an even count). */
export function medianRun(runs: Measurement[] | undefined): Measurement | undefined {
  if (!runs?.length) return undefined;
  const sorted = [...runs].sort((a, b) => a.samplesPerSecond - b.samplesPerSecond);
  return sorted[(sorted.length - 1) >> 1];
}

function spread(runs: Measurement[] | undefined): number | undefined {
  if (!runs || runs.length < 2) return undefined;
  const speeds = runs.map((m) => m.samplesPerSecond);
  return (Math.max(...speeds) - Math.min(...speeds)) / median(speeds);
}

export function makeRow(bench: BenchNetwork, runs: RowRuns, peaks: { sgemm?: number; wasm?: number } = {}): Row {
  const fathom = medianRun(runs.fathom);
  const fathomWasm = medianRun(runs.fathomWasm);
  const tfjs = medianRun(runs.tfjs);
  const torch = medianRun(runs.torch);
  let numpy: Measurement | undefined;
  let numpyThreads: number | undefined;
  for (const [threads, list] of runs.numpy ?? []) {
    const m = medianRun(list);
    if (m && (!numpy || m.samplesPerSecond > numpy.samplesPerSecond)) [numpy, numpyThreads] = [m, threads];
  }
  const flops = flopsPerSample(bench.spec);
  const gflops = (m?: Measurement) => (m ? (m.samplesPerSecond * flops) / 1e9 : undefined);
  const over = (m: Measurement | undefined, peer: Measurement | undefined, cpu = false) => {
    if (!m || !peer) return undefined;
    const [a, b] = cpu ? [m.samplesPerCpuSecond, peer.samplesPerCpuSecond] : [m.samplesPerSecond, peer.samplesPerSecond];
    return b > 0 ? a / b : undefined;
  };
  const wasmGflops = gflops(fathomWasm);
  const noise: Row['noise'] = {};
  const spreads: [string, Measurement[] | undefined][] = [
    ['wasm', runs.fathomWasm],
    ['js', runs.fathom],
    ['numpy', numpyThreads !== undefined ? runs.numpy?.get(numpyThreads) : undefined],
    ['torch', runs.torch],
  ];
  for (const [name, list] of spreads) {
    const x = spread(list);
    if (x !== undefined) noise[name] = x;
  }
  return {
    network: bench.id,
    label: bench.label,
    batchSize: bench.settings.batchSize,
    weights: weightCount(bench.spec),
    fathom,
    fathomWasm,
    tfjs,
    numpy,
    numpyThreads,
    torch,
    ratio: over(fathom, tfjs),
    cpuRatio: over(fathom, tfjs, true),
    fathomGflops: gflops(fathom),
    tfjsGflops: gflops(tfjs),
    wasmRatio: over(fathomWasm, tfjs),
    wasmCpuRatio: over(fathomWasm, tfjs, true),
    wasmGflops,
    wasmNumpy: over(fathomWasm, numpy),
    wasmNumpyCpu: over(fathomWasm, numpy, true),
    wasmTorch: over(fathomWasm, torch),
    wasmTorchCpu: over(fathomWasm, torch, true),
    sgemmShare: wasmGflops !== undefined && peaks.sgemm ? wasmGflops / peaks.sgemm : undefined,
    wasmPeakShare: wasmGflops !== undefined && peaks.wasm ? wasmGflops / peaks.wasm : undefined,
    noise,
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

const pct = (x?: number) => (x === undefined ? DASH : `${(x * 100).toFixed(x < 0.1 ? 1 : 0)} %`);

function describePeers(report: BenchReport): string[] {
  const { numpy, torch, skipped } = report.peers;
  const lines: string[] = [];
  if (numpy) {
    const blas = numpy.blas;
    lines.push(
      `numpy ${numpy.version} on ${blas?.config ?? blas?.library ?? 'an unknown BLAS'}${blas?.core ? ` (kernels: ${blas.core})` : ''}; the better of 1 and 2 BLAS threads per network (OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset for it)`,
    );
  }
  if (torch) lines.push(`PyTorch ${torch.version} on CPU, ${torch.threads} thread`);
  for (const why of skipped) lines.push(`skipped: ${why}`);
  if (report.sgemmPeak) lines.push(`This machine's sgemm peak (numpy, 1024², one thread): ${report.sgemmPeak.gflops.toFixed(0)} GFLOP/s`);
  if (report.wasmPeak)
    lines.push(
      `Wasm's own peak (Fathom's ${report.wasmPeak.kernels} kernels, 256² products): ${report.wasmPeak.gflops.toFixed(1)} GFLOP/s`,
    );
  return lines;
}

function peersTable(report: BenchReport): string[] {
  const rows = report.rows.filter((r) => r.fathomWasm);
  if (!rows.length) return [];
  const header = [
    'network',
    'batch',
    'wasm/s',
    'numpy/s',
    'torch/s',
    'wasm/numpy',
    'wasm/torch',
    'CPU: w/np',
    'CPU: w/torch',
    'GFLOP/s',
    'of sgemm',
    'of wasm peak',
  ];
  const body = rows.map((r) => [
    r.network,
    String(r.batchSize),
    int(r.fathomWasm?.samplesPerSecond),
    r.numpy ? `${int(r.numpy.samplesPerSecond)} (${r.numpyThreads} thr)` : DASH,
    int(r.torch?.samplesPerSecond),
    times(r.wasmNumpy),
    times(r.wasmTorch),
    times(r.wasmNumpyCpu),
    times(r.wasmTorchCpu),
    fixed(1, r.wasmGflops),
    pct(r.sgemmShare),
    pct(r.wasmPeakShare),
  ]);
  return ['', 'Fathom-wasm against the peers (same networks, losses, optimisers and batch sizes):', table(header, body)];
}

function memoryTable(report: BenchReport): string[] {
  const header = ['network', 'wasm', 'js', 'TF.js', 'numpy', 'torch', 'noise (max−min)/median of /s'];
  const body = report.rows.map((r) => [
    r.network,
    mb(r.fathomWasm),
    mb(r.fathom),
    mb(r.tfjs),
    mb(r.numpy),
    mb(r.torch),
    Object.entries(r.noise)
      .map(([name, x]) => `${name} ${pct(x)}`)
      .join(', ') || DASH,
  ]);
  const lines = [
    '',
    'Peak RSS of each measuring process (dataset and runtime included), and the spread of the repeats:',
    table(header, body),
  ];
  if (report.cliMemory)
    lines.push(
      `Command-line MNIST training run (fathom-train ${report.cliMemory.args.join(' ')}): peak RSS ${mb2(report.cliMemory.peakRss)}`,
    );
  return lines;
}

function concurrentTable(report: BenchReport): string[] {
  if (!report.concurrent?.length) return [];
  const header = ['network', 'solo/s', 'run A/s', 'run B/s', 'A kept', 'B kept'];
  const body = report.concurrent.map((c) => [
    c.network,
    int(c.solo),
    int(c.together[0]),
    int(c.together[1]),
    pct(c.kept[0]),
    pct(c.kept[1]),
  ]);
  return ['', 'Two Fathom-wasm runs training at once (as the app allows), each against the solo median of this run:', table(header, body)];
}

const mb2 = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MB`;

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
  ]);
  const header = ['network', 'js/s', 'wasm/s', 'TF.js-wasm/s', 'js/TF.js', 'wasm/TF.js', 'GFLOP/s', 'js CPU ratio', 'wasm CPU ratio'];
  return [
    `Training throughput, ${span}, min-max scaled to [0, 1]; median of ${report.repeat} interleaved repeat${report.repeat === 1 ? '' : 's'}`,
    `Machine: ${m.cpu}, ${m.cores} cores, Node ${m.node}, ${m.platform}; load average ${m.loadAverage.start.toFixed(2)} → ${m.loadAverage.end.toFixed(2)}`,
    describeWasm(report.wasm, report.tfjsLoop),
    ...describePeers(report),
    report.workers[0]! > 1
      ? `Fathom (js and wasm) trains data-parallel over ${report.workers[0]} threads (core/engine/parallel); TF.js stays on one.`
      : 'Fathom trains on one thread.',
    `Fathom's kernels: ${[...new Set(report.rows.flatMap((r) => [r.fathomWasm?.kernels, r.fathom?.kernels]).filter((k) => k))].join(', ') || '—'}`,
    '',
    table(header, body),
    ...peersTable(report),
    ...memoryTable(report),
    ...concurrentTable(report),
    ...parallelTable(report),
    '',
    ...report.rows.map((r) => `  ${r.network}: ${r.label}`),
    '',
    'js = Fathom on its plain-TypeScript kernels, wasm = Fathom on its WebAssembly SIMD kernels; ratios are to TF.js-wasm unless named.',
    '/s = training samples per wall-clock second; CPU ratio = the same ratio per CPU second of each measuring process (it ignores',
    'time spent waiting for a core: trust it over /s when the load average is high; numpy with 2 BLAS threads counts both).',
    `Timed: training steps only (each engine's per-batch update loop), after ${report.warmUp.toLocaleString('en')} untimed warm-up samples on a separate model.`,
    "Each measurement runs in its own process; the order of the engines rotates per network and repeat. Peak RSS is that process's.",
    'GFLOP/s = 6 × multiply-adds per sample × samples/s (weights; × output positions for a convolution; dense-equivalent, wall clock); Fathom skips zero inputs, so it executes fewer.',
  ].join('\n');
}
