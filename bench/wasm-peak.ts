/**
 * Wasm's own matrix-product peak on this machine: the best GFLOP/s of Fathom's wasm kernels on a
 * large square product (256², where per-call costs vanish and the operands sit in cache), so the
 * report can say how much of what wasm can do a training run reaches.
 */
import { selectKernels } from '../core/engine/wasm/select';

const N = 256;

export function measureWasmPeak(): { gflops: number; kernels: string } {
  const k = selectKernels('wasm');
  const a = k.alloc(N * N);
  const b = k.alloc(N * N);
  const c = k.alloc(N * N);
  for (let i = 0; i < a.length; i++) {
    a[i] = ((i * 7919) % 97) / 97 - 0.5;
    b[i] = ((i * 104_729) % 89) / 89 - 0.5;
  }
  let best = 0;
  const flops = 2 * N ** 3;
  for (let round = 0; round < 25; round++) {
    for (const product of [
      () => k.matMulAB(a, b, c, N, N, N),
      () => k.matMulABt(a, b, c, N, N, N),
      () => k.matMulAtB(a, b, c, N, N, N, false),
    ]) {
      const started = performance.now();
      for (let rep = 0; rep < 4; rep++) product();
      const seconds = (performance.now() - started) / 1000;
      best = Math.max(best, (4 * flops) / seconds / 1e9);
    }
  }
  return { gflops: best, kernels: k.label };
}
