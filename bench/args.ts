/** Command-line flags of `npm run bench`. */
import { parseArgs } from 'node:util';
import { BenchError } from './errors';
import { type Engine, ENGINES, TFJS_LOOPS, type TfjsLoop } from './measurement';
import { BENCH_NETWORKS, type BenchNetwork, EXTRA_NETWORKS, networkById } from './networks';

export const FULL_EPOCH = 60_000;
export const QUICK_SAMPLES = 10_000;

export interface BenchOptions {
  /** Training samples per measurement. */
  samples: number;
  quick: boolean;
  engines: Engine[];
  networks: BenchNetwork[];
  json: boolean;
  loop: TfjsLoop;
  simd: boolean;
  warmUp: number;
  /** Thread counts Fathom trains with, each measured side by side (1 = its ordinary single-thread Trainer). */
  workers: number[];
  /** Times every Fathom measurement is repeated (interleaved), for steadier worker ratios. */
  repeat: number;
  /** --startup: time the command-line trainer's start-up instead of training throughput. */
  startup: boolean;
  /** Measure two Fathom-wasm runs training at once (784-100-10 and the batch-64 network). */
  concurrent: boolean;
  /** Measure the peak RSS of a command-line MNIST training run. */
  cliMemory: boolean;
  /** Run Fathom with relaxed SIMD (its FMA build, as in Electron); --no-fma: the plain SIMD build. */
  fma: boolean;
  /** --no-fused: Fathom's trainer takes the step-by-step path even where the fused wasm step could run. */
  fused: boolean;
}

export const USAGE = `npm run bench -- [flags]
  --quick              ${QUICK_SAMPLES.toLocaleString('en')} samples per measurement instead of a full ${FULL_EPOCH.toLocaleString('en')}-image epoch
  --samples N          any other number of samples (1…${FULL_EPOCH})
  --only ENGINE        measure only this engine (repeatable): fathom (js kernels), fathom-wasm, tfjs, numpy, torch
                       (numpy and torch run through /usr/bin/python3 and are skipped with a note when it lacks them)
  --network ID         only this network (repeatable): ${BENCH_NETWORKS.map((n) => n.id).join(', ')};
                       also ${EXTRA_NETWORKS.map((n) => n.id).join(', ')}; ID@B = at batch size B (e.g. 784-100-10-relu@256)
  --tfjs-loop L        minimize (default: optimizer.minimize per batch, TF.js's fastest) or fit (model.fit)
  --no-simd            force TF.js's plain (non-SIMD) wasm binary
  --workers N[,M…]     train Fathom over N threads (core/engine/parallel; default 1 = single-thread Trainer);
                       a list (1,2) measures each side by side and reports the ratios
  --repeat R           repeat every measurement R times, interleaved, and report the medians (default 3, --quick 1;
                       with --startup, 5 warm runs)
  --no-fma             run Fathom on its plain SIMD build (default: Node with --experimental-wasm-relaxed-simd, so the
                       relaxed-SIMD FMA build runs, as in Electron, whose V8 ships relaxed SIMD)
  --no-fused           make Fathom's trainer take the step-by-step path (a wasm call per product) even where its
                       fused step (one wasm call per batch, for all-dense networks) could run
  --no-concurrent      skip the two-runs-at-once measurement
  --no-cli-memory      skip the peak-RSS measurement of a command-line training run
  --startup            time the command-line trainer instead: from invoking it to --help and to its first batch,
                       cold (after a fresh build:cli) and warm (bench/startup.ts)
  --json               print one JSON document instead of the table
  --help`;

function wholeNumber(text: string, flag: string, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new BenchError(`${flag} expects a whole number from 1 to ${max}, got '${text}'.`);
  return n;
}

/** Parses argv (without node and script); throws BenchError on anything it does not know. */
export function parseBenchArgs(argv: string[]): BenchOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      options: {
        quick: { type: 'boolean', default: false },
        samples: { type: 'string' },
        only: { type: 'string', multiple: true },
        network: { type: 'string', multiple: true },
        'tfjs-loop': { type: 'string', default: 'minimize' },
        'no-simd': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        workers: { type: 'string' },
        repeat: { type: 'string' },
        startup: { type: 'boolean', default: false },
        'no-concurrent': { type: 'boolean', default: false },
        'no-fma': { type: 'boolean', default: false },
        'no-fused': { type: 'boolean', default: false },
        'no-cli-memory': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }).values;
  } catch (err) {
    throw new BenchError(`${(err as Error).message}\n${USAGE}`);
  }
  if (parsed.help) return 'help';
  const only = parsed.only;
  const unknown = only?.find((e) => !ENGINES.includes(e as Engine));
  if (unknown !== undefined) throw new BenchError(`--only expects ${ENGINES.join(', ')}; got '${unknown}'.`);
  const loop = parsed['tfjs-loop'];
  if (!TFJS_LOOPS.includes(loop as TfjsLoop)) throw new BenchError(`--tfjs-loop expects ${TFJS_LOOPS.join(' or ')}, got '${loop}'.`);
  const samples =
    parsed.samples !== undefined ? wholeNumber(parsed.samples, '--samples', FULL_EPOCH) : parsed.quick ? QUICK_SAMPLES : FULL_EPOCH;
  return {
    samples,
    quick: parsed.quick,
    engines: only ? ENGINES.filter((e) => only.includes(e)) : [...ENGINES],
    networks: parsed.network ? parsed.network.map(networkById) : [...BENCH_NETWORKS],
    json: parsed.json,
    loop: loop as TfjsLoop,
    simd: !parsed['no-simd'],
    warmUp: Math.min(1000, samples),
    workers:
      parsed.workers !== undefined ? [...new Set(parsed.workers.split(',').map((w) => wholeNumber(w.trim(), '--workers', 64)))] : [1],
    repeat: parsed.repeat !== undefined ? wholeNumber(parsed.repeat, '--repeat', 20) : parsed.startup ? 5 : parsed.quick ? 1 : 3,
    startup: parsed.startup,
    concurrent: !parsed['no-concurrent'],
    cliMemory: !parsed['no-cli-memory'],
    fma: !parsed['no-fma'],
    fused: !parsed['no-fused'],
  };
}
