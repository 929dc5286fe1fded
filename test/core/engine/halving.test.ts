import { describe, expect, it } from 'vitest';
import { halvingRounds, successiveHalving } from '@core/engine/halving';
import { Network } from '@core/engine/network';
import { Rng } from '@core/engine/rng';
import { Trainer } from '@core/engine/trainer';
import { BLOB_SPEC, blobs, settings } from './helpers';

describe('successive halving', () => {
  it('halves the candidates and doubles the epochs each round, the last one training the full budget', () => {
    expect(halvingRounds(8, 8)).toEqual([
      { epochs: 1, candidates: 8 },
      { epochs: 2, candidates: 4 },
      { epochs: 4, candidates: 2 },
      { epochs: 8, candidates: 1 },
    ]);
    // Odd fields round up; a short budget merges the rounds it cannot tell apart.
    expect(halvingRounds(5, 12)).toEqual([
      { epochs: 2, candidates: 5 },
      { epochs: 3, candidates: 3 },
      { epochs: 6, candidates: 2 },
      { epochs: 12, candidates: 1 },
    ]);
    // All 8 train one epoch; the best one goes on to the second (three halvings at once).
    expect(halvingRounds(8, 2)).toEqual([
      { epochs: 1, candidates: 8 },
      { epochs: 2, candidates: 1 },
    ]);
    expect(halvingRounds(1, 5)).toEqual([{ epochs: 5, candidates: 1 }]);
    expect(() => halvingRounds(0, 5)).toThrow(RangeError);
  });

  it('keeps the better half by score each round and reports where each one stopped', async () => {
    // Scores that grow with epochs, at a rate per candidate: the fastest learners survive.
    const rates = [0.1, 0.4, 0.2, 0.3];
    const trained: [number, number][] = [];
    const outcomes = await successiveHalving([0, 1, 2, 3], 4, (c, epochs) => {
      trained.push([c, epochs]);
      return rates[c]! * epochs;
    });
    expect(trained).toEqual([
      [0, 1],
      [1, 1],
      [2, 1],
      [3, 1],
      [1, 2],
      [3, 2],
      [1, 4],
    ]);
    expect(outcomes.map((o) => [o.epochs, o.droppedAfter])).toEqual([
      [1, 1],
      [4, undefined],
      [1, 1],
      [2, 2],
    ]);
  });

  it('on a tiny dataset, drops the η that cannot learn and trains the best one to the end', async () => {
    const train = blobs(300, 1);
    const validation = blobs(150, 2);
    const rates = [1e-4, 0.5, 3e-4, 0.2];
    const trainers = rates.map(
      (learningRate) =>
        new Trainer(Network.create(BLOB_SPEC, new Rng(3)), { train, validation }, settings({ learningRate, epochs: 8, batchSize: 10 })),
    );
    const bestValidation = (t: Trainer): number | null => Math.max(...t.history.map((r) => r.validationAccuracy ?? -1));
    const outcomes = await successiveHalving(trainers, 8, (trainer, epochs) => {
      while (trainer.history.length < epochs) {
        const batch = trainer.step();
        if (batch.epochComplete) trainer.endEpoch();
      }
      return bestValidation(trainer);
    });
    // The two tiny η are dropped after the first round; one of the two working ones trains all 8 epochs.
    expect(outcomes[0]!.droppedAfter).toBe(1);
    expect(outcomes[2]!.droppedAfter).toBe(1);
    const finalist = outcomes.find((o) => o.droppedAfter === undefined)!;
    expect([0.5, 0.2]).toContain(finalist.candidate.settings.learningRate);
    expect(finalist.epochs).toBe(8);
    expect(finalist.candidate.history).toHaveLength(8);
    expect(finalist.score!).toBeGreaterThan(0.9);
  });
});
