import { describe, it, expect } from 'vitest';
import type { EpochReport } from '@core/engine/reports';
import { rollbackEpochs, suggestEpoch } from '@core/service/runs/rollback';
import { rollbackCut } from '@core/service/runs/rollback-files';
import { RUN_FORMAT, RUN_VERSION, type RunRecord } from '@core/service/runs/run-store';
import { checkpointName } from '@core/service/runs/checkpoints';
import { quickRun } from '../helpers';
import { fakeReport } from '../fake-worker';

const spec = quickRun().spec;
/** Epochs whose loss falls as 1/e, then these losses (and weight norms), as a run that blew up. */
function history(...tail: [loss: number, weightNorm: number][]): EpochReport[] {
  const sane = [1, 2, 3].map((e) => fakeReport(spec, e, 0.5, true));
  return [
    ...sane,
    ...tail.map(([loss, weightNorm], i) => ({
      ...fakeReport(spec, 4 + i, 0.1, false),
      testLoss: loss,
      trainLoss: loss,
      layers: sane[0]!.layers.map((l) => ({ ...l, weightNorm })),
    })),
  ];
}

function record(h: EpochReport[], checkpoints: number[], best = false): RunRecord {
  const request = quickRun();
  return {
    format: RUN_FORMAT,
    version: RUN_VERSION,
    summary: {
      id: 'r',
      name: 'r',
      createdAt: '',
      spec,
      settings: request.settings,
      datasetId: 'mnist',
      scaling: 'min-max',
      status: 'paused',
      history: h,
    },
    validation: false,
    checkpoints: checkpoints.map(checkpointName),
    latestModel: checkpointName(checkpoints.at(-1)!),
    ...(best ? { bestModel: 'best.fathom.json' } : {}),
    sizes: { train: 1, test: 1 },
  };
}

describe('which epoch a blown-up run goes back to', () => {
  it('skips epochs whose loss exploded (finite but ≫ the lowest before) and says which epochs it discards', () => {
    const h = history([1e47, 1e20], [3e46, 1e22]);
    expect(suggestEpoch(h, [0, 1, 2, 3, 4, 5])).toEqual({
      epoch: 3,
      reason: 'Epoch 3 is the latest saved epoch whose loss was still finite and not exploding. The epochs after it (4–5) are discarded.',
    });
  });

  it('refuses an epoch 1 that already blew up by its weights (1,000× their initial size), going back to the initial weights', () => {
    const h = [
      { ...fakeReport(spec, 1, 0.1, true), layers: fakeReport(spec, 1, 0.1, true).layers.map((l) => ({ ...l, weightNorm: 1e20 })) },
    ];
    expect(suggestEpoch(h, [0, 1], [10, 3]).epoch).toBe(0);
    expect(suggestEpoch(h, [0, 1], [10, 3]).reason).toMatch(/starts again from the initial weights/);
    expect(suggestEpoch(history(), [0, 3], [10, 3]).epoch).toBe(3); // weights of norm 1 are fine
    // A run from a model file goes back to the file's weights, and says so.
    expect(suggestEpoch(h, [0, 1], [10, 3], 'digits.onnx').reason).toMatch(/starts again from the weights of digits.onnx it started from/);
  });

  it('offers 0, the kept checkpoints and the best model, and cuts a run back to one of them', () => {
    // A run that keeps only its latest checkpoint (epoch 5, blown up) and its best (epoch 3).
    const h = history([1e47, 1e20], [3e46, 1e22]);
    const r = record(h, [5], true);
    expect(rollbackEpochs(r)).toEqual([0, 3, 5]);
    expect(suggestEpoch(h, rollbackEpochs(r)).epoch).toBe(3);
    expect(rollbackCut(r, 3)).toEqual([checkpointName(5), 'last-step.fathom.json']);
    expect(r).toMatchObject({ checkpoints: [], latestModel: 'best.fathom.json', bestModel: 'best.fathom.json' });
    expect(r.summary.history.map((x) => x.epoch)).toEqual([1, 2, 3]);

    const back = record(history(), [1, 2, 3], true);
    expect(rollbackCut(back, 0)).toEqual([
      checkpointName(1),
      checkpointName(2),
      checkpointName(3),
      'last-step.fathom.json',
      'best.fathom.json',
    ]);
    expect(back.latestModel).toBeUndefined();
    expect(back.bestModel).toBeUndefined();
    expect(back.summary.history).toEqual([]);
  });
});
