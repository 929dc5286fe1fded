/**
 * A worker whose training throws (issue 18 §2b): the epochs its checkpointer held back between two
 * once-a-second writes are written before the run fails, and the run stays resumable from its
 * newest epoch rather than ending failed on an older checkpoint.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModelFile } from '@core/model/model-files';
import type { WorkerFactory } from '@core/service/lab-service';
import { EventLog, makeService, quickRun, tempDataDir } from '../helpers';
import { patchedTrainWorkerFactory, trainWorkerFactory } from '../tsx-worker';

const tmps: { remove(): void }[] = [];
afterEach(() => {
  for (const t of tmps.splice(0)) t.remove();
});

const THROWING = new URL('./fixtures/throwing-trainer.ts', import.meta.url);

describe('A training worker that throws', () => {
  it('writes its held newest epoch first, and the run resumes from it', async () => {
    const tmp = tempDataDir();
    tmps.push(tmp);
    // Its first worker throws after epoch 3; the one that resumes it trains normally.
    let workers = 0;
    const throwing = patchedTrainWorkerFactory(THROWING);
    const factory: WorkerFactory = (data) => (++workers === 1 ? throwing(data) : trainWorkerFactory(data));
    // A checkpoint at most every 10 minutes: epoch 1's is written, epochs 2 and 3 are only held.
    const service = makeService(tmp.dir, { workerFactory: factory, checkpointIntervalMs: 600_000 });
    const log = new EventLog(service);
    const { id } = await service.startRun(quickRun({ settings: { epochs: 50 }, checkpoints: { kind: 'best-and-last' } }));

    const paused = await log.status(id, 'paused', 120_000);
    expect(paused.type === 'status' && paused.message).toMatch(
      /^Training failed: boom: a fault in the kernels\. Its weights of epoch 3 are saved/,
    );
    await service.settled();
    const record = JSON.parse(readFileSync(join(tmp.dir, 'runs', `${id}.json`), 'utf8'));
    expect(record.latestModel).toBe('checkpoint-epoch-3.fathom.json');
    expect(record.checkpoints).toEqual(['checkpoint-epoch-3.fathom.json']);
    const dir = join(tmp.dir, 'runs', id);
    expect(existsSync(join(dir, 'checkpoint-epoch-1.fathom.json'))).toBe(false);
    expect((await loadModelFile(join(dir, 'checkpoint-epoch-3.fathom.json'))).file.history).toHaveLength(3);
    const [run] = await service.listRuns();
    expect(run).toMatchObject({ status: 'paused' });
    expect(run!.history).toHaveLength(3);

    await service.resumeRun({ runId: id });
    const next = await log.waitFor(
      (e) => e.runId === id && e.type === 'epoch' && e.report.epoch > 3,
      120_000,
      'an epoch of the resumed run',
    );
    expect(next.type === 'epoch' && (next.before?.[0] ?? next.report).epoch).toBe(4);
    await service.stopRun({ runId: id });
    await service.dispose();
  }, 300_000);
});
