/**
 * The batch's gradient = Σ of its shards' gradients, always in shard order ((g0 + g1) + g2) + …,
 * so the result does not depend on which thread computed which shard. Element-wise, so the
 * SIMD add (assembly/parallel.ts) gives the very same floats as the plain loop.
 */
import type { FloatArray } from '../activations';
import type { Gradients } from '../network';
import type { WasmKernels } from '../wasm/kernels-wasm';

interface AddExport {
  addArrays(dst: number, a: number, b: number, n: number): void;
}

/** dst = a + b, in wasm when all three live in its memory. */
function add(dst: FloatArray, a: FloatArray, b: FloatArray, wasm: (WasmKernels & { exports: AddExport }) | undefined): void {
  const n = dst.length;
  if (wasm && dst.buffer === wasm.memory.buffer && a.buffer === dst.buffer && b.buffer === dst.buffer) {
    wasm.exports.addArrays(dst.byteOffset, a.byteOffset, b.byteOffset, n);
    return;
  }
  for (let i = 0; i < n; i++) dst[i] = a[i]! + b[i]!;
}

/** into = Σ_{s < shards} shardGrads[s], layer by layer, in shard order. */
export function sumShards(into: Gradients, shardGrads: Gradients[], shards: number, wasm?: WasmKernels): void {
  const k = wasm as (WasmKernels & { exports: AddExport }) | undefined;
  for (const key of ['nablaW', 'nablaB'] as const) {
    const layers = into[key];
    for (let l = 1; l < layers.length; l++) {
      const dst = layers[l]!;
      if (shards === 1) dst.set(shardGrads[0]![key][l]!);
      else {
        add(dst, shardGrads[0]![key][l]!, shardGrads[1]![key][l]!, k);
        for (let s = 2; s < shards; s++) add(dst, dst, shardGrads[s]![key][l]!, k);
      }
    }
  }
}
