/**
 * Per-class metrics from a confusion matrix, and filtering / sorting of the misclassified samples
 * that `evaluate()` lists. Pure: no Node API, no DOM.
 *
 * Undefined ratios are null, never NaN: precision is null for a class never predicted (0/0), recall
 * for a class with no samples. F1 is written 2·TP / (2·TP + FP + FN), which equals the harmonic mean
 * of precision and recall when both exist and is 0 when one of them is 0 or missing for a class that
 * was present or predicted; it is null only for a class neither present nor predicted.
 */
import { InspectError } from '@core/inspect/errors';

export interface ClassMetrics {
  /** Class index (row and column of the matrix). */
  classIndex: number;
  /** TP / (TP + FP): of the samples predicted as this class, the share that were; null if never predicted. */
  precision: number | null;
  /** TP / (TP + FN): of the samples of this class, the share found; null if the class has no samples. */
  recall: number | null;
  /** 2·TP / (2·TP + FP + FN); null if the class was neither present nor predicted. */
  f1: number | null;
  /** Samples whose true class this is (the row sum). */
  support: number;
  /** Samples predicted as this class (the column sum). */
  predicted: number;
  /** Correct predictions of this class (the diagonal cell). */
  truePositives: number;
}

export interface ConfusionMetrics {
  total: number;
  correct: number;
  /** correct / total; null for an empty matrix. */
  accuracy: number | null;
  perClass: ClassMetrics[];
  /**
   * Unweighted means over the classes present in the data (support > 0); there a class never
   * predicted counts with precision 0, as a class the model never finds. Null if no class is present.
   */
  macro: { precision: number | null; recall: number | null; f1: number | null };
}

/** Metrics from confusion[true][predicted] counts. */
export function confusionMetrics(confusion: number[][]): ConfusionMetrics {
  const n = checkConfusion(confusion);
  const support = confusion.map((row) => row.reduce((s, v) => s + v, 0));
  const predicted = Array.from({ length: n }, (_, j) => confusion.reduce((s, row) => s + row[j]!, 0));
  const total = support.reduce((s, v) => s + v, 0);
  let correct = 0;
  const perClass: ClassMetrics[] = [];
  for (let c = 0; c < n; c++) {
    const tp = confusion[c]![c]!;
    correct += tp;
    const s = support[c]!;
    const p = predicted[c]!;
    perClass.push({
      classIndex: c,
      precision: p > 0 ? tp / p : null,
      recall: s > 0 ? tp / s : null,
      f1: s + p > 0 ? (2 * tp) / (s + p) : null,
      support: s,
      predicted: p,
      truePositives: tp,
    });
  }
  const present = perClass.filter((m) => m.support > 0);
  const mean = (pick: (m: ClassMetrics) => number): number | null =>
    present.length ? present.reduce((sum, m) => sum + pick(m), 0) / present.length : null;
  return {
    total,
    correct,
    accuracy: total > 0 ? correct / total : null,
    perClass,
    macro: {
      precision: mean((m) => m.precision ?? 0),
      recall: mean((m) => m.recall!),
      f1: mean((m) => m.f1!),
    },
  };
}

/** Throws unless the matrix is square with non-negative integer counts; returns its size. */
function checkConfusion(confusion: number[][]): number {
  const n = confusion.length;
  confusion.forEach((row, i) => {
    if (row.length !== n)
      throw new InspectError('bad-matrix', `a confusion matrix must be square: row ${i} has ${row.length} cells, expected ${n}`);
    row.forEach((v, j) => {
      if (!(Number.isInteger(v) && v >= 0))
        throw new InspectError('bad-matrix', `confusion[${i}][${j}] is ${v}; counts must be non-negative integers`);
    });
  });
  return n;
}

/** What the helpers below need of a mistake; `Misclassified` from core/engine/evaluate fits. */
export interface Mistake {
  /** Sample index in its split. */
  index: number;
  /** True class. */
  label: number;
  predicted: number;
  outputs: ArrayLike<number>;
}

export interface MistakeFilter {
  trueClass?: number;
  predictedClass?: number;
}

/**
 * The mistakes matching every given class (an empty filter keeps all). Filtering by a confusion
 * cell (t, p) with t ≠ p yields exactly confusion[t][p] mistakes; diagonal cells are correct
 * predictions, which are never in the list.
 */
export function filterMisclassified<T extends Mistake>(list: readonly T[], filter: MistakeFilter = {}): T[] {
  const { trueClass, predictedClass } = filter;
  return list.filter(
    (m) => (trueClass === undefined || m.label === trueClass) && (predictedClass === undefined || m.predicted === predictedClass),
  );
}

/** The network's output for the class it predicted: how sure it was of its mistake. */
export function confidence(m: Mistake): number {
  return m.outputs[m.predicted]!;
}

/** A sorted copy, surest mistakes first (highest output for the predicted class); ties by sample index. */
export function sortByConfidence<T extends Mistake>(list: readonly T[]): T[] {
  const key = (m: Mistake): number => {
    const c = confidence(m);
    return Number.isNaN(c) ? -Infinity : c; // a broken output sorts last instead of scrambling the order
  };
  return [...list].sort((a, b) => key(b) - key(a) || a.index - b.index);
}
