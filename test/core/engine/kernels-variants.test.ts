import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Network } from '../../../core/engine/network';
import { Rng } from '../../../core/engine/rng';
import { Trainer } from '../../../core/engine/trainer';
import { createWasmKernels } from '../../../core/engine/wasm/kernels-wasm';
import { fmaPathOf, selectKernels, WASM_PATH } from '../../../core/engine/wasm/select';
import { wasmApi, wasmRelaxedSimdSupported } from '../../../core/engine/wasm/wasm-api';
import { BLOB_SPEC, blobs, parameterBytes, runGuarded, settings } from './helpers';

// Runs in plain Node (no relaxed SIMD: the plain build) and again, from kernels-fma.test.ts, in a
// Node started with --experimental-wasm-relaxed-simd and FATHOM_EXPECT_FMA=1 (the FMA build).
const expectFma = process.env['FATHOM_EXPECT_FMA'] === '1';

/** Kernels over one build, chosen by file, whatever the runtime would pick. */
function kernelsOf(fma: boolean) {
  const module = new (wasmApi()!.Module)(readFileSync(fma ? fmaPathOf(WASM_PATH) : WASM_PATH));
  return createWasmKernels(module, { fma });
}

function train(kernels: ReturnType<typeof kernelsOf>): Network {
  const net = Network.create(BLOB_SPEC, new Rng(3), 'float32', kernels);
  runGuarded(new Trainer(net, { train: blobs(120, 4) }, settings({ batchSize: 10, epochs: 3, seed: 2 })));
  return net;
}

describe('wasm kernel builds: SIMD, and SIMD + FMA where the runtime has relaxed SIMD', () => {
  it('picks the FMA build exactly when the runtime has relaxed SIMD, and says so in the label', () => {
    const k = selectKernels('wasm');
    expect(wasmRelaxedSimdSupported()).toBe(expectFma || wasmRelaxedSimdSupported());
    if (expectFma) expect(wasmRelaxedSimdSupported()).toBe(true);
    expect(k.label).toBe(wasmRelaxedSimdSupported() ? 'wasm SIMD + FMA' : 'wasm SIMD');
    expect(selectKernels('js').label).toBe('TypeScript');
  });

  for (const fma of [false, true]) {
    it(`the ${fma ? 'FMA' : 'plain SIMD'} build trains bit-identically twice${fma ? ' (where it can run)' : ''}`, () => {
      if (fma && !wasmRelaxedSimdSupported()) return; // kernels-fma.test.ts runs this in a Node that has it
      expect(parameterBytes(train(kernelsOf(fma))).equals(parameterBytes(train(kernelsOf(fma))))).toBe(true);
    });
  }

  it('the two builds agree to float32 rounding', () => {
    if (!wasmRelaxedSimdSupported()) return;
    const plain = train(kernelsOf(false));
    const fused = train(kernelsOf(true));
    for (let l = 1; l <= plain.L; l++)
      plain.w[l]!.forEach((v, i) => expect(Math.abs(fused.w[l]![i]! - v)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(v))));
  });
});
