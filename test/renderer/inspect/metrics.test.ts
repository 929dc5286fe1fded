import { describe, it, expect } from 'vitest';
import { toSamples } from '@core/data/classification';
import { evaluate } from '@core/engine/evaluate';
import { Network } from '@core/engine/network';
import { Rng } from '@core/engine/rng';
import { InspectError } from '@core/inspect/errors';
import { confidence, confusionMetrics, filterMisclassified, sortByConfidence, type Mistake } from '@renderer/model/inspect/metrics';

describe('confusionMetrics', () => {
  // Rows = true class, columns = predicted. Row sums (support) 7, 5, 4; column sums 6, 5, 5.
  const matrix = [
    [5, 2, 0],
    [1, 3, 1],
    [0, 0, 4],
  ];

  it('matches a hand-computed 3 × 3 example', () => {
    const m = confusionMetrics(matrix);
    expect(m.total).toBe(16);
    expect(m.correct).toBe(12);
    expect(m.accuracy).toBe(0.75);
    const expected = [
      { precision: 5 / 6, recall: 5 / 7, f1: 10 / 13, support: 7, predicted: 6, truePositives: 5 },
      { precision: 3 / 5, recall: 3 / 5, f1: 3 / 5, support: 5, predicted: 5, truePositives: 3 },
      { precision: 4 / 5, recall: 1, f1: 8 / 9, support: 4, predicted: 5, truePositives: 4 },
    ];
    expected.forEach((e, c) => {
      const got = m.perClass[c]!;
      expect(got.classIndex).toBe(c);
      expect(got.support).toBe(e.support);
      expect(got.predicted).toBe(e.predicted);
      expect(got.truePositives).toBe(e.truePositives);
      expect(got.precision).toBeCloseTo(e.precision, 12);
      expect(got.recall).toBeCloseTo(e.recall, 12);
      expect(got.f1).toBeCloseTo(e.f1, 12);
      // F1 is the harmonic mean of precision and recall when both exist.
      expect(got.f1).toBeCloseTo((2 * e.precision * e.recall) / (e.precision + e.recall), 12);
    });
    expect(m.macro.precision).toBeCloseTo((5 / 6 + 3 / 5 + 4 / 5) / 3, 12);
    expect(m.macro.recall).toBeCloseTo((5 / 7 + 3 / 5 + 1) / 3, 12);
    expect(m.macro.f1).toBeCloseTo((10 / 13 + 3 / 5 + 8 / 9) / 3, 12);
  });

  it('a class never predicted or never present gives null or 0, never NaN', () => {
    // Class 1 is present but never predicted; class 2 is predicted but never present.
    const m = confusionMetrics([
      [2, 0, 1],
      [1, 0, 2],
      [0, 0, 0],
    ]);
    expect(m.perClass[1]).toMatchObject({ precision: null, recall: 0, f1: 0, support: 3, predicted: 0 });
    expect(m.perClass[2]).toMatchObject({ precision: 0, recall: null, f1: 0, support: 0, predicted: 3 });
    // Macro over the present classes 0 and 1; class 1's missing precision counts as 0.
    expect(m.macro.precision).toBeCloseTo((2 / 3 + 0) / 2, 12);
    expect(m.macro.recall).toBeCloseTo((2 / 3 + 0) / 2, 12);
    expect(m.macro.f1).toBeCloseTo((2 / 3 + 0) / 2, 12);
  });

  it('a class neither present nor predicted has no F1 and stays out of the macro average', () => {
    const m = confusionMetrics([
      [3, 1, 0],
      [1, 3, 0],
      [0, 0, 0],
    ]);
    expect(m.perClass[2]).toMatchObject({ precision: null, recall: null, f1: null });
    expect(m.macro.f1).toBeCloseTo(0.75, 12);
  });

  it('empty matrices have null accuracy and averages', () => {
    expect(confusionMetrics([])).toEqual({
      total: 0,
      correct: 0,
      accuracy: null,
      perClass: [],
      macro: { precision: null, recall: null, f1: null },
    });
    const zeros = confusionMetrics([
      [0, 0],
      [0, 0],
    ]);
    expect(zeros.accuracy).toBeNull();
    expect(zeros.macro).toEqual({ precision: null, recall: null, f1: null });
    expect(JSON.stringify(zeros)).not.toContain('NaN');
  });

  it('rejects matrices that are not square or hold bad counts', () => {
    expect(() => confusionMetrics([[1, 2], [3]])).toThrow(InspectError);
    expect(() =>
      confusionMetrics([
        [1, -1],
        [0, 0],
      ]),
    ).toThrow(/confusion\[0\]\[1\]/);
    expect(() => confusionMetrics([[1.5]])).toThrow(/non-negative integers/);
  });
});

