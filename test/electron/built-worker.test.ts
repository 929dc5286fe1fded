/**
 * The training worker as electron-vite bundles it into out/main (after `electron-vite build`):
 * main.js must start it through `new Worker(new URL('./chunks/train-worker-….js', import.meta.url))`,
 * and the bundled chunk must train in plain Node. The wasm kernels are emitted next to it
 * (`?asset` in electron/main.ts), and main.js hands their path to every worker: the bundled worker
 * must train on them, and a run on 2 threads must start its shard workers from the emitted entry
 * (`?modulePath`). Skipped when out/ has not been built.
 */
import { describe, it, expect } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { EventLog, makeService, quickRun, tempDataDir } from '../core/service/helpers';

const outMain = fileURLToPath(new URL('../../out/main', import.meta.url));
const chunks = existsSync(join(outMain, 'chunks')) ? readdirSync(join(outMain, 'chunks')) : [];
const chunk = chunks.find((f) => /^train-worker-.*\.js$/.test(f));
const wasmAsset = chunks.find((f) => /^kernels-.*\.wasm$/.test(f));
const shardEntry = chunks.find((f) => /^worker-entry-.*\.js$/.test(f));

describe.skipIf(!chunk)('the bundled training worker (out/main)', () => {
  it('is referenced by main.js and trains a run', async () => {
    const mainJs = readFileSync(join(outMain, 'main.js'), 'utf8');
    expect(mainJs).toContain(`new URL("./chunks/${chunk}", import.meta.url)`);
    // The wasm kernels are emitted beside the chunks and main.js resolves their path from its own folder.
    expect(wasmAsset).toBeDefined();
    expect(mainJs).toContain(`"./chunks/${wasmAsset}"`);
    const tmp = tempDataDir();
    const service = makeService(tmp.dir, {
      workerFactory: (workerData) => new Worker(join(outMain, 'chunks', chunk!), { workerData }),
      wasmPath: join(outMain, 'chunks', wasmAsset!),
    });
    const log = new EventLog(service);
    const { id } = await service.startRun(quickRun({ settings: { epochs: 1 } }));
    await log.status(id, 'finished', 60_000);
    const [summary] = await service.listRuns();
    expect(summary!.history).toHaveLength(1);
    expect(summary!.backend).toBe('wasm');
    expect(summary!.backendNote).toBeUndefined();
    await service.dispose();
    tmp.remove();
  });

  it('trains a run on 2 threads from the shard-worker entry main.js hands down (`?modulePath`)', async () => {
    const mainJs = readFileSync(join(outMain, 'main.js'), 'utf8');
    expect(shardEntry).toBeDefined();
    expect(mainJs).toContain(`"./chunks/${shardEntry}"`);
    const tmp = tempDataDir();
    const service = makeService(tmp.dir, {
      workerFactory: (workerData) => new Worker(join(outMain, 'chunks', chunk!), { workerData }),
      wasmPath: join(outMain, 'chunks', wasmAsset!),
      parallelEntry: join(outMain, 'chunks', shardEntry!),
    });
    const log = new EventLog(service);
    const { id } = await service.startRun(quickRun({ threads: 2, settings: { epochs: 1, batchSize: 64 } }));
    await log.status(id, 'finished', 60_000);
    const [summary] = await service.listRuns();
    expect(summary).toMatchObject({ backend: 'wasm', threads: 2, threadsSetting: 2 });
    expect(summary!.history).toHaveLength(1);
    await service.dispose();
    tmp.remove();
  });

  it('says it runs js, and why, when the wasm file is not where main.js said', async () => {
    const tmp = tempDataDir();
    const service = makeService(tmp.dir, {
      workerFactory: (workerData) => new Worker(join(outMain, 'chunks', chunk!), { workerData }),
      wasmPath: join(tmp.dir, 'gone.wasm'),
    });
    const log = new EventLog(service);
    const { id } = await service.startRun(quickRun({ settings: { epochs: 1 } }));
    await log.status(id, 'finished', 60_000);
    const [summary] = await service.listRuns();
    expect(summary!.backend).toBe('js');
    expect(summary!.backendNote).toContain('gone.wasm');
    await service.dispose();
    tmp.remove();
  });
});
