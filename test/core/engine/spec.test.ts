import { describe, it, expect } from 'vitest';
import { activations } from '../../../core/engine/activations';
import { losses } from '../../../core/engine/losses';
import { ACTIVATIONS, DEFAULT_TRAIN_SETTINGS, descentKind, LOSSES } from '../../../core/engine/spec';
import { trainingProblems } from '../../../core/engine/validate';
import { mnistSpec } from '../../fixtures/specs';

describe('spec', () => {
  it('names the three flavours of gradient descent by batch size', () => {
    expect(descentKind(1, 100)).toBe('stochastic');
    expect(descentKind(10, 100)).toBe('mini-batch');
    expect(descentKind(99, 100)).toBe('mini-batch');
    expect(descentKind(100, 100)).toBe('batch');
    expect(descentKind(5000, 100)).toBe('batch');
  });

  it('has default settings that pass validation (Nielsen: η = 3, batch 10, 30 epochs)', () => {
    const spec = mnistSpec();
    expect(trainingProblems(spec, DEFAULT_TRAIN_SETTINGS)).toEqual([]);
    expect(DEFAULT_TRAIN_SETTINGS).toMatchObject({ learningRate: 3, batchSize: 10, epochs: 30, optimizer: 'sgd' });
  });

  it('has an implementation for every activation and loss it names', () => {
    expect(Object.keys(activations).sort()).toEqual([...ACTIVATIONS].sort());
    expect(Object.keys(losses).sort()).toEqual([...LOSSES].sort());
  });
});
