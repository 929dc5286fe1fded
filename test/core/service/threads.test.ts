import { describe, expect, it } from 'vitest';
import { resolveThreads, type ThreadsContext } from '../../../core/service/threads';
import { quickRun } from './helpers';

const context = (patch: Partial<ThreadsContext> = {}): ThreadsContext => ({
  spec: quickRun().spec,
  batchSize: 256,
  cores: 2,
  otherRuns: 0,
  backend: 'js',
  ...patch,
});

describe('resolveThreads', () => {
  it('keeps a number the user chose, whatever else trains', () => {
    expect(resolveThreads(3, context({ otherRuns: 4, batchSize: 10 }))).toBe(3);
    expect(resolveThreads(1, context())).toBe(1);
  });

  it('auto adds no threads while another run trains', () => {
    expect(resolveThreads('auto', context({ otherRuns: 1 }))).toBe(1);
    expect(resolveThreads(undefined, context({ otherRuns: 1 }))).toBe(1);
  });

  it('auto, alone on the machine, splits only where it was measured to pay', () => {
    expect(resolveThreads('auto', context())).toBe(2);
    expect(resolveThreads('auto', context({ batchSize: 10 }))).toBe(1);
    expect(resolveThreads('auto', context({ cores: 1 }))).toBe(1);
  });
});
