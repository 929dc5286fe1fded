/**
 * The inspect verbs of window.lab as stubs that reject, for renderer tests that never inspect a
 * model: spread into a fake LabApi so it stays complete as the contract grows.
 */
import { vi } from 'vitest';
import type { LabApi } from '@core/lab/contract';

type InspectVerbs =
  'openModel' | 'openRunModel' | 'closeModel' | 'getWeights' | 'evaluateModel' | 'getTestImages' | 'traceActivations' | 'gradientCheck';

export function unusedInspectMethods(): Pick<LabApi, InspectVerbs> {
  const fail = async (): Promise<never> => {
    throw new Error('not used by this test');
  };
  return {
    openModel: vi.fn(fail),
    openRunModel: vi.fn(fail),
    closeModel: vi.fn(fail),
    getWeights: vi.fn(fail),
    evaluateModel: vi.fn(fail),
    getTestImages: vi.fn(fail),
    traceActivations: vi.fn(fail),
    gradientCheck: vi.fn(fail),
  };
}