function mistake(index: number, label: number, predicted: number, outputs: number[]): Mistake {
  return { index, label, predicted, outputs: Float32Array.from(outputs) };
}

describe('filterMisclassified and sortByConfidence', () => {
  const list = [
    mistake(0, 1, 2, [0.1, 0.2, 0.7]),
    mistake(4, 1, 0, [0.5, 0.3, 0.2]),
    mistake(7, 2, 0, [0.9, 0.05, 0.05]),
    mistake(9, 1, 2, [0.1, 0.1, 0.8]),
    mistake(12, 0, 2, [0.3, 0.2, 0.5]),
  ];

  it('filters by true class, predicted class or both', () => {
    expect(filterMisclassified(list).map((m) => m.index)).toEqual([0, 4, 7, 9, 12]);
    expect(filterMisclassified(list, { trueClass: 1 }).map((m) => m.index)).toEqual([0, 4, 9]);
    expect(filterMisclassified(list, { predictedClass: 0 }).map((m) => m.index)).toEqual([4, 7]);
    expect(filterMisclassified(list, { trueClass: 1, predictedClass: 2 }).map((m) => m.index)).toEqual([0, 9]);
    expect(filterMisclassified(list, { trueClass: 0, predictedClass: 0 })).toEqual([]);
  });

  it('sorts the surest mistakes first, without touching the input', () => {
    const sorted = sortByConfidence(list);
    expect(sorted.map((m) => m.index)).toEqual([7, 9, 0, 4, 12]); // 4 and 12 tie at 0.5: lower index first;
    expect(sorted.map(confidence)).toEqual([0.9, 0.8, 0.7, 0.5, 0.5].map((v) => Math.fround(v)));
    expect(list.map((m) => m.index)).toEqual([0, 4, 7, 9, 12]);
  });

  it('breaks ties by sample index and puts NaN outputs last', () => {
    const sorted = sortByConfidence([mistake(5, 0, 1, [0, 0.6]), mistake(2, 0, 1, [NaN, NaN]), mistake(3, 0, 1, [0, 0.6])]);
    expect(sorted.map((m) => m.index)).toEqual([3, 5, 2]);
  });
});

describe('a confusion cell and the gallery filter agree', () => {
  it('filtering by cell (t, p) yields exactly confusion[t][p] mistakes', () => {
    // An untrained network on random labels makes plenty of mistakes in every cell.
    const rng = new Rng(11);
    const count = 300;
    const raw = Float32Array.from({ length: count * 4 }, () => rng.uniform());
    const labels = Int32Array.from({ length: count }, () => rng.int(3));
    const samples = toSamples(raw, labels, count, 4, 3, { kind: 'none' });
    const net = Network.create(
      {
        inputSize: 4,
        layers: [
          { units: 6, activation: 'tanh' },
          { units: 3, activation: 'softmax' },
        ],
        loss: 'cross-entropy',
        init: 'normal',
      },
      new Rng(5),
    );
    const { confusion, misclassified } = evaluate(net, samples, { confusion: true, misclassified: true });
    let offDiagonal = 0;
    for (let t = 0; t < 3; t++) {
      for (let p = 0; p < 3; p++) {
        const shown = filterMisclassified(misclassified!, { trueClass: t, predictedClass: p });
        // Diagonal cells count correct predictions, which the list of mistakes never holds.
        expect(shown.length).toBe(t === p ? 0 : confusion![t]![p]);
        if (t !== p) offDiagonal += confusion![t]![p]!;
      }
    }
    expect(offDiagonal).toBeGreaterThan(0);
    expect(misclassified!.length).toBe(offDiagonal);
    expect(confusionMetrics(confusion!).correct).toBe(count - offDiagonal);
  });
});
