/** Run names are refused with control characters, as dataset names are (issue 18 §10): they reach lists, terminals and file names. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_TRAIN_SETTINGS } from '@core/engine/spec';
import { renameDatasetSchema, startRunSchema } from '@core/lab/schemas';

const run = (name?: string) => ({
  ...(name === undefined ? {} : { name }),
  spec: {
    inputSize: 784,
    layers: [
      { units: 30, activation: 'sigmoid' },
      { units: 10, activation: 'sigmoid' },
    ],
    loss: 'quadratic',
    init: 'normal',
  },
  settings: DEFAULT_TRAIN_SETTINGS,
  datasetId: 'mnist',
  scaling: 'min-max',
  validation: false,
});

const HOSTILE = ['nul\u0000here', 'line\nbreak', 'carriage\rreturn', 'tab\there', 'clear \u001b[2J', 'del\u007f', 'c1 csi \u009b2J'];

describe('names with control characters', () => {
  it.each(HOSTILE.map((name) => [JSON.stringify(name), name]))('refuses the run name %s, as a dataset name', (_, name) => {
    const runResult = startRunSchema.safeParse(run(name));
    expect(runResult.success).toBe(false);
    expect(runResult.error?.issues[0]).toMatchObject({ path: ['name'], message: 'no control characters' });
    const datasetResult = renameDatasetSchema.safeParse({ datasetId: 'a', name });
    expect(datasetResult.error?.issues[0]).toMatchObject({ path: ['name'], message: 'no control characters' });
  });

  it('accepts printable names, accents and symbols included, and a run with no name or a blank one (it gets the default)', () => {
    for (const name of [undefined, '', 'Nielsen 784-30-10 η=3', 'Réseau « test » ✓'])
      expect(startRunSchema.safeParse(run(name)).success).toBe(true);
  });
});
