/**
 * `npm run bench`: Fathom's engine against TensorFlow.js (wasm backend) on the four reference
 * networks, same data, one run. See USAGE in args.ts for the flags.
 */
import os from 'node:os';
import { FULL_EPOCH, parseBenchArgs, USAGE } from './args';
import { BenchError } from './errors';
import { runJob } from './job';
import type { Engine, Measurement } from './measurement';
import { describeMachine, formatReport, makeParallelRow, makeRow, type BenchReport, type ParallelRow, type Row } from './report';
import { formatStartup, measureStartup } from './startup';
import type { WasmInfo } from './tfjs-wasm';

function progress(text: string): void {
  process.stderr.write(`${text}\n`);
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
  let wasm: WasmInfo | undefined;
  const { workers, repeat } = options;
  for (const [n, bench] of options.networks.entries()) {
    // Rotate which engine goes first, so a slow drift in machine load hits all alike.
    const shift = n % options.engines.length;
    const engines: Engine[] = [...options.engines.slice(shift), ...options.engines.slice(0, shift)];
    // runs[engine][repeat][w]: Fathom at every thread count, back to back, so their ratio sees the same load.
    const runs: Partial<Record<Engine, Measurement[][]>> = {};
    for (let r = 0; r < repeat; r++) {
      for (const engine of engines) {
        if (engine === 'tfjs' && r > 0) continue;
        const counts = engine === 'tfjs' ? [1] : r % 2 ? [...workers].reverse() : workers;
        const measured: Measurement[] = [];
        for (const count of counts) {
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
          });
          wasm ??= result.wasm;
          const m = result.measurement;
          measured[engine === 'tfjs' ? 0 : workers.indexOf(count)] = m;
          progress(
            `${what} ${Math.round(m.samplesPerSecond)} samples/s, ${Math.round(m.samplesPerCpuSecond)} per CPU-s (${m.seconds.toFixed(1)} s timed, ${((performance.now() - started) / 1000).toFixed(1)} s total)`,
          );
        }
        (runs[engine] ??= []).push(measured);
      }
    }
    const first = (engine: Engine) => runs[engine]?.[0]?.[0];
    rows.push(makeRow(bench, first('fathom'), first('tfjs'), first('fathom-wasm')));
    if (workers.length > 1) {
      if (runs.fathom) parallel.push(makeParallelRow(bench, 'js', runs.fathom, workers));
      if (runs['fathom-wasm']) parallel.push(makeParallelRow(bench, 'wasm', runs['fathom-wasm'], workers));
    }
  }
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
  };
  process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof BenchError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
