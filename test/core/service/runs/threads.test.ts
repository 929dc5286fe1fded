import { describe, expect, it } from 'vitest';
import { threadsAtLaunch } from '@core/service/runs/threads';

describe('threadsAtLaunch', () => {
  it('keeps a number the user chose, whatever else trains', () => {
    expect(threadsAtLaunch(3, 4)).toBe(3);
    expect(threadsAtLaunch(1, 0)).toBe(1);
  });

  it('auto adds no threads while another run trains', () => {
    expect(threadsAtLaunch('auto', 1)).toBe(1);
    expect(threadsAtLaunch(undefined, 2)).toBe(1);
  });

  it('auto, alone, is left to the policy in the worker (which knows its kernels)', () => {
    expect(threadsAtLaunch('auto', 0)).toBe('auto');
    expect(threadsAtLaunch(undefined, 0)).toBe('auto');
  });
});
