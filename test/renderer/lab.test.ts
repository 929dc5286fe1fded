// @vitest-environment happy-dom
/** The renderer's one way to the lab: the message a person reads from a failed call, and attempt(). */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LabApi } from '@core/lab/contract';
import { LabRequestError } from '@core/lab/dispatch';
import { attempt, couldNot, labErrorText } from '@renderer/lab';

describe('labErrorText', () => {
  it('strips the wrapping Electron puts around errors thrown in main', () => {
    expect(
      labErrorText(new Error('Error invoking remote method \'lab:stepRun\': LabError: Run "x" is running: pause it before stepping.')),
    ).toBe('Run "x" is running: pause it before stepping.');
    expect(labErrorText('plain')).toBe('plain');
  });

  it('strips what Electron adds to a rejected invoke', () => {
    expect(labErrorText(new Error('Error invoking remote method \'lab:getWeights\': LabError: There is no open model "m".'))).toBe(
      'There is no open model "m".',
    );
    expect(labErrorText(new Error('plain'))).toBe('plain');
    expect(labErrorText('text')).toBe('text');
  });

  it('reads a plain Error thrown in main and a refused request, wrapped by Electron or not', () => {
    expect(labErrorText(new Error('Error invoking remote method \'lab:deleteDataset\': Error: Run "x" is running on this dataset.'))).toBe(
      'Run "x" is running on this dataset.',
    );
    const refused = new LabRequestError('startRun', ['settings.learningRate: Too big: expected number to be <=1000000']);
    const expected = 'lab.startRun refused its request: settings.learningRate: Too big: expected number to be <=1000000';
    expect(labErrorText(refused)).toBe(expected);
    expect(labErrorText(new Error(`Error invoking remote method 'lab:startRun': ${String(refused)}`))).toBe(expected);
  });
});

describe('attempt', () => {
  afterEach(() => {
    Reflect.deleteProperty(window, 'lab');
  });

  it('returns the answer, or the readable message of a refusal instead of throwing', async () => {
    const lab = { listRuns: vi.fn(async () => []), deleteRun: vi.fn() } as unknown as LabApi;
    window.lab = lab;
    expect(await attempt((l) => l.listRuns())).toEqual({ ok: true, value: [] });
    vi.mocked(lab.deleteRun).mockRejectedValueOnce(new Error('Error invoking remote method \'lab:deleteRun\': LabError: No run "r".'));
    expect(await attempt((l) => l.deleteRun({ runId: 'r' }))).toEqual({ ok: false, message: 'No run "r".' });
  });

  it('says so when there is no window.lab (the preload did not run)', async () => {
    expect(await attempt((l) => l.listRuns())).toEqual({ ok: false, message: 'window.lab is missing: the preload did not run.' });
  });

  it('words a store’s failure the same everywhere', () => {
    expect(couldNot('start the run', 'The design has problems.')).toBe('Could not start the run: The design has problems.');
  });
});
