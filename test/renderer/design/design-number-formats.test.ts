/**
 * The numbers the designer's settings turn into on other screens read the one way (model/format.ts):
 * counts with thousands separators, tiny values as powers of ten, never JavaScript's e-notation.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_TRAIN_SETTINGS, type NetworkSpec } from '@core/engine/spec';
import { describeRun } from '@renderer/model/train/run-diff';
import { explainNonFinite } from '@renderer/model/train/explain';
import { describeResults } from '@renderer/model/train/run-record';
import { trainingNote } from '@renderer/model/design/training-note';
import { epochReport } from '../train/fixtures';

const spec: NetworkSpec = {
  inputSize: 784,
  layers: [
    { units: 30, activation: 'sigmoid' },
    { units: 10, activation: 'sigmoid' },
  ],
  loss: 'quadratic',
  init: 'normal',
};
const settings = {
  ...DEFAULT_TRAIN_SETTINGS,
  epochs: 100_000,
  batchSize: 1000,
  l2: 2.5e-7,
  learningRate: 3e-7,
  optimizer: 'momentum' as const,
  momentum: 0.9,
};

describe('numbers from the design, on every screen', () => {
  it('a run’s settings: 100,000 epochs, λ 2.5×10⁻⁷, batch 1,000', () => {
    const fields = Object.fromEntries(describeRun({ spec, settings, datasetId: 'mnist', scaling: 'min-max' }).map((f) => [f.key, f.value]));
    expect(fields['epochs']).toBe('100,000');
    expect(fields['batchSize']).toBe('1,000');
    expect(fields['l2']).toBe('2.5×10⁻⁷');
    expect(fields['optimizer']).toBe('momentum (μ 0.9)');
    expect(Object.values(fields).join(' ')).not.toMatch(/\de[-+]?\d/);
  });

  it('a blow-up’s tips name η as a power of ten and the batch with separators', () => {
    const text = explainNonFinite({ what: 'loss', epoch: 1200, batch: 4000 }, { spec, settings });
    expect(text.detail).toContain('at epoch 1,200, batch 4,000');
    expect(text.tips[0]).toContain('(it is 3×10⁻⁷ now)');
    expect([text.detail, ...text.tips].join(' ')).not.toMatch(/\de[-+]?\d/);
  });

  it('a run’s results and the Design tab’s note count epochs with separators', () => {
    const report = epochReport(12_000, { testLoss: 0.2, testAccuracy: 0.95 });
    const results = Object.fromEntries(describeResults({ history: [report] }).map((f) => [f.key, f.value]));
    expect(Object.values(results).join(' ')).toContain('(epoch 12,000)');
    const note = trainingNote([{ id: 'r', name: 'r', status: 'running', settings, history: [], progress: { epoch: 12_000 } }]);
    expect(note?.state).toBe('training · epoch 12,000 / 100,000');
  });
});
