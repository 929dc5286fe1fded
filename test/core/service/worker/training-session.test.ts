import { describe, it, expect, vi } from 'vitest';
import type { Samples } from '@core/data/dataset';
import { Network } from '@core/engine/network';
import { Rng } from '@core/engine/rng';
import type { NetworkSpec, TrainSettings } from '@core/engine/spec';
import { Trainer } from '@core/engine/trainer';
import { describeNonFinite, evenly, TrainingSession } from '@core/service/worker/training-session';
import { GRADIENT_SAMPLES_PER_EVENT } from '@core/lab/contract';
import type { WorkerMessage } from '@core/service/worker/protocol';
import { Checkpointer } from '@core/service/worker/checkpointer';
import { checkpointPolicy } from '@core/service/runs/checkpoints';
import type { AtomicWriteFs } from '@core/files/atomic-write';
import { loadModelFile } from '@core/model/model-files';
import type { EpochReport } from '@core/engine/reports';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as fsp from 'node:fs/promises';

/** 64 samples of 4 inputs; the target is one-hot on whether the inputs sum above 2. */
function toyData(): Samples {
  const rng = new Rng(7);
  const count = 64;
  const inputs = new Float32Array(count * 4);
  const targets = new Float32Array(count * 2);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    let sum = 0;
    for (let j = 0; j < 4; j++) sum += inputs[i * 4 + j] = rng.uniform();
    const label = sum > 2 ? 1 : 0;
    labels[i] = label;
    targets[i * 2 + label] = 1;
  }
  return { count, inputSize: 4, outputSize: 2, inputs, targets, labels };
}

const spec: NetworkSpec = {
  inputSize: 4,
  layers: [
    { units: 5, activation: 'relu' },
    { units: 2, activation: 'linear' },
  ],
  loss: 'mse',
  init: 'he',
};
const settings: TrainSettings = {
  batchSize: 8,
  learningRate: 0.1,
  epochs: 3,
  optimizer: 'sgd',
  momentum: 0,
  l2: 0,
  seed: 3,
  stop: { kind: 'epochs' },
};

const DATASET = { name: 'toy', inputShape: [4], classes: ['low', 'high'], sizes: { train: 64, test: 64 }, files: [] };

/** A session on the toy data; with `files`, it writes its model files into a temp folder (through `fs`, if given). */
function session(overrides: Partial<TrainSettings> = {}, files?: { fs?: AtomicWriteFs; intervalMs?: number; now?: () => number }) {
  const net = Network.create(spec, new Rng(1));
  const data = toyData();
  const trainer = new Trainer(net, { train: data, test: data }, { ...settings, ...overrides });
  const posted: WorkerMessage[] = [];
  const history: EpochReport[] = [];
  let dir: string | undefined;
  let s: TrainingSession | undefined = undefined;
  let checkpointer: Checkpointer | undefined;
  if (files) {
    dir = mkdtempSync(join(tmpdir(), 'fathom-session-'));
    checkpointer = new Checkpointer({
      dir,
      spec,
      policy: checkpointPolicy(undefined, spec, { ...settings, ...overrides }.epochs),
      settings: () => ({ ...settings, ...overrides }),
      scaling: { kind: 'none' },
      history,
      ...files,
      onSaved: (saved) => s!.saved(saved),
      onFailure: (problem) => s!.saveFailed(problem),
    });
    checkpointer.setDatasetInfo(DATASET);
  }
  s = new TrainingSession(trainer, (m) => posted.push(m), {
    history,
    ...(checkpointer ? { checkpointer } : {}),
    ...(files?.now ? { now: files.now } : {}),
  });
  let seq = 0;
  const send = (type: 'pause' | 'resume' | 'step' | 'stop' | 'snapshot') => s!.handle({ type, seq: ++seq });
  return { net, trainer, posted, session: s, send, dir: dir!, remove: () => dir && rmSync(dir, { recursive: true, force: true }) };
}

/** The atomic writes' calls, with writes failing as on a full disk while `full.on`. */
function fullDisk() {
  const full = { on: true, failures: 0 };
  const fs: AtomicWriteFs = {
    open: (async (...args: Parameters<typeof fsp.open>) => {
      if (full.on) {
        full.failures++;
        throw Object.assign(new Error('ENOSPC: no space left on device, open'), { code: 'ENOSPC' });
      }
      return fsp.open(...args);
    }) as typeof fsp.open,
    rename: fsp.rename,
    unlink: fsp.unlink,
  };
  return { full, fs };
}

/** Generous: the writes go through the file system of a loaded machine. */
const WAIT = { timeout: 30_000 };

const reportsOf = (posted: WorkerMessage[]) => posted.flatMap((m) => (m.type === 'epochs' ? m.reports.map((r) => r.epoch) : []));

const steps = (posted: WorkerMessage[]) => posted.flatMap((m) => (m.type === 'progress' ? m.progress.points.map((p) => p.step) : []));

