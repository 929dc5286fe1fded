import { describe, it, expect } from 'vitest';
import type { Samples } from '@core/data/dataset';
import { Network } from '@core/engine/network';
import { Rng } from '@core/engine/rng';
import type { NetworkSpec, TrainSettings } from '@core/engine/spec';
import { Trainer } from '@core/engine/trainer';
import { describeNonFinite, TrainingSession } from '@core/service/worker/training-session';
import type { WorkerMessage } from '@core/service/worker/protocol';

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

function session(overrides: Partial<TrainSettings> = {}) {
  const net = Network.create(spec, new Rng(1));
  const data = toyData();
  const trainer = new Trainer(net, { train: data, test: data }, { ...settings, ...overrides });
  const posted: WorkerMessage[] = [];
  const s = new TrainingSession(trainer, (m) => posted.push(m));
  let seq = 0;
  const send = (type: 'pause' | 'resume' | 'step' | 'stop' | 'snapshot') => s.handle({ type, seq: ++seq });
  return { net, trainer, posted, session: s, send };
}

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

  it('ends an epoch on its last batch and sends the report after that batch’s progress', () => {
    const { posted, send } = session();
    send('pause');
    for (let i = 0; i < 8; i++) send('step'); // 64 samples / 8 = 8 batches
    const types = posted.filter((m) => m.type === 'progress' || m.type === 'epoch').map((m) => m.type);
    expect(types.slice(-2)).toEqual(['progress', 'epoch']);
    const epoch = posted.find((m) => m.type === 'epoch');
    expect(epoch?.type === 'epoch' && epoch.report.epoch).toBe(1);
    expect(epoch?.type === 'epoch' && epoch.weights.w.map((w) => w.length)).toEqual([20, 10]);
  });

  it('trains to the end in run() and reports finished', async () => {
    const { posted, session: s } = session();
    await s.run();
    expect(s.ended).toBe(true);
    expect(steps(posted)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    expect(posted.filter((m) => m.type === 'epoch')).toHaveLength(3);
    expect(posted.at(-1)).toEqual({ type: 'finished', reason: 'reached 3 epochs' });
  });

  it('stop sends the weights of the last finished step and ends the loop', async () => {
    const { posted, send, session: s, net } = session();
    send('pause');
    send('step');
    send('stop');
    await s.run();
    const stopped = posted.find((m) => m.type === 'stopped');
    expect(stopped?.type === 'stopped' && Array.from(stopped.weights.w[0]!)).toEqual(Array.from(net.w[1]!));
    expect(posted.at(-1)).toEqual({ type: 'ack', seq: 3 });
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
