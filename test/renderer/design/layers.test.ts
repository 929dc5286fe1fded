import { describe, expect, it } from 'vitest';
import type { DatasetInfo } from '@core/lab/contract';
import type { NetworkSpec } from '@core/engine/spec';
import {
  architectureName,
  hiddenActivation,
  insertionIndex,
  layerLegend,
  layerName,
  layerTitle,
  newLayer,
  spatialUnavailableReason,
  specForDataset,
} from '@renderer/model/design/layers';
import { layoutDiagram } from '@renderer/model/design/diagram';
import { PRESETS } from '@renderer/model/design/presets';
import { biasLabel, layerShapes, totalParams, weightLabel } from '@renderer/model/design/shapes';
import { SLIDE_IMAGE, SLIDE_KERNEL, slidePositions, slideValue } from '@renderer/model/design/kernel-slide';
import { MNIST } from './fixtures';

const TABLE: DatasetInfo = { ...MNIST, id: 'iris', name: 'Iris', inputShape: [4], classes: ['a', 'b', 'c'] };
const chapter6 = (): NetworkSpec => structuredClone(PRESETS['chapter-6'].spec);

describe('layer kinds in the designer', () => {
  it('names layers by kind and Nielsen number (the input is layer 1), and keeps "layer N" legends for fully connected networks', () => {
    const spec = chapter6();
    expect(spec.layers.map(layerTitle)).toEqual(['conv 2', 'pool 3', 'dense 4', 'dense 5']);
    expect(spec.layers.map((_, i) => layerLegend(spec, i))).toEqual(['conv 2 · relu', 'pool 3', 'dense 4 · relu', 'dense 5 · softmax']);
    const dense = structuredClone(PRESETS['network.py'].spec);
    expect(dense.layers.map((_, i) => layerLegend(dense, i))).toEqual(['layer 2 · sigmoid', 'layer 3 · sigmoid']);
  });

  it('gives the drawing, the summary and the legends one name per layer: the legend is the name and its activation', () => {
    const spec = chapter6();
    const shapes = layerShapes(spec);
    expect(shapes.map((s) => s.name)).toEqual(['input 1', 'conv 2', 'pool 3', 'dense 4', 'dense 5']);
    spec.layers.forEach((_, i) => expect(layerLegend(spec, i).startsWith(layerName(spec, i))).toBe(true));
    const dense = structuredClone(PRESETS['network.py'].spec);
    expect(layerShapes(dense).map((s) => s.name)).toEqual(['layer 1', 'layer 2', 'layer 3']);
  });

  it('offers convolution and pooling only on image datasets, saying why otherwise', () => {
    expect(spatialUnavailableReason(MNIST)).toBeNull();
    expect(spatialUnavailableReason(TABLE)).toMatch(
      /Iris is a table: each sample is a flat row of 4 numbers .* nothing for a kernel to slide over/,
    );
    expect(spatialUnavailableReason(undefined)).toMatch(/Choose a dataset first/);
  });

  it('gives a convolutional spec the dataset’s image shape, and leaves a fully connected one flat', () => {
    const { inputShape: _omit, ...flat } = chapter6();
    expect(specForDataset(flat, MNIST).inputShape).toEqual({ channels: 1, height: 28, width: 28 });
    expect(specForDataset(PRESETS.modern.spec, MNIST).inputShape).toBeUndefined();
    expect(specForDataset({ ...PRESETS.modern.spec, inputShape: { channels: 1, height: 28, width: 28 } }, MNIST)).not.toHaveProperty(
      'inputShape',
    );
    // A table has no image shape: the spec keeps what it had, and the validators say what is wrong.
    expect(specForDataset(flat, TABLE).inputShape).toBeUndefined();
  });

  it('adds convolution and pooling before the first dense layer, anything else before the output', () => {
    const spec = chapter6();
    expect(insertionIndex(spec, 'conv')).toBe(2);
    expect(insertionIndex(spec, 'maxpool')).toBe(2);
    expect(insertionIndex(spec, 'dropout')).toBe(3);
    expect(insertionIndex(PRESETS.modern.spec, 'conv')).toBe(0);
    expect(newLayer('conv', 'relu')).toEqual({ kind: 'conv', filters: 8, kernel: 5, stride: 1, padding: 'valid', activation: 'relu' });
    expect(newLayer('maxpool', 'relu')).toEqual({ kind: 'maxpool', size: 2, stride: 2 });
    expect(newLayer('dense', 'tanh')).toEqual({ units: 30, activation: 'tanh' });
    expect(hiddenActivation(spec)).toBe('relu');
    expect(hiddenActivation(PRESETS.perceptron.spec)).toBe('sigmoid');
  });

  it('writes architectures compactly: 784-30-10 as before, arrows once there are other layers', () => {
    expect(architectureName(PRESETS['network.py'].spec)).toBe('784-30-10');
    expect(architectureName(chapter6())).toBe('28×28×1 → conv5×5×20 → pool2 → 100 → 10');
    expect(architectureName(PRESETS.convnetjs.spec)).toBe('28×28×1 → conv5×5×8 same → pool2 → conv5×5×16 same → pool3 → 10');
  });
});

