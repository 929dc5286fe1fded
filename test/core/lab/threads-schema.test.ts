import { describe, expect, it } from 'vitest';
import { LabRequestError, parseLabRequest } from '@core/lab/dispatch';
import { quickRun } from '../service/helpers';

const refusal = (threads: unknown): string => {
  try {
    parseLabRequest('startRun', { ...quickRun(), threads });
  } catch (error) {
    expect(error).toBeInstanceOf(LabRequestError);
    return (error as Error).message;
  }
  throw new Error(`threads ${JSON.stringify(threads)} was accepted`);
};

describe('startRun: the threads option', () => {
  it('takes auto, 1 … 16, or nothing (auto)', () => {
    for (const threads of ['auto', 1, 2, 16] as const)
      expect(parseLabRequest('startRun', { ...quickRun(), threads }).threads).toBe(threads);
    expect(parseLabRequest('startRun', quickRun()).threads).toBeUndefined();
  });

  it.each([0, -1, 17, 2.5, NaN, '2', 'two', null, true, [2]])('refuses %j, naming the field and what it takes', (threads) => {
    expect(refusal(threads)).toBe('lab.startRun refused its request: threads: threads must be "auto" or a whole number from 1 to 16');
  });
});
