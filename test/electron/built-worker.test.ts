/**
 * The training worker as electron-vite bundles it into out/main (after `electron-vite build`):
 * main.js must start it through `new Worker(new URL('./chunks/train-worker-….js', import.meta.url))`,
 * and the bundled chunk must train in plain Node. Skipped when out/ has not been built.
 */
import { describe, it, expect } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { EventLog, makeService, quickRun, tempDataDir } from '../core/service/helpers';

const outMain = fileURLToPath(new URL('../../out/main', import.meta.url));
const chunk = existsSync(join(outMain, 'chunks')) ? readdirSync(join(outMain, 'chunks')).find((f) => /^train-worker-.*\.js$/.test(f)) : undefined;

describe.skipIf(!chunk)('the bundled training worker (out/main)', () => {
  it('is referenced by main.js and trains a run', async () => {
    expect(readFileSync(join(outMain, 'main.js'), 'utf8')).toContain(`new URL("./chunks/${chunk}", import.meta.url)`);
    const tmp = tempDataDir();
    const service = makeService(tmp.dir, { workerFactory: (workerData) => new Worker(join(outMain, 'chunks', chunk!), { workerData }) });
    const log = new EventLog(service);
    const { id } = await service.startRun(quickRun({ settings: { epochs: 1 } }));
    await log.status(id, 'finished', 60_000);
    expect((await service.listRuns())[0]!.history).toHaveLength(1);
    await service.dispose();
    tmp.remove();
  });
});
