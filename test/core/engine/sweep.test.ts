import { describe, expect, it } from 'vitest';
import { DEFAULT_TRAIN_SETTINGS } from '@core/engine/spec';
import { mnistSpec } from '../../fixtures/specs';
import { applyPoint, axisValues, gridPoints, parseSweep, randomPoints, SweepError } from '@core/engine/sweep';
import type { DenseLayerSpec } from '../../../core/engine/spec';

const SPEC = mnistSpec({ hidden: [100, 40], output: 'softmax', loss: 'cross-entropy', init: 'he' });

describe('sweeps', () => {
  it('parses lists and ranges, and expands the grid with the first setting varying slowest', () => {
    const axes = parseSweep('lr=0.1,1 batch=10,64 optimizer=sgd,adam');
    expect(gridPoints(axes)).toHaveLength(8);
    expect(gridPoints(axes).slice(0, 3)).toEqual([
      { lr: 0.1, batch: 10, optimizer: 'sgd' },
      { lr: 0.1, batch: 10, optimizer: 'adam' },
      { lr: 0.1, batch: 64, optimizer: 'sgd' },
    ]);
    expect(axisValues(parseSweep('lr=log:0.001:1:4')[0]!)).toEqual([0.001, 0.01, 0.1, 1]);
    expect(axisValues(parseSweep('l2=lin:0:1:5')[0]!)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    // Whole-number settings are rounded, and values that round alike are tried once.
    expect(axisValues(parseSweep('batch=log:10:12:5')[0]!)).toEqual([10, 11, 12]);
  });

  it('refuses what it cannot sweep, naming the word and the reason', () => {
    const refused = (text: string) => () => parseSweep(text);
    expect(refused('')).toThrow(SweepError);
    expect(refused('momentum=0.5,0.9')).toThrow(/"momentum" cannot be swept; choose one of lr, batch, units, l2, optimizer, activation/);
    expect(refused('units=30,100')).toThrow(/units takes its layer, like units2=30,100/);
    expect(refused('lr=0.1,,1')).toThrow(/"lr=0.1,,1": an empty value/);
    expect(refused('lr=fast')).toThrow(/"fast" is not a number/);
    expect(refused('optimizer=sgd,rmsprop')).toThrow(/"rmsprop" is not one of sgd, momentum, adam/);
    expect(refused('lr=log:0:1:3')).toThrow(/log range needs positive ends/);
    expect(refused('lr=lin:0:1:1')).toThrow(/whole COUNT from 2 to 1000/);
    expect(refused('lr=1,2 lr=3')).toThrow(/lr is varied twice/);
    expect(refused('activation=log:1:2:3')).toThrow(/takes a list of names, not a range/);
  });

  it('puts a point into the design: settings, the units of one hidden layer (Nielsen numbering), hidden activations', () => {
    const axes = parseSweep('lr=0.5 batch=32 l2=0.001 optimizer=adam units3=20 activation=relu');
    const { spec, settings } = applyPoint(axes, gridPoints(axes)[0]!, SPEC, DEFAULT_TRAIN_SETTINGS);
    expect(settings).toMatchObject({ learningRate: 0.5, batchSize: 32, l2: 0.001, optimizer: 'adam' });
    expect(spec.layers.map((l) => [(l as DenseLayerSpec).units, (l as DenseLayerSpec).activation])).toEqual([
      [100, 'relu'],
      [20, 'relu'],
      [10, 'softmax'],
    ]);
    expect((SPEC.layers[1] as DenseLayerSpec).units).toBe(40);
    const output = parseSweep('units4=5');
    expect(() => applyPoint(output, { units4: 5 }, SPEC, DEFAULT_TRAIN_SETTINGS)).toThrow(
      /the hidden layers of this network are layers 2–3/,
    );
  });

  it('a random search draws its budget of points from the ranges, the same for the same seed', () => {
    const axes = parseSweep('lr=log:0.001:1:2 batch=10,64');
    const points = randomPoints(axes, 20, 7);
    expect(points).toHaveLength(20);
    for (const p of points) {
      expect(p['lr']).toBeGreaterThanOrEqual(0.001);
      expect(p['lr']).toBeLessThanOrEqual(1);
      expect([10, 64]).toContain(p['batch']);
    }
    expect(new Set(points.map((p) => p['lr'])).size).toBeGreaterThan(15);
    expect(randomPoints(axes, 20, 7)).toEqual(points);
    expect(randomPoints(axes, 20, 8)).not.toEqual(points);
  });
});
