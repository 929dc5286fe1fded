import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

// Node 20 has relaxed SIMD only behind a flag (Electron's V8 ships it): run the shared backend
// suite, the data-parallel tests and the build checks again in a Node started with it, where the
// wasm backend is the FMA build.
// vitest's own worker processes get the flag (its parent need not have it).
const FLAG = '--experimental-wasm-relaxed-simd';
const SUITES = [
  'test/core/engine/kernels-variants.test.ts',
  'test/core/engine/kernels-backends.test.ts',
  'test/core/engine/kernels-sparse-fused.test.ts',
  'test/core/engine/parallel.test.ts',
  'test/core/engine/batch-rows.test.ts',
  'test/core/engine/dense-step.test.ts',
  'test/core/engine/gradient-step.test.ts',
];

describe('the relaxed-SIMD (FMA) build', () => {
  it('passes the backend suite and the data-parallel tests in a Node with --experimental-wasm-relaxed-simd', () => {
    const run = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', `--execArgv=${FLAG}`, ...SUITES], {
      encoding: 'utf8',
      env: { ...process.env, FATHOM_EXPECT_FMA: '1', NO_COLOR: '1' },
    });
    // vitest colours its summary
    const summary = `${run.stdout}\n${run.stderr}`.replace(/\u001b\[[0-9;]*m/g, '');
    expect(summary, summary).toMatch(new RegExp(`Test Files\\s+${SUITES.length} passed`));
    expect(run.status).toBe(0);
  }, 600_000);
});
