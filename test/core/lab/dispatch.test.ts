/** The dispatcher (core/lab/dispatch.ts): every call is checked against its verb's schema, then waits once for the backend to be ready. */
import { describe, expect, it } from 'vitest';
import { callLab, LabRequestError, trustedLab, type LabBackend } from '@core/lab/dispatch';
import { LAB_METHODS, LAB_VERBS, labVerbs, type LabVerb } from '@core/lab/verbs';

/** A backend whose handlers record their calls, and whose readiness the test controls. */
function backend(ready: () => Promise<void> = async () => undefined) {
  const log: string[] = [];
  const lab: LabBackend = {
    ready: async () => {
      log.push('ready');
      await ready();
    },
    handlers: labVerbs(async (verb, request) => {
      log.push(`${verb} ${JSON.stringify(request)}`);
      return verb === 'listRuns' ? [] : undefined;
    }),
  };
  return { lab, log };
}

describe('callLab', () => {
  it('checks the request, waits for ready() once, then calls the verb’s handler with the checked copy', async () => {
    const { lab, log } = backend();
    expect(await callLab(lab, 'listRuns', undefined)).toEqual([]);
    await callLab(lab, 'pauseRun', { runId: 'r-1' });
    expect(log).toEqual(['ready', 'listRuns undefined', 'ready', 'pauseRun {"runId":"r-1"}']);
  });

  it('refuses an unknown verb or a bad request before asking the backend anything', async () => {
    const { lab, log } = backend();
    await expect(callLab(lab, 'formatDisk', {})).rejects.toThrow('lab.formatDisk refused its request: there is no such lab method');
    await expect(callLab(lab, 'toString', undefined)).rejects.toThrow(/there is no such lab method/); // not a verb, though every object has it
    await expect(callLab(lab, 'pauseRun', { runId: '../x' })).rejects.toThrow(LabRequestError);
    expect(log).toEqual([]);
  });

  it('passes on why the backend is not ready, and calls no handler', async () => {
    const { lab, log } = backend(async () => {
      throw new Error('The lab cannot use its runs folder');
    });
    await expect(callLab(lab, 'listRuns', undefined)).rejects.toThrow('The lab cannot use its runs folder');
    expect(log).toEqual(['ready']);
  });
});

describe('the verb table', () => {
  it('names every verb once, each with a request schema', () => {
    expect(new Set(LAB_METHODS).size).toBe(LAB_METHODS.length);
    expect(LAB_METHODS).toEqual(Object.keys(LAB_VERBS));
    for (const verb of LAB_METHODS) expect(typeof LAB_VERBS[verb].request.safeParse, verb).toBe('function');
  });

  it('makes one method per verb for trusted callers: no schema check, but each waits for ready()', async () => {
    const { lab, log } = backend();
    const verbs = trustedLab(lab);
    expect(Object.keys(verbs).sort()).toEqual([...LAB_METHODS].sort());
    await verbs.pauseRun({ runId: 'not checked: ../x' });
    expect(log).toEqual(['ready', 'pauseRun {"runId":"not checked: ../x"}']);
    const verb: LabVerb = 'listRuns';
    expect(await verbs[verb]()).toEqual([]);
  });
});
