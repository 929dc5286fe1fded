/** Child-process entry: runs the one Job given as JSON in argv[2] and sends back a JobResult. */
import { loadBenchSamples } from './data';
import { BenchError } from './errors';
import type { Job, JobResult } from './job';
import { networkById } from './networks';

async function run(job: Job): Promise<JobResult> {
  if (job.wasmPeak) {
    const { measureWasmPeak } = await import('./wasm-peak');
    return { ok: true, peak: measureWasmPeak() };
  }
  if (job.engine === 'numpy' || job.engine === 'torch') throw new BenchError(`${job.engine} runs in Python (bench/peers.ts), not here.`);
  const bench = networkById(job.network);
  const train = loadBenchSamples(job.samples);
  if (job.engine === 'fathom' || job.engine === 'fathom-wasm') {
    const { measureFathom } = await import('./fathom');
    return {
      ok: true,
      measurement: await measureFathom(bench, train, job.warmUp, job.engine === 'fathom-wasm' ? 'wasm' : 'js', job.workers, job.fused),
    };
  }
  // Loaded only here, so the Fathom processes never contain TF.js.
  const { startWasmBackend } = await import('./tfjs-wasm');
  const { measureTfjs } = await import('./tfjs');
  const wasm = await startWasmBackend(job.simd);
  return { ok: true, measurement: await measureTfjs(bench, train, job.loop, job.warmUp), wasm };
}

function send(result: JobResult): void {
  if (!process.send) throw new BenchError('bench/measure.ts runs as a child of bench/run.ts; start the benchmark with `npm run bench`.');
  process.send(result, () => process.disconnect());
}

const job = JSON.parse(process.argv[2] ?? 'null') as Job;
run(job).then(send, (err: unknown) => {
  send({ ok: false, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
  process.exitCode = 1;
});
