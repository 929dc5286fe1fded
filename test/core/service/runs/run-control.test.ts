import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadModelFile } from '@core/model/model-files';
import type { LabService } from '@core/service/lab-service';
import { EventLog, lastStep, makeService, quickRun, stubDialogs, tempDataDir } from '../helpers';
import { mnistSpec } from '../../../fixtures/specs';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('LabService: controlling a run', () => {
  const tmp = tempDataDir();
  const savePaths: (string | null)[] = [];
  let service: LabService;
  let log: EventLog;
  beforeAll(() => {
    service = makeService(tmp.dir, { dialogs: stubDialogs(savePaths) });
    log = new EventLog(service);
  });
  afterAll(async () => {
    await service.dispose();
    tmp.remove();
  });

  it('pauses, steps exactly one batch, changes η, resumes and stops', async () => {
    const { id } = await service.startRun(quickRun({ settings: { epochs: 1000 } }));
    await log.waitFor((e) => e.runId === id && e.type === 'progress', 30_000, 'progress');

    await service.pauseRun({ runId: id });
    expect((await service.listRuns())[0]!.status).toBe('paused');
    const atPause = lastStep(log, id);
    expect(atPause).toBeGreaterThan(0);
    await sleep(150);
    expect(lastStep(log, id)).toBe(atPause); // nothing trains while paused

    await service.stepRun({ runId: id });
    expect(lastStep(log, id)).toBe(atPause + 1);
    await service.stepRun({ runId: id });
    expect(lastStep(log, id)).toBe(atPause + 2);
    expect((await service.listRuns())[0]!.status).toBe('paused');

    await service.setLearningRate({ runId: id, learningRate: 0.5 });
    await service.stepRun({ runId: id });
    const stepped = log
      .of(id)
      .filter((e) => e.type === 'progress')
      .at(-1);
    expect(stepped).toMatchObject({ learningRate: 0.5, points: [{ step: atPause + 3 }] });

    await service.resumeRun({ runId: id });
    await log.next((e) => e.runId === id && e.type === 'progress', 10_000, 'progress after resume');
    expect(lastStep(log, id)).toBeGreaterThan(atPause + 3);
    await expect(service.stepRun({ runId: id })).rejects.toThrow(/pause it before stepping/);

    // Mid-run change while running: later progress events carry the new η.
    await service.setLearningRate({ runId: id, learningRate: 0.25 });
    const after = await log.next((e) => e.runId === id && e.type === 'progress', 10_000, 'progress with the new η');
    expect(after).toMatchObject({ learningRate: 0.25 });
    // The base η stays as designed; each change is an event of the record, with the η before and after.
    const listed = (await service.listRuns())[0]!;
    expect(listed.settings.learningRate).toBe(3);
    const changes = listed.events!.filter((e) => e.kind === 'learning-rate');
    expect(changes.map((e) => [e.from, e.to])).toEqual([
      [3, 0.5],
      [0.5, 0.25],
    ]);
    expect(listed.events!.map((e) => e.kind)).toEqual(['pause', 'step', 'step', 'learning-rate', 'step', 'resume', 'learning-rate']);

    await service.stopRun({ runId: id });
    const statuses = log.of(id).flatMap((e) => (e.type === 'status' ? [e.status] : []));
    expect(statuses).toEqual(['queued', 'running', 'paused', 'running', 'stopped']);
    const stoppedAt = lastStep(log, id);
    await sleep(100);
    expect(lastStep(log, id)).toBe(stoppedAt);

    // The stopped run keeps the weights of its last finished step.
    const lastStepFile = join(tmp.dir, 'runs', id, 'last-step.fathom.json');
    expect(existsSync(lastStepFile)).toBe(true);
    const { file } = await loadModelFile(lastStepFile);
    expect(file.settings.learningRate).toBe(0.25);
    await expect(service.resumeRun({ runId: id })).rejects.toThrow(/has stopped/);
    await service.stopRun({ runId: id }); // stopping twice is harmless
  });

  it('pauses a run whose weights blow up, naming the layer, and keeps the weights finite', async () => {
    const request = quickRun({
      name: 'diverges',
      settings: { learningRate: 1e5, epochs: 5 },
    });
    request.spec = mnistSpec({ activation: 'relu', output: 'linear', loss: 'mse', init: 'he' });
    const { id } = await service.startRun(request);
    const guard = await log.waitFor((e) => e.runId === id && e.type === 'non-finite', 30_000, 'the NaN guard');
    const paused = await log.status(id, 'paused', 10_000);
    expect(guard).toMatchObject({ type: 'non-finite', detail: { what: 'gradient', layer: 1, epoch: 1 } });
    expect(paused.type === 'status' && paused.message).toMatch(/layer 2 \(hidden layer 1\) became NaN or infinite at epoch 1, batch \d+/);
    expect(paused.type === 'status' && paused.message).toMatch(/lower it/);
    const [, run] = await service.listRuns();
    expect(run).toMatchObject({ status: 'paused', message: expect.stringMatching(/learning rate/) });

    // The weights it kept are finite: a model file (which refuses NaN) can be built from them.
    const saved = join(tmp.dir, 'diverged.fathom.json');
    savePaths.push(saved);
    expect(await service.saveModel({ runId: id })).toEqual({
      saved: true,
      fileName: 'diverged.fathom.json',
      path: expect.stringMatching(/[\\/]diverged\.fathom\.json$/),
    });
    await loadModelFile(saved);

    // A lower η lets it carry on.
    await service.setLearningRate({ runId: id, learningRate: 0.01 });
    await service.resumeRun({ runId: id });
    const resumed = (await service.listRuns())[1]!;
    expect(resumed.status).toBe('running');
    expect(resumed.message).toBeUndefined();
    await service.stopRun({ runId: id });
  });

  it('deletes a run while it trains: its worker ends without the run failing, its files go', async () => {
    const { id } = await service.startRun(quickRun({ name: 'doomed', settings: { epochs: 1000 } }));
    await log.waitFor((e) => e.runId === id && e.type === 'epoch', 30_000, 'an epoch');
    await service.deleteRun({ runId: id });
    expect((await service.listRuns()).map((r) => r.id)).not.toContain(id);
    expect(existsSync(join(tmp.dir, 'runs', id))).toBe(false);
    expect(existsSync(join(tmp.dir, 'runs', `${id}.json`))).toBe(false);
    const after = log.events.length;
    await sleep(100);
    expect(log.events.slice(after).filter((e) => e.runId === id)).toEqual([]);
    expect(log.of(id).some((e) => e.type === 'status' && e.status === 'failed')).toBe(false);
  });
});
