/**
 * Does the Train tab's throughput chart tell the bench's truth? (issue 17). Trains the same network for one
 * full MNIST epoch both ways, alternating, in this one process: the bench's way (Trainer.step in a loop,
 * bench/fathom.ts) and the app's way (the lab service's run, in its worker thread, as the window starts
 * it), and prints the bench's samples/s beside the app's: the median of the rates its progress events
 * carried (what the throughput chart draws) and the epoch report's. Run it with
 *   node --experimental-wasm-relaxed-simd --import tsx bench/app-throughput.ts [network] [repeats]
 * (the flag as `npm run bench` passes it: the app's Electron has relaxed SIMD, so both sides run the FMA build).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRunEvent, type RunEvent } from '../core/lab/contract';
import { LabService } from '../core/service/lab-service';
import { trainWorkerFactory } from '../test/core/service/tsx-worker';
import { loadBenchSamples } from './data';
import { measureFathom } from './fathom';
import { BENCH_NETWORKS, type BenchNetwork } from './networks';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const noDialogs = { chooseSavePath: async () => null, chooseOpenPath: async () => null };

/** One epoch in the lab service's worker: the progress events' rates and the epoch report's. */
async function appEpoch(bench: BenchNetwork): Promise<{ progress: number; epoch: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fathom-app-bench-'));
  const service = new LabService({ dataDir, dialogs: noDialogs, workerFactory: trainWorkerFactory });
  const rates: number[] = [];
  try {
    const ended = new Promise<number>((resolve) => {
      service.onEvent((event) => {
        if (!isRunEvent(event)) return;
        const e: RunEvent = event;
        if (e.type === 'progress' && e.samplesPerSecond > 0) rates.push(e.samplesPerSecond);
        if (e.type === 'epoch' && e.report.epoch === 1) resolve(e.report.samplesPerSecond);
      });
    });
    const { settings } = bench;
    await service.startRun({
      name: `bench ${bench.id}`,
      spec: bench.spec,
      settings: { ...settings, epochs: 1, seed: 1, stop: { kind: 'epochs' } },
      datasetId: 'mnist',
      scaling: 'min-max',
      validation: false,
      testLimit: 1000,
    });
    const epoch = await ended;
    // The first progress event carries the warm-up of V8's compilers; the bench leaves it out too.
    return { progress: median(rates.slice(1)), epoch };
  } finally {
    await service.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const id = process.argv[2] ?? '784-30-10';
const repeats = Number(process.argv[3] ?? 3);
const bench = BENCH_NETWORKS.find((n) => n.id === id);
if (!bench) throw new Error(`no bench network ${id}: ${BENCH_NETWORKS.map((n) => n.id).join(', ')}`);
const train = loadBenchSamples(60_000);
const rows: string[] = [];
for (let r = 0; r < repeats; r++) {
  const benchRate = (await measureFathom(bench, train, 1000, 'wasm')).samplesPerSecond;
  const app = await appEpoch(bench);
  rows.push(
    `${id}  bench ${Math.round(benchRate).toLocaleString('en')}/s  app chart (median of progress) ${Math.round(app.progress).toLocaleString('en')}/s` +
      `  app epoch report ${Math.round(app.epoch).toLocaleString('en')}/s  chart ÷ bench ${(app.progress / benchRate).toFixed(2)}×`,
  );
  console.log(rows.at(-1));
}