describe('TrainingSession', () => {
  it('steps exactly one mini-batch per step command while paused', () => {
    const { posted, send, trainer } = session();
    send('pause');
    expect(posted.map((m) => m.type)).toEqual(['status', 'ack']);
    send('step');
    send('step');
    send('step');
    expect(steps(posted)).toEqual([1, 2, 3]);
    expect(trainer.batchInEpoch).toBe(3);
    expect(posted.filter((m) => m.type === 'progress')).toHaveLength(3);
  });

  it('refuses to step a running run, and acks every command with its sequence number', () => {
    const { posted, send } = session();
    send('step');
    expect(posted).toEqual([{ type: 'ack', seq: 1, error: 'only a paused run can be stepped' }]);
  });

  it('ends an epoch on its last batch and sends the report after that batch’s progress; its checkpoint holds the epoch’s weights', async () => {
    const { posted, send, net, dir, remove } = session({}, {});
    send('pause');
    for (let i = 0; i < 8; i++) send('step'); // 64 samples / 8 = 8 batches
    const types = posted.filter((m) => m.type === 'progress' || m.type === 'epochs').map((m) => m.type);
    expect(types.slice(-2)).toEqual(['progress', 'epochs']);
    const epoch = posted.find((m) => m.type === 'epochs');
    expect(epoch?.type === 'epochs' && epoch.reports.map((r) => r.epoch)).toEqual([1]);
    const weights = net.w.slice(1).map((w) => Array.from(w!));
    await vi.waitFor(() => expect(posted.some((m) => m.type === 'saved')).toBe(true), WAIT);
    const saved = posted.find((m) => m.type === 'saved');
    expect(saved?.type === 'saved' && saved.files.map((f) => [f.kind, f.name, f.epoch])).toEqual([
      ['best', 'best.fathom.json', 1],
      ['checkpoint', 'checkpoint-epoch-1.fathom.json', 1],
    ]);
    expect(posted.indexOf(saved!)).toBeGreaterThan(posted.indexOf(epoch!)); // the record's history covers the file's epoch
    const { net: read, file } = await loadModelFile(join(dir, 'checkpoint-epoch-1.fathom.json'));
    expect(read.w.slice(1).map((w) => w!.length)).toEqual([20, 10]);
    expect(read.w.slice(1).map((w) => Array.from(w!))).toEqual(weights);
    expect(file.history.map((h) => h.epoch)).toEqual([1]);
    remove();
  });

  it('trains to the end in run() and reports finished, after its last epoch is on disk', async () => {
    const { posted, session: s, dir, remove } = session({}, {});
    await s.run();
    expect(s.ended).toBe(true);
    expect(steps(posted)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    expect(reportsOf(posted)).toEqual([1, 2, 3]);
    expect(posted.at(-1)).toEqual({ type: 'finished', reason: 'reached 3 epochs' });
    const saved = posted.flatMap((m) => (m.type === 'saved' ? m.files.map((f) => f.name) : []));
    expect(saved).toContain('checkpoint-epoch-3.fathom.json');
    expect(readdirSync(dir)).toContain('checkpoint-epoch-3.fathom.json');
    remove();
  });

  it('stop saves the weights of the last finished step and ends the loop', async () => {
    const { posted, send, session: s, net, dir, remove } = session({}, {});
    send('pause');
    send('step');
    send('stop');
    await s.run();
    expect(posted.find((m) => m.type === 'stopped')).toEqual({ type: 'stopped' });
    const saved = posted.find((m) => m.type === 'saved');
    expect(saved?.type === 'saved' && saved.files).toEqual([
      { kind: 'last-step', name: 'last-step.fathom.json', epoch: 0, bytes: expect.any(Number) },
    ]);
    const { net: read } = await loadModelFile(join(dir, 'last-step.fathom.json'));
    expect(Array.from(read.w[1]!)).toEqual(Array.from(net.w[1]!));
    expect(posted.at(-1)).toEqual({ type: 'ack', seq: 3 });
    remove();
  });

  it('on a full disk pauses with the reason instead of finishing, loses no epoch, and finishes once resumed with space', async () => {
    const { full, fs } = fullDisk();
    const { posted, session: s, send, dir, remove } = session({}, { fs });
    const running = s.run();
    await vi.waitFor(() => expect(posted.some((m) => m.type === 'status' && m.status === 'paused')).toBe(true), WAIT);
    const paused = posted.find((m) => m.type === 'status' && m.status === 'paused');
    expect(paused?.type === 'status' && paused.message).toMatch(
      /^Paused: this run's checkpoint could not be saved \(the disk is full\)\. .*resume/,
    );
    expect(posted.some((m) => m.type === 'finished')).toBe(false);
    expect(full.failures).toBeGreaterThan(0);
    expect(readdirSync(dir).filter((n) => n.endsWith('.fathom.json'))).toEqual([]);
    // Still full: resuming tries again and pauses again, with the reason.
    const pausesBefore = posted.filter((m) => m.type === 'status' && m.status === 'paused').length;
    send('resume');
    await vi.waitFor(
      () => expect(posted.filter((m) => m.type === 'status' && m.status === 'paused').length).toBeGreaterThan(pausesBefore),
      WAIT,
    );
    expect(posted.some((m) => m.type === 'finished')).toBe(false);
    // Space again: the held epochs are written, then the run finishes.
    full.on = false;
    send('resume');
    await running;
    expect(posted.at(-1)).toEqual({ type: 'finished', reason: 'reached 3 epochs' });
    expect(reportsOf(posted)).toEqual([1, 2, 3]);
    expect(readdirSync(dir)).toEqual(expect.arrayContaining(['best.fathom.json', 'checkpoint-epoch-3.fathom.json']));
    remove();
  });

  it('coalesces epochs: however fast they end, one epochs message per progress interval, none lost, the last always sent', async () => {
    // A clock that moves 0.1 ms per reading: a 100 ms interval spans many epochs of this toy run.
    let ms = 0;
    const { posted, session: s } = session({ epochs: 400 }, { now: () => (ms += 0.1), intervalMs: 1e9 });
    await s.run();
    const epochMessages = posted.filter((m) => m.type === 'epochs');
    expect(reportsOf(posted)).toEqual(Array.from({ length: 400 }, (_, i) => i + 1));
    expect(epochMessages.length).toBeLessThan(400 / 5);
    expect(posted.filter((m) => m.type === 'progress').length).toBeLessThanOrEqual(epochMessages.length + 1);
    expect(posted.at(-1)).toEqual({ type: 'finished', reason: 'reached 400 epochs' });
  });

  it('sends gradient norms from across each progress interval, not only its last batch: at most 32, evenly spread, the last included', async () => {
    let ms = 0;
    const { posted, session: s } = session({ epochs: 40 }, { now: () => (ms += 0.1), intervalMs: 1e9 });
    await s.run();
    const progress = posted.flatMap((m) => (m.type === 'progress' ? [m.progress] : []));
    expect(progress.some((p) => p.points.length > GRADIENT_SAMPLES_PER_EVENT)).toBe(true);
    for (const p of progress) {
      const samples = p.gradientSamples!;
      const steps = p.points.map((point) => point.step);
      expect(samples.length).toBe(Math.min(steps.length, GRADIENT_SAMPLES_PER_EVENT));
      expect(samples.every((g) => steps.includes(g.step))).toBe(true);
      expect(samples.at(-1)!.step).toBe(steps.at(-1));
      // Spread: the first sample lies in the first 1/32 of the interval's batches.
      expect(samples[0]!.step).toBeLessThanOrEqual(steps[Math.ceil(steps.length / GRADIENT_SAMPLES_PER_EVENT) - 1]!);
      expect(samples.at(-1)!.norms).toEqual(p.gradientNorms);
      for (const g of samples) expect(g.norms.every((n) => Number.isFinite(n) && n >= 0)).toBe(true);
    }
  });

  it('evenly: at most `most` items, spread, ending with the last', () => {
    expect(evenly([1, 2, 3], 5)).toEqual([1, 2, 3]);
    expect(evenly([...Array(10).keys()], 5)).toEqual([1, 3, 5, 7, 9]);
    expect(evenly([...Array(100).keys()], 4)).toEqual([24, 49, 74, 99]);
  });

  it('pauses on a non-finite gradient, names the layer and keeps finite weights', () => {
    const { posted, send, net } = session({ learningRate: 1e6 });
    send('pause');
    for (let i = 0; i < 8 && !posted.some((m) => m.type === 'non-finite'); i++) send('step');
    const guard = posted.find((m) => m.type === 'non-finite');
    expect(guard).toBeDefined();
    if (guard?.type !== 'non-finite') return;
    expect(guard.message).toMatch(/layer \d|the loss/);
    expect(guard.message).toMatch(/lower it/);
    for (let l = 1; l <= net.L; l++) expect(Array.from(net.w[l]!).every(Number.isFinite)).toBe(true);
  });

  it('takes a new learning rate between batches', () => {
    const { posted, session: s, send } = session();
    send('pause');
    s.handle({ type: 'set-learning-rate', seq: 9, learningRate: 0.01 });
    send('step');
    const progress = posted.find((m) => m.type === 'progress');
    expect(progress?.type === 'progress' && progress.progress.learningRate).toBe(0.01);
  });
});

describe('describeNonFinite', () => {
  it('names the layer in Nielsen’s numbering, the batch, and suggests a lower learning rate', () => {
    const text = describeNonFinite({ what: 'gradient', layer: 1, epoch: 2, batch: 7 }, 2, 100);
    expect(text).toContain('layer 2 (hidden layer 1)');
    expect(text).toContain('epoch 2, batch 7');
    expect(text).toContain('try 10');
    expect(describeNonFinite({ what: 'loss', epoch: 1, batch: 1 }, 2, 1)).toContain('the loss');
  });
});
