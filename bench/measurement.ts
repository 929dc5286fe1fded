/** What one timed training run reports, and the peak-RSS sampler every run uses. */

/**
 * Fathom on its plain-TypeScript kernels, Fathom on its WebAssembly SIMD kernels, TF.js on its
 * wasm backend, and the peers outside JavaScript: numpy + OpenBLAS and PyTorch on CPU (peers.ts).
 */
export const ENGINES = ['fathom', 'fathom-wasm', 'tfjs', 'numpy', 'torch'] as const;
export type Engine = (typeof ENGINES)[number];

/**
 * How TF.js is driven: 'minimize' = variables + optimizer.minimize per batch (its fastest honest
 * way for small batches), 'fit' = tf.LayersModel.fit (the textbook way).
 */
export const TFJS_LOOPS = ['minimize', 'fit'] as const;
export type TfjsLoop = (typeof TFJS_LOOPS)[number];

export interface Measurement {
  engine: Engine;
  network: string;
  /** Samples trained inside the timed loop. */
  samples: number;
  /** Wall-clock seconds of the timed loop (training steps only). */
  seconds: number;
  samplesPerSecond: number;
  /**
   * CPU seconds (user + system) this process spent in the timed loop, V8's helper threads
   * included. Both engines train on one thread, so on a busy machine samples per CPU second is
   * the steadier figure: it does not count time the process waited for a core.
   */
  cpuSeconds: number;
  samplesPerCpuSecond: number;
  /** Highest process RSS seen during the run, in bytes (dataset and runtime included). */
  peakRss: number;
  /** RSS once the data was loaded and the model built, before training, in bytes. */
  baseRss: number;
  /** Mean training loss over the timed samples, when the engine reports it cheaply (a sanity check). */
  meanLoss?: number;
  /** Fathom's kernels as the app shows them ('wasm SIMD + FMA', …). */
  kernels?: string;
}

/** How often the synchronous training loops sample RSS: every this many steps. */
export const RSS_EVERY = 50;

/** Keeps the maximum of process.memoryUsage.rss() over the calls to sample(). */
export class RssSampler {
  peak = 0;

  sample(): void {
    const rss = process.memoryUsage.rss();
    if (rss > this.peak) this.peak = rss;
  }
}

/** Wall-clock and CPU time of one timed section, started on construction. */
export class Stopwatch {
  private readonly wall = performance.now();
  private readonly cpu = process.cpuUsage();

  elapsed(): { wallMillis: number; cpuMillis: number } {
    const cpu = process.cpuUsage(this.cpu);
    return { wallMillis: performance.now() - this.wall, cpuMillis: (cpu.user + cpu.system) / 1000 };
  }
}

/** Samples per second from a sample count and milliseconds. */
function throughput(samples: number, millis: number): number {
  return millis > 0 ? (samples * 1000) / millis : 0;
}

export interface Timing {
  samples: number;
  wallMillis: number;
  cpuMillis: number;
}

/** Assembles a Measurement from what a timed run observed. */
export function measurement(
  engine: Engine,
  network: string,
  t: Timing,
  rss: { peak: number },
  baseRss: number,
  meanLoss?: number,
): Measurement {
  return {
    engine,
    network,
    samples: t.samples,
    seconds: t.wallMillis / 1000,
    samplesPerSecond: throughput(t.samples, t.wallMillis),
    cpuSeconds: t.cpuMillis / 1000,
    samplesPerCpuSecond: throughput(t.samples, t.cpuMillis),
    peakRss: rss.peak,
    baseRss,
    meanLoss,
  };
}
