import { describe, expect, it } from 'vitest';
import { LabRequestError, parseLabRequest } from '@core/lab/dispatch';

const refusal = (request: unknown): string => {
  try {
    parseLabRequest('resumeFromEpoch', request);
  } catch (error) {
    expect(error).toBeInstanceOf(LabRequestError);
    return (error as Error).message;
  }
  throw new Error(`${JSON.stringify(request)} was accepted`);
};

describe('resumeFromEpoch: the request', () => {
  it('takes a run, an epoch (0 = the initial weights) and a positive η', () => {
    expect(parseLabRequest('resumeFromEpoch', { runId: 'a-1', epoch: 0, learningRate: 0.01 })).toEqual({
      runId: 'a-1',
      epoch: 0,
      learningRate: 0.01,
    });
    expect(parseLabRequest('resumeFromEpoch', { runId: 'a', epoch: 12, learningRate: 3 }).epoch).toBe(12);
  });

  it('refuses a missing, negative, fractional or non-numeric epoch, a bad η and unknown keys, naming the field', () => {
    expect(refusal({ runId: 'a', learningRate: 0.01 })).toMatch(/^lab\.resumeFromEpoch refused its request: epoch: /);
    expect(refusal({ runId: 'a', epoch: -1, learningRate: 0.01 })).toContain(
      'epoch: epoch must be 0 (the initial weights) or a saved epoch',
    );
    expect(refusal({ runId: 'a', epoch: 2.5, learningRate: 0.01 })).toContain('epoch: epoch must be a whole number');
    expect(refusal({ runId: 'a', epoch: '3', learningRate: 0.01 })).toContain('epoch: ');
    expect(refusal({ runId: 'a', epoch: 3, learningRate: 0 })).toContain('learningRate: ');
    expect(refusal({ runId: 'a', epoch: 3, learningRate: Infinity })).toContain('learningRate: ');
    expect(refusal({ runId: '../x', epoch: 3, learningRate: 1 })).toContain('runId: ');
    expect(refusal({ runId: 'a', epoch: 3, learningRate: 1, weights: [] })).toContain('weights');
  });
});
