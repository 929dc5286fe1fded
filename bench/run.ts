/**
 * `npm run bench`: Fathom's engine against TensorFlow.js (wasm backend) and the peers outside
 * JavaScript (numpy + OpenBLAS, PyTorch on CPU) on the four reference networks, same data, side by
 * side in one run, interleaved and repeated. See USAGE in args.ts for the flags.
 */
import os from 'node:os';
import { FULL_EPOCH, parseBenchArgs, USAGE } from './args';
import { measureCliMemory } from './cli-memory';
import { BenchError } from './errors';
import { runJob, runWasmPeak } from './job';
import type { Engine, Measurement } from './measurement';
import { type BenchNetwork, isConvolutional } from './networks';
import { measurePeer, measureSgemmPeak, type Peer, peersUnavailable } from './peers';
import {
  type BenchReport,
  type ConcurrentRow,
  describeMachine,
  formatReport,
  makeParallelRow,
  makeRow,
  medianRun,
  type ParallelRow,
  type Row,
  type RowRuns,
} from './report';
import { formatStartup, measureStartup } from './startup';
import type { WasmInfo } from './tfjs-wasm';
import type { BenchOptions } from './args';

function progress(text: string): void {
  process.stderr.write(`${text}\n`);
}

const report1 = (what: string, m: Measurement, started: number) =>
  progress(
    `${what} ${Math.round(m.samplesPerSecond)} samples/s, ${Math.round(m.samplesPerCpuSecond)} per CPU-s (${m.seconds.toFixed(1)} s timed, ${((performance.now() - started) / 1000).toFixed(1)} s total)`,
  );

interface PeerState {
  info: BenchReport['peers'];
  /** Peers found missing: not tried again. */
  missing: Set<Peer>;
}

/** One measurement of a peer, or undefined when it cannot run (noted once in state). */
async function peerRun(peer: Peer, bench: BenchNetwork, options: BenchOptions, threads: number, state: PeerState) {
  if (state.missing.has(peer)) return undefined;
  if (peer === 'numpy' && isConvolutional(bench.spec)) {
    const note = `numpy: not run on ${bench.id} (mlp.py's numpy peer is fully connected only; PyTorch is the CNN's peer)`;
    if (!state.info.skipped.includes(note)) state.info.skipped.push(note);
    return undefined;
  }
  const started = performance.now();
  const what = `${bench.id}: ${peer} × ${threads} thread${threads === 1 ? '' : 's'}`;
  progress(`${what} …`);
  const result = await measurePeer(peer, bench, options.samples, options.warmUp, threads);
  if ('missing' in result) {
    state.missing.add(peer);
    state.info.skipped.push(`${peer}: /usr/bin/python3 lacks it (${result.missing})`);
    return undefined;
  }
  state.info[peer] ??= result.info;
  report1(what, result.measurement, started);
  return result.measurement;
}

async function fathomRun(engine: Engine, bench: BenchNetwork, options: BenchOptions, count: number) {
  const started = performance.now();
  const what = `${bench.id}: ${engine}${engine === 'tfjs' ? '' : ` × ${count} thread${count === 1 ? '' : 's'}`}`;
  progress(`${what} …`);
  const result = await runJob({
    engine,
    network: bench.id,
    samples: options.samples,
    warmUp: options.warmUp,
    loop: options.loop,
    simd: options.simd,
    workers: count,
    fma: options.fma,
    fused: options.fused,
  });
  report1(what, result.measurement, started);
  return result;
}

/** Two Fathom-wasm runs at once on `bench`, against `solo` samples/s. */
async function concurrent(bench: BenchNetwork, options: BenchOptions, solo: number): Promise<ConcurrentRow> {
  progress(`${bench.id}: two fathom-wasm runs at once …`);
  const [a, b] = await Promise.all([fathomRun('fathom-wasm', bench, options, 1), fathomRun('fathom-wasm', bench, options, 1)]);
  const together: [number, number] = [a.measurement.samplesPerSecond, b.measurement.samplesPerSecond];
  return { network: bench.id, solo, together, kept: [together[0] / solo, together[1] / solo] };
}

