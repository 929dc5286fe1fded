import { describe, it, expect } from 'vitest';
import { SpecError } from '../../../core/engine/errors';
import type { EpochReport } from '../../../core/engine/reports';
import type { StopRule } from '../../../core/engine/spec';
import { StoppingRules } from '../../../core/engine/stopping';

/** An epoch report with just what the rules read. */
const epoch = (n: number, trainLoss: number, extra: Partial<EpochReport> = {}): EpochReport => ({
  epoch: n,
  trainLoss,
  trainAccuracy: null,
  samplesPerSecond: 0,
  seconds: 0,
  layers: [],
  isBest: false,
  ...extra,
});

const rules = (stop: StopRule, epochs = 100): StoppingRules => new StoppingRules({ epochs, stop }, true);

describe('StoppingRules', () => {
  it('refuses early stopping without a validation split', () => {
    const make = (): StoppingRules => new StoppingRules({ epochs: 5, stop: { kind: 'early-stopping', patience: 2 } }, false);
    expect(make).toThrow(SpecError);
    expect(make).toThrow(/validation split/);
    expect(() => new StoppingRules({ epochs: 5, stop: { kind: 'epochs' } }, false)).not.toThrow();
  });

  it('judges by accuracy, by −loss without labels, and skips an epoch with nothing evaluated', () => {
    const byAccuracy = rules({ kind: 'epochs' });
    expect(byAccuracy.judge({ accuracy: 0.5, loss: 9 })).toBe(true);
    expect(byAccuracy.judge({ accuracy: 0.5, loss: 1 })).toBe(false); // a lower loss at the same accuracy is no better
    expect(byAccuracy.judge({ accuracy: 0.6, loss: 9 })).toBe(true);
    expect(byAccuracy.judge(undefined)).toBe(false);
    const byLoss = rules({ kind: 'epochs' });
    expect([2, 3, 1, 1].map((loss) => byLoss.judge({ accuracy: null, loss }))).toEqual([true, false, true, false]);
  });

  it('stops at the epoch limit, and at once on non-finite weights', () => {
    const r = rules({ kind: 'epochs' }, 3);
    expect(r.stopReason(epoch(2, 1), [])).toBeUndefined();
    expect(r.stopReason(epoch(3, 1), [])).toBe('reached 3 epochs');
    const nonFinite = { what: 'weight', layer: 2, epoch: 1, batch: 6 } as const;
    // The engine's layer 2 holds w³, the weights into Nielsen's layer 3 (the input is layer 1).
    expect(r.stopReason(epoch(1, 1, { nonFinite }), [])).toBe('weights of layer 3 became non-finite');
  });

  it('loss-plateau: stops when the training loss improves by less than the threshold over the epoch before', () => {
    const r = rules({ kind: 'loss-plateau', minImprovement: 0.01 });
    expect(r.stopReason(epoch(1, 1), [])).toBeUndefined();
    expect(r.stopReason(epoch(2, 0.98), [epoch(1, 1)])).toBeUndefined();
    expect(r.stopReason(epoch(3, 0.975), [epoch(1, 1), epoch(2, 0.98)])).toBe(
      'training loss improved by 0.510 %, less than the 1.000 % threshold',
    );
    // A loss that went up is a negative improvement.
    expect(r.stopReason(epoch(3, 1.2), [epoch(2, 1)])).toMatch(/improved by -20\.000 %/);
  });

  it('early-stopping: stops after `patience` judged epochs without a better score', () => {
    for (const patience of [1, 3]) {
      const r = rules({ kind: 'early-stopping', patience });
      const reasons: (string | undefined)[] = [];
      for (const [n, accuracy] of [0.5, 0.7, 0.6, 0.7, 0.65, 0.8].entries()) {
        r.judge({ accuracy, loss: 1 });
        reasons.push(r.stopReason(epoch(n + 1, 1), []));
      }
      const stop = `no validation improvement for ${patience} epoch${patience === 1 ? '' : 's'}`;
      expect(reasons).toEqual(
        patience === 1
          ? [undefined, undefined, stop, stop, stop, undefined]
          : [undefined, undefined, undefined, undefined, stop, undefined],
      );
    }
  });
});