describe('shapes of the CNN presets', () => {
  it('chapter 6: 28×28×1 → 24×24×20 → 12×12×20 → 100 → 10, with Keras’s parameter counts', () => {
    const shapes = layerShapes(chapter6());
    expect(shapes.map((s) => s.label)).toEqual(['28×28×1', '24×24×20', '12×12×20', '100', '10']);
    expect(shapes.map((s) => s.params)).toEqual([0, 20 * 25 + 20, 0, 100 * 2880 + 100, 1010]);
    expect(totalParams(shapes)).toBe(520 + 288_100 + 1010);
    expect(shapes.map(weightLabel)).toEqual(['', 'w² : 20 × 1 × 5 × 5', '', 'w⁴ : 100 × 2,880', 'w⁵ : 10 × 100']);
    expect(shapes.map(biasLabel)).toEqual(['', 'b² : 20', '', 'b⁴ : 100', 'b⁵ : 10']);
    expect(shapes.map((s) => s.flattens)).toEqual([false, false, false, true, false]);
  });

  it('ConvNetJS: "same" convolutions keep the size, pools of 2 and 3 shrink it to 4×4×16', () => {
    expect(layerShapes(PRESETS.convnetjs.spec).map((s) => s.label)).toEqual(['28×28×1', '28×28×8', '14×14×8', '14×14×16', '4×4×16', '10']);
  });

  it('the modern CNN: batchnorm learns γ and β per channel, dropout nothing', () => {
    const shapes = layerShapes(PRESETS['modern-cnn'].spec);
    expect(shapes.map((s) => s.label)).toEqual([
      '28×28×1',
      '28×28×16',
      '28×28×16',
      '14×14×16',
      '14×14×32',
      '14×14×32',
      '7×7×32',
      '7×7×32',
      '128',
      '128',
      '10',
    ]);
    expect(weightLabel(shapes[2]!)).toBe('γ³ : 16');
    expect(biasLabel(shapes[2]!)).toBe('β³ : 16');
    expect(shapes[2]!.params).toBe(32);
    expect(shapes[7]!.params).toBe(0);
  });

  it('draws spatial layers as stacks of at most six maps, sized by their height, and a flatten marker before the first dense layer', () => {
    const layout = layoutDiagram(layerShapes(chapter6()), 900);
    const [input, conv, pool, dense] = layout.columns;
    expect(input!.stack!.maps).toHaveLength(1);
    expect(conv!.stack!.maps).toHaveLength(6);
    expect(conv!.stack!.hiddenMaps).toBe(14);
    expect(pool!.stack!.maps[0]!.size).toBeLessThan(conv!.stack!.maps[0]!.size);
    expect(dense!.stack).toBeUndefined();
    expect(dense!.flattenX).toBeGreaterThan(pool!.x);
    expect(dense!.flattenX).toBeLessThan(dense!.x);
    expect(dense!.flattenSize).toBe(2880);
    expect(layout.columns.filter((c) => c.flattenX !== undefined)).toHaveLength(1);
    expect(layout.edges).toHaveLength(4);
    expect(layout.wraps).toEqual([]);
    expect(layout.rows).toBe(1);
  });

  it('wraps a network too deep for one row onto balanced rows, the output inside the drawing, never cut off', () => {
    const shapes = layerShapes(structuredClone(PRESETS['modern-cnn'].spec));
    expect(shapes).toHaveLength(11);
    const layout = layoutDiagram(shapes, 600);
    expect(layout.rows).toBe(3);
    expect(layout.width).toBeLessThanOrEqual(600);
    const perRow = layout.columns.filter((c) => c.top === layout.columns[0]!.top).length;
    expect(perRow).toBe(4);
    // Every column (the output last) lies inside the drawing, its row below the one before.
    for (const column of layout.columns) {
      expect(column.x).toBeGreaterThan(0);
      expect(column.x).toBeLessThan(layout.width);
      expect(column.bottom).toBeLessThanOrEqual(layout.height);
    }
    const output = layout.columns.at(-1)!;
    expect(output.top).toBeGreaterThan(layout.columns[perRow]!.top);
    // One connector per row break; the other neighbours are joined by edges.
    expect(layout.wraps).toHaveLength(2);
    expect(layout.edges).toHaveLength(shapes.length - 1 - 2);
    // A drawing that may shrink to 80 % packs rows at 80 % of the pitch: a row fewer, no wider than that allows.
    const packed = layoutDiagram(shapes, 540, { minScale: 0.8 });
    expect(packed.rows).toBe(3);
    expect(packed.width * 0.8).toBeLessThanOrEqual(540);
    expect(layoutDiagram(shapes, 540).rows).toBe(4);
    // A wide window keeps the whole network on one row.
    expect(layoutDiagram(shapes, 1600).rows).toBe(1);
  });
});

describe('the sliding-kernel picture', () => {
  it('visits every valid position row by row and sums the kernel times the pixels under it', () => {
    const positions = slidePositions(8, 3, 1);
    expect(positions).toHaveLength(36);
    expect(positions.slice(0, 2)).toEqual([
      { i: 0, j: 0, row: 0, col: 0 },
      { i: 0, j: 1, row: 0, col: 1 },
    ]);
    expect(slidePositions(6, 2, 2)).toHaveLength(9);
    // At (row 2, col 3) the window holds the diagonal of the 7's stroke: the kernel's +1s all land on ink.
    const p = { i: 2, j: 3, row: 2, col: 3 };
    let expected = 0;
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) expected += SLIDE_KERNEL[a]![b]! * SLIDE_IMAGE[2 + a]![3 + b]!;
    expect(slideValue(SLIDE_IMAGE, SLIDE_KERNEL, p)).toBe(expected);
  });
});
