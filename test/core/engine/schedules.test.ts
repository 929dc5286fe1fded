import { describe, expect, it } from 'vitest';
import { DEFAULT_SCHEDULE, LearningRateSchedule, plannedRates, scheduleProblems, type ScheduleSettings } from '@core/engine/schedules';

const schedule = (settings: Partial<ScheduleSettings>, base = 1, epochs = 10, batches = 4) =>
  new LearningRateSchedule(base, { ...DEFAULT_SCHEDULE, ...settings }, epochs, batches);

describe('learning-rate schedules', () => {
  it('constant keeps η for every batch of every epoch', () => {
    const s = schedule({ kind: 'constant' }, 3);
    for (const epoch of [1, 5, 10]) for (const batch of [0, 3]) expect(s.rate({ epoch, batch })).toBe(3);
  });

  it('step decay multiplies η by γ every N epochs, changing only at an epoch boundary', () => {
    const s = schedule({ kind: 'step', decay: 0.5, every: 3 });
    expect([1, 2, 3].map((epoch) => s.rate({ epoch, batch: 2 }))).toEqual([1, 1, 1]);
    expect(s.rate({ epoch: 4, batch: 0 })).toBe(0.5);
    expect(s.rate({ epoch: 7, batch: 3 })).toBe(0.25);
  });

  it('exponential decay is η·γ^(epoch − 1), never below the floor', () => {
    const s = schedule({ kind: 'exponential', decay: 0.5, minLearningRate: 0.1 });
    expect(s.rate({ epoch: 1, batch: 3 })).toBe(1);
    expect(s.rate({ epoch: 3, batch: 0 })).toBe(0.25);
    expect(s.rate({ epoch: 9, batch: 0 })).toBe(0.1);
  });

  it('cosine anneals from η to the floor over the run, batch by batch: half-way at the middle', () => {
    const s = schedule({ kind: 'cosine', minLearningRate: 0.2 }, 1, 10, 4);
    expect(s.rate({ epoch: 1, batch: 0 })).toBe(1);
    expect(s.rate({ epoch: 6, batch: 0 })).toBeCloseTo(0.6, 12); // step 20 of 40
    expect(s.rate({ epoch: 1, batch: 1 })).toBeLessThan(1);
    expect(s.rate({ epoch: 10, batch: 3 })).toBeCloseTo(0.2 + 0.4 * (1 + Math.cos((Math.PI * 39) / 40)), 12);
  });

  it('linear warm-up climbs to η over its batches, then the schedule starts from η', () => {
    const s = schedule({ kind: 'cosine', warmupEpochs: 2 }, 1, 10, 4);
    expect([0, 1, 2, 3].map((batch) => s.rate({ epoch: 1, batch }))).toEqual([1 / 8, 2 / 8, 3 / 8, 4 / 8]);
    expect(s.rate({ epoch: 2, batch: 3 })).toBe(1);
    // The cosine runs over the 8 epochs after the warm-up: half-way at epoch 7.
    expect(s.rate({ epoch: 3, batch: 0 })).toBe(1);
    expect(s.rate({ epoch: 7, batch: 0 })).toBeCloseTo(0.5, 12);
  });

  it('reduce-on-plateau cuts η by γ once the loss has not improved for more than `patience` epochs', () => {
    const s = schedule({ kind: 'plateau', decay: 0.1, patience: 2 });
    const losses = [1, 0.5, 0.5, 0.5, 0.4999999, 0.5, 0.3];
    const rates: number[] = [];
    losses.forEach((loss, i) => {
      rates.push(s.rate({ epoch: i + 1, batch: 0 }));
      s.endEpoch(loss);
    });
    rates.push(s.rate({ epoch: 8, batch: 0 }));
    // Epochs 3, 4 and 5 do not improve on 0.5 by the 1e-4 threshold: the third bad epoch cuts η.
    expect(rates).toEqual([1, 1, 1, 1, 1, 0.1, 0.1, 0.1]);
  });

  it('plateau ignores a missing or non-finite loss, and replays a resumed run to the same η', () => {
    const s = schedule({ kind: 'plateau', decay: 0.5, patience: 0 });
    s.endEpoch(undefined);
    s.endEpoch(NaN);
    expect(s.rate({ epoch: 3, batch: 0 })).toBe(1);
    const losses = [1, 1, 0.5, 0.6];
    losses.forEach((loss) => s.endEpoch(loss));
    const again = schedule({ kind: 'plateau', decay: 0.5, patience: 0 });
    again.replay(losses);
    expect(again.rate({ epoch: 5, batch: 0 })).toBe(s.rate({ epoch: 5, batch: 0 }));
    expect(again.rate({ epoch: 5, batch: 0 })).toBe(0.25);
  });

  it('a manual change mid-run sets η now and scales the rest of the schedule from that level', () => {
    const s = schedule({ kind: 'step', decay: 0.5, every: 2 });
    expect(s.rate({ epoch: 2, batch: 1 })).toBe(1);
    s.setManual(0.3, { epoch: 2, batch: 1 });
    expect(s.rate({ epoch: 2, batch: 1 })).toBeCloseTo(0.3, 15);
    expect(s.rate({ epoch: 3, batch: 0 })).toBeCloseTo(0.15, 15);
    const constant = schedule({ kind: 'constant' }, 3);
    constant.setManual(0.5, { epoch: 4, batch: 0 });
    expect(constant.rate({ epoch: 9, batch: 2 })).toBe(0.5);
  });

  it('plans η per epoch for the plot beside the setting', () => {
    expect(plannedRates(1, { ...DEFAULT_SCHEDULE, kind: 'step', decay: 0.5, every: 1 }, 4, 10)).toEqual([1, 0.5, 0.25, 0.125]);
  });

  it('names each bad number with its field and the reason', () => {
    const bad = scheduleProblems({ kind: 'cosine', warmupEpochs: 10, decay: 1, every: 0, minLearningRate: 2, patience: -1 }, 1, 10);
    expect(bad.map((p) => p.field)).toEqual([
      'schedule.warmupEpochs',
      'schedule.decay',
      'schedule.every',
      'schedule.minLearningRate',
      'schedule.patience',
    ]);
    expect(bad[0]!.message).toMatch(/shorter than the run \(10 epochs\)/);
    expect(scheduleProblems(DEFAULT_SCHEDULE, 3, 30)).toEqual([]);
  });
});
