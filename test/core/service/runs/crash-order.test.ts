/**
 * A lab process killed (SIGKILL) at each step of a checkpoint's replacement, and once at any instant,
 * or while it appends to the run's history log, leaves a run the next lab can resume (issue 18 §1):
 * the record names files that exist, each holds the epochs its name says, the history covers them,
 * and resuming starts from them; a torn log is read up to its last whole line and written again. The killed lab is a real process with a
 * real training worker (fixtures/crash-lab.ts); the next lab runs here on fake workers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModelFile } from '@core/model/model-files';
import { checkpointEpoch } from '@core/service/runs/checkpoints';
import { parseHistoryLog } from '@core/service/runs/history-log';
import { fakeWorkers } from '../fake-worker';
import { makeService, tempDataDir } from '../helpers';

const CHILD = fileURLToPath(new URL('./fixtures/crash-lab.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

const tmps: { remove(): void }[] = [];
afterEach(() => {
  for (const t of tmps.splice(0)) t.remove();
});

/** Runs the crash lab until it is killed: by itself at `killAt`, or (`outside`) by this test once it has done a few epochs. */
function crashLab(dataDir: string, killAt: string): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir, killAt, '3'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the crash lab did not die at ${killAt} within 150 s: ${stderr}`));
    }, 150_000);
    let named = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      // From outside: a few epochs after the record first names a checkpoint, wherever the lab is then.
      named += (chunk.toString().match(/^named$/gm) ?? []).length;
      if (killAt === 'outside' && named >= 3) child.kill('SIGKILL');
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      resolve(signal);
    });
  });
}

describe('A lab killed while it replaces a checkpoint', () => {
  for (const killAt of ['file-written', 'record-written', 'old-deleted', 'history-appended', 'history-torn', 'outside'])
    it(`leaves a run the next lab resumes from its newest named checkpoint: killed ${killAt === 'outside' ? 'at any instant' : `when the ${killAt.replace('-', ' ')}`}`, async () => {
      const tmp = tempDataDir();
      tmps.push(tmp);
      expect(await crashLab(tmp.dir, killAt)).toBe('SIGKILL');

      const fakes = fakeWorkers();
      const lab = makeService(tmp.dir, { workerFactory: fakes.factory });
      const [run] = await lab.listRuns();
      expect(run).toMatchObject({ status: 'paused' });
      expect(run!.message).not.toContain(tmp.dir);
      const id = run!.id;
      const record = JSON.parse(readFileSync(join(tmp.dir, 'runs', `${id}.json`), 'utf8'));
      const dir = join(tmp.dir, 'runs', id);
      // Every file the record names is there and holds the epochs its name says; no stray checkpoint is left.
      expect(record.latestModel).toMatch(/^checkpoint-epoch-\d+\.fathom\.json$/);
      for (const name of [record.latestModel, record.bestModel, ...record.checkpoints]) expect(existsSync(join(dir, name))).toBe(true);
      const latestEpoch = checkpointEpoch(record.latestModel)!;
      const { file } = await loadModelFile(join(dir, record.latestModel));
      expect(file.history).toHaveLength(latestEpoch);
      expect(run!.history.length).toBeGreaterThanOrEqual(latestEpoch);
      expect(run!.history.map((r) => r.epoch)).toEqual(Array.from({ length: run!.history.length }, (_, i) => i + 1));
      expect(readdirSync(dir).filter((n) => checkpointEpoch(n) !== null)).toEqual([record.latestModel]);
      const points = await lab.rollbackPoints({ runId: id });
      expect(points.epochs).toContain(latestEpoch);

      await lab.resumeRun({ runId: id });
      const resumed = fakes.workers.get(id)!;
      expect(resumed.data.resume!.history).toHaveLength(latestEpoch);
      await lab.dispose();
      // The log the next lab appends to has only whole lines (a torn one was written again whole).
      const log = parseHistoryLog(readFileSync(join(tmp.dir, 'runs', `${id}.history.jsonl`), 'utf8'), Infinity);
      expect(log.sound).toBe(true);
      expect(log.history.length).toBeGreaterThanOrEqual(latestEpoch);
    }, 200_000);
});
