/** One weight matrix as CSV: a dense layer's w^l row by row, a convolution's kernels one per row, and no matrix for the layers without one. */
import { describe, expect, it } from 'vitest';
import { Network } from '../../../../core/engine/network';
import { Rng } from '../../../../core/engine/rng';
import { weightMatrixCsv } from '../../../../core/model/exports/weight-csv';

const net = Network.create(
  {
    inputSize: 36,
    inputShape: { channels: 1, height: 6, width: 6 },
    layers: [
      { kind: 'conv', filters: 2, kernel: 3, stride: 1, padding: 'valid', activation: 'relu' },
      { kind: 'batchnorm' },
      { kind: 'maxpool', size: 2, stride: 2 },
      { units: 3, activation: 'softmax' },
    ],
    loss: 'cross-entropy',
    init: 'he',
  },
  new Rng(1),
);

const cells = (csv: string) =>
  csv
    .trimEnd()
    .split('\n')
    .map((line) => line.split(',').map(Number));

describe('weightMatrixCsv', () => {
  it("writes a convolution's kernels one per row (channels × k × k, OIHW), each value back to the same float32", () => {
    const rows = cells(weightMatrixCsv(net, 1));
    expect(rows.map((r) => r.length)).toEqual([9, 9]);
    expect(rows.flat().map(Math.fround)).toEqual([...net.w[1]!]);
  });

  it("writes a dense layer's w^l as units(l) rows of units(l−1) columns", () => {
    const rows = cells(weightMatrixCsv(net, 4));
    expect(rows.map((r) => r.length)).toEqual([8, 8, 8]);
    expect(rows.flat().map(Math.fround)).toEqual([...net.w[4]!]);
  });

  it('refuses the layers that have no weight matrix, and layers the network lacks, by number', () => {
    expect(() => weightMatrixCsv(net, 2)).toThrow('layer 3 is a batchnorm layer: it has no weight matrix');
    expect(() => weightMatrixCsv(net, 3)).toThrow('layer 4 is a maxpool layer: it has no weight matrix');
    expect(() => weightMatrixCsv(net, 5)).toThrow(/there is no layer 6/);
  });
});
