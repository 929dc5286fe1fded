import { describe, it, expect } from 'vitest';
import { type BatchRows, CHUNK_ROWS, chunkedGradients } from '../../../core/engine/batch-gradients';
import { evaluate } from '../../../core/engine/evaluate';
import { Network } from '../../../core/engine/network';
import { Rng } from '../../../core/engine/rng';
import type { NetworkSpec } from '../../../core/engine/spec';

const SPEC: NetworkSpec = {
  inputSize: 6,
  layers: [
    { units: 5, activation: 'tanh' },
    { units: 3, activation: 'softmax' },
  ],
  loss: 'cross-entropy',
  init: 'xavier',
};

/** `count` random samples with one-hot targets, and rows reading them in `order`. */
function samples(count: number, seed: number, order: number[]) {
  const rng = new Rng(seed);
  const inputs = Float32Array.from({ length: count * 6 }, () => rng.normal());
  const labels = Int32Array.from({ length: count }, () => rng.int(3));
  const targets = new Float32Array(count * 3);
  labels.forEach((label, s) => (targets[s * 3 + label] = 1));
  const loads: [number, number][] = [];
  const rows: BatchRows = {
    load(ws, from, n) {
      loads.push([from, n]);
      for (let r = 0; r < n; r++) {
        const s = order[from + r]!;
        ws.a[0]!.set(inputs.subarray(s * 6, (s + 1) * 6), r * 6);
        ws.y.set(targets.subarray(s * 3, (s + 1) * 3), r * 3);
      }
    },
    label: (r) => labels[order[r]!]!,
  };
  return { data: { count, inputSize: 6, outputSize: 3, inputs, targets, labels }, rows, loads };
}

describe('chunkedGradients', () => {
  it(`feeds a batch in chunks of ${CHUNK_ROWS} rows and sums the same gradient, cost and correct count as one pass`, () => {
    const count = 2 * CHUNK_ROWS + 345;
    const order = Array.from({ length: count }, (_, i) => i);
    const { data, rows, loads } = samples(count, 1, order);
    const net = Network.create(SPEC, new Rng(2), 'float64');
    const chunked = net.createGradients();
    const { cost, correct } = chunkedGradients(net, rows, 0, count, 1 / count, chunked);
    expect(loads).toEqual([
      [0, CHUNK_ROWS],
      [CHUNK_ROWS, CHUNK_ROWS],
      [2 * CHUNK_ROWS, 345],
    ]);

    const whole = net.createGradients();
    const ws = net.workspace(count);
    ws.a[0]!.set(data.inputs);
    ws.y.set(data.targets);
    net.feedforward(ws);
    net.backprop(ws, whole, 1 / count);
    for (let l = 1; l <= net.L; l++) {
      chunked.nablaW[l]!.forEach((g, i) => expect(g).toBeCloseTo(whole.nablaW[l]![i]!, 14));
      chunked.nablaB[l]!.forEach((g, i) => expect(g).toBeCloseTo(whole.nablaB[l]![i]!, 14));
    }
    const reference = evaluate(net, data);
    expect(cost / count).toBeCloseTo(reference.loss, 12);
    expect(correct / count).toBe(reference.accuracy);
  });

  it('reads the rows [start, end) of the caller’s numbering, overwriting the gradients first, and counts nothing without labels', () => {
    const order = [4, 0, 3, 1, 2, 5, 7, 6];
    const { rows, loads } = samples(8, 3, order);
    const net = Network.create(SPEC, new Rng(4), 'float64');
    const grads = net.createGradients();
    for (const g of [...grads.nablaW, ...grads.nablaB]) g.fill(99);
    const once = chunkedGradients(net, rows, 2, 6, 1 / 4, grads);
    expect(loads).toEqual([[2, 4]]);
    // Stale values were overwritten: the same call again gives the same gradients.
    const again = net.createGradients();
    chunkedGradients(net, rows, 2, 6, 1 / 4, again);
    expect(grads).toEqual(again);
    const unlabelled = chunkedGradients(net, { load: rows.load }, 2, 6, 1 / 4, again);
    expect(unlabelled.cost).toBe(once.cost);
    expect(unlabelled.correct).toBe(0);
  });
});
