/** The renderer tests' one fake lab: complete, and refusing whatever a test did not say it uses. */
import { describe, expect, it, vi } from 'vitest';
import { LAB_METHODS } from '@core/lab/contract';
import { fakeLab, labEvents } from './fake-lab';

describe('fakeLab', () => {
  it('has every verb of the contract, each rejecting unless the test gives it', async () => {
    const lab = fakeLab({ listRuns: async () => [] });
    for (const verb of LAB_METHODS) expect(vi.isMockFunction(lab[verb]), verb).toBe(true);
    expect(await lab.listRuns()).toEqual([]);
    expect(lab.listRuns).toHaveBeenCalledTimes(1);
    await expect(lab.deleteRun({ runId: 'r' })).rejects.toThrow('lab.deleteRun was not expected in this test');
    expect(() => lab.onEvent(() => undefined)).toThrow('lab.onEvent was not expected in this test');
  });

  it('delivers events to the listeners subscribed through labEvents, until they unsubscribe', () => {
    const events = labEvents();
    const lab = fakeLab({ onEvent: events.onEvent });
    const seen: string[] = [];
    const stop = lab.onEvent((event) => seen.push(event.type));
    expect(events.listeners).toBe(1);
    events.emit({ type: 'status', runId: 'r', status: 'running' });
    stop();
    events.emit({ type: 'status', runId: 'r', status: 'paused' });
    expect(seen).toEqual(['status']);
    expect(events.listeners).toBe(0);
  });
});
