/**
 * `npm run bench`: Fathom's engine against TensorFlow.js (wasm backend) on the four reference
 * networks, same data, one run. See USAGE in args.ts for the flags.
 */
import os from 'node:os';
import { FULL_EPOCH, parseBenchArgs, USAGE } from './args';
import { BenchError } from './errors';
import { runJob } from './job';
import type { Engine, Measurement } from './measurement';
import { describeMachine, formatReport, makeRow, type BenchReport, type Row } from './report';
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
  const loadAtStart = os.loadavg()[0]!;
  const rows: Row[] = [];
  let wasm: WasmInfo | undefined;
  for (const [n, bench] of options.networks.entries()) {
    // Rotate which engine goes first, so a slow drift in machine load hits all alike.
    const shift = n % options.engines.length;
    const engines: Engine[] = [...options.engines.slice(shift), ...options.engines.slice(0, shift)];
    const results: Partial<Record<Engine, Measurement>> = {};
    for (const engine of engines) {
      const started = performance.now();
      progress(`${bench.id}: ${engine} …`);
      const result = await runJob({ engine, network: bench.id, samples: options.samples, warmUp: options.warmUp, loop: options.loop, simd: options.simd, workers: options.workers });
      results[engine] = result.measurement;
      wasm ??= result.wasm;
      const m = result.measurement;
      progress(`${bench.id}: ${engine} ${Math.round(m.samplesPerSecond)} samples/s, ${Math.round(m.samplesPerCpuSecond)} per CPU-s (${m.seconds.toFixed(1)} s timed, ${((performance.now() - started) / 1000).toFixed(1)} s total)`);
    }
    rows.push(makeRow(bench, results.fathom, results.tfjs, results['fathom-wasm']));
  }
  const report: BenchReport = {
    machine: describeMachine(loadAtStart),
    samples: options.samples,
    fullEpoch: options.samples === FULL_EPOCH,
    warmUp: options.warmUp,
    tfjsLoop: options.loop,
    workers: options.workers,
    wasm,
    rows,
  };
  process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof BenchError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
