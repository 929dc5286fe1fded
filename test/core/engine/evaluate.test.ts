import { describe, it, expect } from 'vitest';
import type { Samples } from '../../../core/data/dataset';
import { argmax, evaluate, loadRows } from '../../../core/engine/evaluate';
import { Network } from '../../../core/engine/network';
import type { ActivationName } from '../../../core/engine/spec';

/** A 3-3 softmax network with w = 5·I and b = 0: it predicts the index of the largest input. */
function picker(): Network {
  const net = new Network({ inputSize: 3, layers: [{ units: 3, activation: 'softmax' }], loss: 'cross-entropy', init: 'he' }, 'float64');
  net.setParameters([[], [5, 0, 0, 0, 5, 0, 0, 0, 5]], [[], [0, 0, 0]]);
  return net;
}

function classification(rows: { x: number[]; label: number }[]): Samples {
  const count = rows.length;
  const inputs = new Float32Array(count * 3);
  const targets = new Float32Array(count * 3);
  const labels = new Int32Array(count);
  rows.forEach(({ x, label }, i) => {
    inputs.set(x, 3 * i);
    targets[3 * i + label] = 1;
    labels[i] = label;
  });
  return { count, inputSize: 3, outputSize: 3, inputs, targets, labels };
}

// Predictions (argmax of x): 0, 1, 2, 0, 1 against labels 0, 1, 1, 2, 1.
const CASE = classification([
  { x: [1, 0, 0], label: 0 },
  { x: [0, 1, 0], label: 1 },
  { x: [0, 0, 1], label: 1 },
  { x: [1, 0, 0], label: 2 },
  { x: [0, 1, 0], label: 1 },
]);

describe('evaluate', () => {
  it('computes accuracy and the mean loss on a constructed case', () => {
    const result = evaluate(picker(), CASE);
    expect(result.count).toBe(5);
    expect(result.accuracy).toBe(3 / 5);
    // z = 5 on one output: a right answer costs ln(1 + 2e⁻⁵), a wrong one ln(e⁵ + 2);
    // (3 ln(1 + 2e⁻⁵) + 2 ln(e⁵ + 2)) / 5 = 2 + ln(1 + 2e⁻⁵).
    expect(result.loss).toBeCloseTo(2.013385901721449, 12);
    expect(result.confusion).toBeUndefined();
    expect(result.misclassified).toBeUndefined();
    expect(result.health).toBeUndefined();
  });

  it('counts the confusion matrix with rows = true label, columns = prediction', () => {
    const { confusion } = evaluate(picker(), CASE, { confusion: true });
    expect(confusion).toEqual([
      [1, 0, 0],
      [0, 2, 1],
      [1, 0, 0],
    ]);
  });

  it('lists the misclassified samples with their outputs', () => {
    const { misclassified } = evaluate(picker(), CASE, { misclassified: true });
    expect(misclassified!.map(({ index, label, predicted }) => ({ index, label, predicted }))).toEqual([
      { index: 2, label: 1, predicted: 2 },
      { index: 3, label: 2, predicted: 0 },
    ]);
    const out = misclassified![0]!.outputs;
    expect(out).toBeInstanceOf(Float32Array);
    // softmax(0, 0, 5)
    const big = Math.exp(5) / (Math.exp(5) + 2);
    expect(out[2]).toBeCloseTo(big, 6);
    expect(out[0]).toBeCloseTo(1 / (Math.exp(5) + 2), 6);
  });

  it('counts correctly across its 500-row chunks', () => {
    const rows: { x: number[]; label: number }[] = [];
    for (let i = 0; i < 1234; i++) {
      const predicted = i % 3;
      // Every 7th sample is labelled one class further on, so it is wrong.
      const label = i % 7 === 0 ? (predicted + 1) % 3 : predicted;
      const x = [0, 0, 0];
      x[predicted] = 1;
      rows.push({ x, label });
    }
    const wrong = rows.filter((_, i) => i % 7 === 0).length; // 177
    const result = evaluate(picker(), classification(rows), { confusion: true, misclassified: true });
    expect(result.accuracy).toBeCloseTo((1234 - wrong) / 1234, 15);
    expect(result.misclassified!.map((m) => m.index)).toEqual(rows.map((_, i) => i).filter((i) => i % 7 === 0));
    const total = result.confusion!.flat().reduce((a, b) => a + b, 0);
    expect(total).toBe(1234);
    const diagonal = result.confusion![0]![0]! + result.confusion![1]![1]! + result.confusion![2]![2]!;
    expect(diagonal).toBe(1234 - wrong);
  });

  it('has no accuracy or confusion without labels', () => {
    const { labels: _labels, ...unlabelled } = CASE;
    const result = evaluate(picker(), unlabelled, { confusion: true, misclassified: true });
    expect(result.accuracy).toBeNull();
    expect(result.confusion).toBeUndefined();
    expect(result.misclassified).toBeUndefined();
    expect(result.loss).toBeCloseTo(2.013385901721449, 12);
  });

  it('gives NaN loss and null accuracy on an empty split', () => {
    const empty = classification([]);
    const result = evaluate(picker(), empty);
    expect(result.count).toBe(0);
    expect(result.loss).toBeNaN();
    expect(result.accuracy).toBeNull();
  });
});