async function main(): Promise<void> {
  const options = parseBenchArgs(process.argv.slice(2));
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (options.startup) {
    const report = await measureStartup({ coldRuns: 3, warmRuns: options.repeat, progress });
    process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatStartup(report)}\n`);
    return;
  }
  const loadAtStart = os.loadavg()[0]!;
  const rows: Row[] = [];
  const parallel: ParallelRow[] = [];
  const concurrentRows: ConcurrentRow[] = [];
  let wasm: WasmInfo | undefined;
  const { workers, repeat, engines: all } = options;
  const state: PeerState = { info: { skipped: [] }, missing: new Set() };
  const python = peersUnavailable();
  let engines = all;
  if (python && all.some((e) => e === 'numpy' || e === 'torch')) {
    state.info.skipped.push(`numpy and torch: ${python}`);
    engines = all.filter((e) => e !== 'numpy' && e !== 'torch');
  }
  progress('peaks: sgemm through numpy, wasm through Fathom’s kernels …');
  const sgemmPeak = engines.includes('numpy') ? await measureSgemmPeak() : undefined;
  const wasmPeak = engines.includes('fathom-wasm') ? await runWasmPeak(options.fma) : undefined;
  for (const [n, bench] of options.networks.entries()) {
    const runs: RowRuns = {};
    // Fathom at every thread count per repeat, back to back, so their ratio sees the same load.
    const threadRuns: Partial<Record<Engine, Measurement[][]>> = {};
    for (let r = 0; r < repeat; r++) {
      // Rotate which engine goes first, so a slow drift in machine load hits all alike.
      const shift = (n + r) % engines.length;
      const order: Engine[] = [...engines.slice(shift), ...engines.slice(0, shift)];
      for (const engine of order) {
        // TF.js is the slowest by far and not a target: once per network.
        if (engine === 'tfjs' && r > 0) continue;
        if (engine === 'numpy' || engine === 'torch') {
          for (const threads of engine === 'numpy' ? (r % 2 ? [2, 1] : [1, 2]) : [1]) {
            const m = await peerRun(engine, bench, options, threads, state);
            if (!m) break;
            if (engine === 'torch') (runs.torch ??= []).push(m);
            else {
              runs.numpy ??= new Map();
              runs.numpy.set(threads, [...(runs.numpy.get(threads) ?? []), m]);
            }
          }
          continue;
        }
        const counts = engine === 'tfjs' ? [1] : r % 2 ? [...workers].reverse() : workers;
        const measured: Measurement[] = [];
        for (const count of counts) {
          const result = await fathomRun(engine, bench, options, count);
          wasm ??= result.wasm;
          measured[engine === 'tfjs' ? 0 : workers.indexOf(count)] = result.measurement;
        }
        (threadRuns[engine] ??= []).push(measured);
      }
    }
    const firstCount = (engine: Engine) => threadRuns[engine]?.map((run) => run[0]!);
    const fathom = firstCount('fathom');
    const fathomWasm = firstCount('fathom-wasm');
    const tfjs = firstCount('tfjs');
    if (fathom) runs.fathom = fathom;
    if (fathomWasm) runs.fathomWasm = fathomWasm;
    if (tfjs) runs.tfjs = tfjs;
    rows.push(makeRow(bench, runs, { sgemm: sgemmPeak?.gflops, wasm: wasmPeak?.gflops }));
    if (workers.length > 1) {
      if (threadRuns.fathom) parallel.push(makeParallelRow(bench, 'js', threadRuns.fathom, workers));
      if (threadRuns['fathom-wasm']) parallel.push(makeParallelRow(bench, 'wasm', threadRuns['fathom-wasm'], workers));
    }
    const solo = medianRun(runs.fathomWasm);
    const concurrentNet = bench.id === '784-100-10' || (bench.settings.batchSize >= 64 && !isConvolutional(bench.spec));
    if (options.concurrent && solo && workers[0] === 1 && concurrentNet)
      concurrentRows.push(await concurrent(bench, options, solo.samplesPerSecond));
  }
  const cliMemory = options.cliMemory && engines.includes('fathom-wasm') ? await measureCliMemory() : undefined;
  const report: BenchReport = {
    machine: describeMachine(loadAtStart),
    samples: options.samples,
    fullEpoch: options.samples === FULL_EPOCH,
    warmUp: options.warmUp,
    tfjsLoop: options.loop,
    workers,
    repeat,
    ...(parallel.length ? { parallel } : {}),
    wasm,
    rows,
    peers: state.info,
    ...(sgemmPeak ? { sgemmPeak } : {}),
    ...(wasmPeak ? { wasmPeak } : {}),
    ...(concurrentRows.length ? { concurrent: concurrentRows } : {}),
    ...(cliMemory ? { cliMemory } : {}),
  };
  process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof BenchError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
