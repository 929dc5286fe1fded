import { describe, expect, it } from 'vitest';
import { DEFAULT_TRAIN_SETTINGS } from '@core/engine/spec';
import { EDITING_WHILE_TRAINING, trainingNote } from '@renderer/model/design/training-note';

type Status = 'queued' | 'running' | 'paused' | 'finished' | 'stopped' | 'failed';
const run = (id: string, status: Status, extra: { epoch?: number; number?: number; queuePosition?: number } = {}) => ({
  id,
  name: `784-30-10 sgd η=3 (${id})`,
  status,
  settings: { ...DEFAULT_TRAIN_SETTINGS, epochs: 1000 },
  history: [],
  ...(extra.number !== undefined ? { number: extra.number } : {}),
  ...(extra.queuePosition !== undefined ? { queuePosition: extra.queuePosition } : {}),
  progress: extra.epoch !== undefined ? { epoch: extra.epoch } : null,
});

describe('the Design tab’s note of a run training', () => {
  it('says nothing when no run trains', () => {
    expect(trainingNote([])).toBeNull();
    expect(trainingNote([run('a', 'finished'), run('b', 'stopped'), run('c', 'failed')])).toBeNull();
  });

  it('names the run that trains, its epoch with thousands separators, and how many others are active', () => {
    const note = trainingNote([
      run('q', 'queued', { queuePosition: 1 }),
      run('r', 'running', { epoch: 3, number: 7 }),
      run('f', 'finished'),
    ]);
    expect(note).toEqual({ runId: 'r', name: '#7 784-30-10 sgd η=3 (r)', state: 'training · epoch 3 / 1,000', others: 1 });
  });

  it('says when the run is paused or waiting in the queue', () => {
    expect(trainingNote([run('p', 'paused', { epoch: 12 })])?.state).toBe('paused at epoch 12 / 1,000');
    expect(trainingNote([run('q', 'queued', { queuePosition: 2 })])?.state).toBe('queued, 2 in line');
  });

  it('says what editing the design does to it: nothing', () => {
    expect(EDITING_WHILE_TRAINING).toMatch(/does not change it/);
  });
});
