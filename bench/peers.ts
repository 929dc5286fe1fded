/**
 * The peers a user could run instead on the same machine: numpy + OpenBLAS and PyTorch on CPU,
 * each a vectorised mini-batch implementation of the same maths (bench/peers/mlp.py), run by
 * /usr/bin/python3 (Debian's python3-numpy, libopenblas0-pthread and python3-torch). Skipped with
 * a note when that Python lacks them.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { mnistDataFolder } from '../core/data/mnist';
import { BenchError } from './errors';
import { type Engine, type Measurement, measurement } from './measurement';
import type { BenchNetwork } from './networks';
import { denseLayers, isConvolutional, layerSizes } from './networks';
import { layerShapes } from '../core/engine/shapes';
import { isDense } from '../core/engine/spec';

export const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./peers/mlp.py', import.meta.url));

export type Peer = 'numpy' | 'torch';

export interface BlasInfo {
  library: string;
  core?: string;
  config?: string;
  threads?: number;
}

/** What the peer's process said about itself: versions, the BLAS numpy ran on, the thread count. */
export interface PeerInfo {
  version: string;
  threads: number;
  blas?: BlasInfo;
}

type PeerAnswer =
  | {
      ok: true;
      samples: number;
      seconds: number;
      cpuSeconds: number;
      meanLoss: number;
      peakRss: number;
      blas: BlasInfo | null;
      version: string;
    }
  | { ok: true; gflops: number; blas: BlasInfo; threads: number }
  | { ok: false; missing: string };

/**
 * The environment of a peer's command: OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are set on this
 * machine for older OpenBLAS builds and slow a current one down (Haswell kernels instead of
 * Cooperlake's), so they are unset for the peer alone; the BLAS thread count is fixed.
 */
function peerEnv(threads: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) };
  delete env['OPENBLAS_CORETYPE'];
  delete env['OPENBLAS_L2_SIZE'];
  return env;
}

function runPython(job: Record<string, unknown>, threads: number): Promise<PeerAnswer> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [SCRIPT, JSON.stringify(job)], { env: peerEnv(threads), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.trim().split('\n').at(-1);
      try {
        if (code === 0 && line) return resolve(JSON.parse(line) as PeerAnswer);
      } catch {
        // fall through to the error below
      }
      reject(new BenchError(`${PYTHON} ${SCRIPT} exited with code ${code}: ${err.trim() || out.trim()}`));
    });
  });
}

/** Why the peers cannot run here (no /usr/bin/python3), or undefined. */
export function peersUnavailable(): string | undefined {
  return existsSync(PYTHON) ? undefined : `${PYTHON} is missing`;
}

/** The bench CNN as mlp.py's torch peer builds it (conv, max-pool, then dense sizes from the flattened maps), or undefined for a dense network. */
function cnnPeerLayers(bench: BenchNetwork): { conv: { filters: number; kernel: number; pool: number }; sizes: number[] } | undefined {
  if (!isConvolutional(bench.spec)) return undefined;
  const [conv, pool, ...rest] = bench.spec.layers;
  const dense = rest.filter(isDense);
  if (conv?.kind !== 'conv' || pool?.kind !== 'maxpool' || dense.length !== rest.length || conv.stride !== 1 || conv.padding !== 'valid')
    throw new BenchError(`The PyTorch peer trains conv (stride 1, valid) → maxpool → dense layers; '${bench.id}' is not that.`);
  const flat = layerShapes(bench.spec)[2]!.size;
  return { conv: { filters: conv.filters, kernel: conv.kernel, pool: pool.size }, sizes: [flat, ...dense.map((l) => l.units)] };
}

/**
 * One timed epoch of `peer` on `bench` over the first `samples` MNIST training images, or why it
 * cannot run (the Python module is missing).
 */
export async function measurePeer(
  peer: Peer,
  bench: BenchNetwork,
  samples: number,
  warmUp: number,
  threads: number,
): Promise<{ measurement: Measurement; info: PeerInfo } | { missing: string }> {
  const data = mnistDataFolder();
  const cnn = cnnPeerLayers(bench);
  const relu = cnn || denseLayers(bench.spec).some((l) => l.activation === 'relu');
  const job = {
    peer,
    sizes: cnn?.sizes ?? layerSizes(bench.spec),
    kind: cnn ? 'cnn' : relu ? 'relu' : 'sigmoid',
    ...(cnn ? { conv: cnn.conv } : {}),
    batch: bench.settings.batchSize,
    eta: bench.settings.learningRate,
    samples,
    warmUp,
    threads,
    images: `${data}/train-images-idx3-ubyte`,
    labels: `${data}/train-labels-idx1-ubyte`,
  };
  const answer = await runPython(job, threads);
  if (!answer.ok) return { missing: answer.missing };
  if (!('samples' in answer)) throw new BenchError(`${peer}: unexpected answer`);
  const engine: Engine = peer;
  const rss = { peak: answer.peakRss, sample() {} };
  const m = measurement(
    engine,
    bench.id,
    { samples: answer.samples, wallMillis: answer.seconds * 1000, cpuMillis: answer.cpuSeconds * 1000 },
    rss,
    0,
    answer.meanLoss,
  );
  const info: PeerInfo = { version: answer.version, threads };
  if (answer.blas) info.blas = answer.blas;
  return { measurement: m, info };
}

/** This machine's float32 matrix-product peak through numpy + OpenBLAS on one thread (1024² sgemm), or undefined without numpy. */
export async function measureSgemmPeak(): Promise<{ gflops: number; blas: BlasInfo } | undefined> {
  if (peersUnavailable()) return undefined;
  const answer = await runPython({ peer: 'sgemm', threads: 1 }, 1);
  return answer.ok && 'gflops' in answer ? { gflops: answer.gflops, blas: answer.blas } : undefined;
}
