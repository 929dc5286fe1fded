/**
 * The kernels a run trains with: wasm (SIMD) where it can run, else js, and the run says which.
 * Also: one wasm instance (one fixed 64 MiB memory) per run's network, whatever the number of
 * epochs and evaluations, so a long run's memory stays flat.
 */
import { describe, it, expect, afterEach } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Samples } from '@core/data/dataset';
import { Network } from '@core/engine/network';
import { Rng } from '@core/engine/rng';
import { Trainer } from '@core/engine/trainer';
import type { WasmKernels } from '@core/engine/wasm/kernels-wasm';
import { chooseKernels, wasmUnavailableReason } from '@core/engine/wasm/select';
import type { WasmApi } from '@core/engine/wasm/wasm-api';
import type { LabService } from '@core/service/lab-service';
import { EventLog, makeService, quickRun, tempDataDir } from '../helpers';

const wasmRuns = wasmUnavailableReason() === undefined;

describe('LabService: the kernels backend of a run', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  async function train(options: Parameters<typeof makeService>[1] = {}) {
    const tmp = tempDataDir();
    const service: LabService = makeService(tmp.dir, options);
    cleanups.push(async () => {
      await service.dispose();
      tmp.remove();
    });
    const log = new EventLog(service);
    const { id } = await service.startRun(quickRun({ settings: { epochs: 1 } }));
    await log.status(id, 'finished', 60_000);
    const [summary] = await service.listRuns();
    const progress = log.of(id).filter((e) => e.type === 'progress');
    return { summary: summary!, progress };
  }

  it.skipIf(!wasmRuns)('trains on the wasm kernels where SIMD runs, and says so in the summary and the progress', async () => {
    const { summary, progress } = await train();
    expect(summary.backend).toBe('wasm');
    expect(summary.backendNote).toBeUndefined();
    expect(summary.history).toHaveLength(1);
    expect(summary.history[0]!.testAccuracy).toBeGreaterThan(0.5);
    expect(progress.length).toBeGreaterThan(0);
    for (const event of progress) expect(event).toMatchObject({ backend: 'wasm' });
  });

  it('falls back to js when the wasm file cannot be loaded, and says why', async () => {
    const { summary, progress } = await train({ wasmPath: join(tmpdir(), 'fathom-no-such-folder', 'missing.wasm') });
    expect(summary.backend).toBe('js');
    expect(summary.backendNote).toMatch(/missing\.wasm|SIMD/);
    expect(summary.history).toHaveLength(1);
    for (const event of progress) expect(event).toMatchObject({ backend: 'js' });
  });

  it('trains on js when asked to', async () => {
    const { summary } = await train({ backend: 'js' });
    expect(summary.backend).toBe('js');
    expect(summary.backendNote).toBeUndefined();
  });
});

/** `count` samples of 6 inputs, one-hot on whether they sum above 3. */
function toyData(count: number, seed: number): Samples {
  const rng = new Rng(seed);
  const inputs = new Float32Array(count * 6);
  const targets = new Float32Array(count * 2);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    let sum = 0;
    for (let j = 0; j < 6; j++) sum += inputs[i * 6 + j] = rng.uniform();
    const label = sum > 3 ? 1 : 0;
    labels[i] = label;
    targets[i * 2 + label] = 1;
  }
  return { count, inputSize: 6, outputSize: 2, inputs, targets, labels };
}

describe.skipIf(!wasmRuns)('wasm memory over a long run (as the worker builds it)', () => {
  it('makes one instance per network: the memory and its arena stay the same over 200 epochs with evaluation', () => {
    const wasm = (globalThis as unknown as { WebAssembly: { Memory: WasmApi['Memory'] } }).WebAssembly;
    const real = wasm.Memory;
    let memories = 0;
    // Count every wasm memory made while the run trains (each is a fixed 64 MiB).
    wasm.Memory = new Proxy(real, {
      construct(target, args) {
        memories++;
        return Reflect.construct(target, args) as object;
      },
    });
    try {
      const kernels = chooseKernels('auto').kernels as WasmKernels;
      expect(kernels.name).toBe('wasm');
      const net = Network.create(
        {
          inputSize: 6,
          layers: [
            { units: 12, activation: 'relu' },
            { units: 2, activation: 'sigmoid' },
          ],
          loss: 'quadratic',
          init: 'he',
        },
        new Rng(1),
        'float32',
        kernels,
      );
      // Batches of 16 over 100 rows leave a partial batch; validation and test evaluate every epoch.
      const data = { train: toyData(100, 2), validation: toyData(37, 3), test: toyData(53, 4) };
      const settings = {
        batchSize: 16,
        learningRate: 0.05,
        epochs: 200,
        optimizer: 'adam',
        momentum: 0.9,
        l2: 0,
        seed: 5,
        stop: { kind: 'epochs' },
      } as const;
      const trainer = new Trainer(net, data, settings);
      const arena: number[] = [];
      const buffers = new Set<ArrayBuffer>();
      const heap: number[] = [];
      trainer.run({
        onEpoch: (report) => {
          arena.push(kernels.arenaUsed());
          buffers.add(kernels.memory.buffer);
          if (report.epoch === 2 || report.epoch === 200) heap.push(process.memoryUsage().arrayBuffers);
        },
      });
      expect(trainer.history).toHaveLength(200);
      expect(memories).toBe(1);
      expect(buffers.size).toBe(1);
      // Every buffer is laid out in the first epoch (its batches and evaluations) and then reused.
      expect(new Set(arena.slice(1)).size).toBe(1);
      expect(arena[199]).toBe(arena[0]);
      // ArrayBuffers outside the wasm memory do not pile up either (a generous bound: 1 MiB).
      expect(heap[1]! - heap[0]!).toBeLessThan(1024 * 1024);
    } finally {
      wasm.Memory = real;
    }
  });
});
