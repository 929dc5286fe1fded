/**
 * `npx tsx bench/sparse-crossover.ts`: where the zero-skipping first-layer products stop paying.
 * Times forward (A·Wᵀ) + weight gradient (δᵀ·A) of a first layer, sparse against dense, on MNIST
 * images made sparser (pixels above a threshold) or denser (dilated), for each backend. The
 * crossover density it prints is the one written into each backend's `sparseBelow`.
 */
import type { Kernels } from '../core/engine/kernels';
import { Rng } from '../core/engine/rng';
import { selectKernels } from '../core/engine/wasm/select';
import { loadBenchSamples } from './data';

const SIDE = 28;
const K = SIDE * SIDE;

/** Each pixel becomes the max over itself and its right and lower neighbours: strokes get thicker. */
function dilate(x: Float32Array, rows: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let r = 0; r < rows; r++)
    for (let i = 0; i < SIDE; i++)
      for (let j = 0; j < SIDE; j++) {
        const at = r * K + i * SIDE + j;
        let v = x[at]!;
        if (j + 1 < SIDE) v = Math.max(v, x[at + 1]!);
        if (i + 1 < SIDE) v = Math.max(v, x[at + SIDE]!);
        if (j > 0) v = Math.max(v, x[at - 1]!);
        out[at] = v;
      }
  return out;
}

/** The share of nonzero elements (the column `nonzero`; `density` is the backend's own measure). */
function density(x: Float32Array): number {
  let nz = 0;
  for (const v of x) if (v !== 0) nz++;
  return nz / x.length;
}

/** Milliseconds per forward + ∇w pair, sparse and dense, each the best of many alternating repeats (the machine is shared). */
function time(
  k: Kernels,
  x: Float32Array,
  w: Float32Array,
  bias: Float32Array,
  z: Float32Array,
  delta: Float32Array,
  grad: Float32Array,
  m: number,
  n: number,
): [number, number] {
  const best = [Infinity, Infinity];
  const reps = Math.max(10, Math.round(20_000 / (m * n)));
  for (let rep = 0; rep < (k.name === 'js' ? 8 : 30); rep++) {
    for (const [v, sparse] of [
      [0, true],
      [1, false],
    ] as const) {
      const t0 = performance.now();
      for (let i = 0; i < reps; i++) {
        k.matMulABt(x, w, z, m, n, K, bias, sparse);
        k.matMulAtB(delta, x, grad, n, K, m, false, sparse);
      }
      best[v] = Math.min(best[v]!, (performance.now() - t0) / reps);
    }
  }
  return best as [number, number];
}

function place(k: Kernels, src: Float32Array): Float32Array {
  const out = k.alloc(src.length);
  out.set(src);
  return out;
}

const images = loadBenchSamples(2000).inputs;
const rng = new Rng(5);
for (const backend of ['wasm', 'js'] as const) {
  for (const [m, n] of [
    [10, 30],
    [10, 100],
    [64, 100],
  ] as const) {
    const k = selectKernels(backend);
    const w = place(
      k,
      Float32Array.from({ length: n * K }, () => rng.normal()),
    );
    const bias = place(k, new Float32Array(n));
    const z = place(k, new Float32Array(m * n));
    const delta = place(
      k,
      Float32Array.from({ length: m * n }, () => rng.normal()),
    );
    const grad = place(k, new Float32Array(n * K));
    const base = images.slice(0, m * K);
    // Warm up: wasm tiers up from its baseline compiler and V8 optimises the js loops.
    time(k, place(k, base), w, bias, z, delta, grad, m, n);
    const inputs: Float32Array[] = [0.9, 0.6, 0.3].map((t) => base.map((v) => (v > t ? v : 0)));
    let x: Float32Array = base;
    for (let d = 0; d < 10; d++) {
      inputs.push(x);
      x = dilate(x, m);
    }
    // Scattered zeros (as after a ReLU), then no zeros at all.
    inputs.push(Float32Array.from({ length: m * K }, () => (rng.uniform() < 0.5 ? 0 : rng.normal())));
    inputs.push(Float32Array.from({ length: m * K }, () => rng.normal()));
    console.log(`${backend} ${m}×${K} · ${n}×${K}ᵀ + ∇w: nonzero  density  sparse ms  dense ms  sparse/dense`);
    for (const input of inputs) {
      const xs = place(k, input);
      const [s, d] = time(k, xs, w, bias, z, delta, grad, m, n);
      console.log(
        `  ${density(input).toFixed(2).padStart(20)} ${k.density(xs, xs.length).toFixed(2).padStart(9)}  ${s.toFixed(4).padStart(9)}  ${d.toFixed(4).padStart(8)}  ${(s / d).toFixed(2).padStart(12)}`,
      );
    }
  }
}