describe('layer health', () => {
  /** 2-4-3 network with zero weights, so each hidden unit's z is its bias on every sample. */
  function hiddenBiasNet(activation: ActivationName, bias: number[]): Network {
    const net = new Network({
      inputSize: 2,
      layers: [
        { units: 4, activation },
        { units: 3, activation: 'softmax' },
      ],
      loss: 'cross-entropy',
      init: 'he',
    });
    net.setParameters([[], new Array(8).fill(0), new Array(12).fill(0)], [[], bias, [0, 0, 0]]);
    return net;
  }
  const data = classification([
    { x: [1, -2, 0], label: 0 },
    { x: [3, 4, 0], label: 1 },
    { x: [-5, 0.5, 0], label: 2 },
  ]);
  const samples: Samples = { ...data, inputSize: 2, inputs: Float32Array.from([1, -2, 3, 4, -5, 0.5]) };

  it('a ReLU layer with all-negative biases is entirely dead', () => {
    const { health } = evaluate(hiddenBiasNet('relu', [-1, -0.5, -2, -0.1]), samples, { health: true });
    expect(health).toEqual([
      { layer: 1, saturated: null, dead: 1 },
      { layer: 2, saturated: null, dead: null },
    ]);
  });

  it('counts only the units that never fire', () => {
    expect(evaluate(hiddenBiasNet('relu', [-1, -1, 1, 2]), samples, { health: true }).health![0]!.dead).toBe(0.5);
    expect(evaluate(hiddenBiasNet('leaky-relu', [-1, 1, 1, 2]), samples, { health: true }).health![0]!.dead).toBe(0.25);
    // A unit that fires on only one sample is alive.
    const net = hiddenBiasNet('relu', [-1, -1, -1, -1]);
    net.w[1]![0] = 1; // unit 0: z = x0 − 1 > 0 only for x0 = 3
    expect(evaluate(net, samples, { health: true }).health![0]!.dead).toBe(0.75);
  });

  it('reports the saturated share of sigmoid and tanh units', () => {
    // σ(10) ≈ 0.99995 and σ(−10) ≈ 0.00005 are on the flat tails; σ(0) = 0.5 and σ(2) ≈ 0.88 are not.
    const sigmoid = evaluate(hiddenBiasNet('sigmoid', [10, -10, 0, 2]), samples, { health: true }).health!;
    expect(sigmoid[0]).toEqual({ layer: 1, saturated: 0.5, dead: null });
    // tanh(5) ≈ 0.9999 is saturated; tanh(1) ≈ 0.76 is not.
    const tanh = evaluate(hiddenBiasNet('tanh', [5, 1, 0, -1]), samples, { health: true }).health!;
    expect(tanh[0]!.saturated).toBe(0.25);
    const linear = evaluate(hiddenBiasNet('linear', [5, 1, 0, -1]), samples, { health: true }).health!;
    expect(linear[0]).toEqual({ layer: 1, saturated: null, dead: null });
  });
});

describe('argmax and loadRows', () => {
  it('argmax returns the first index of the largest value within the row', () => {
    const a = Float32Array.from([9, 1, 3, 3, 2, 100]);
    expect(argmax(a, 1, 4)).toBe(1); // row [1, 3, 3, 2]: first 3 wins the tie
    expect(argmax(a, 0, 3)).toBe(0);
    expect(argmax(a, 3, 3)).toBe(2);
  });

  it('loadRows copies a contiguous block of samples into the workspace', () => {
    const net = picker();
    const ws = net.workspace(2);
    loadRows(ws, CASE, 2, 2);
    expect(Array.from(ws.a[0]!)).toEqual([0, 0, 1, 1, 0, 0]);
    expect(Array.from(ws.y)).toEqual([0, 1, 0, 0, 0, 1]);
  });
});
