import { describe, it, expect } from 'vitest';
import { SpecError } from '../../../core/engine/errors';
import { DEFAULT_TRAIN_SETTINGS, type NetworkSpec, type TrainSettings } from '../../../core/engine/spec';
import { dataProblems, specProblems, throwIfProblems, trainingProblems, type Problem } from '../../../core/engine/validate';
import { reluSoftmaxSpec } from '../../fixtures/specs';
import type { DenseLayerSpec } from '../../../core/engine/spec';

const good = (): NetworkSpec => reluSoftmaxSpec();
const train = (overrides: Partial<TrainSettings>): TrainSettings => ({ ...DEFAULT_TRAIN_SETTINGS, ...overrides });

/** The single problem expected, as [field, message]. */
const only = (problems: Problem[]): [string, string] => {
  expect(problems).toHaveLength(1);
  return [problems[0]!.field, problems[0]!.message];
};

describe('specProblems', () => {
  it('finds nothing wrong with a sound spec', () => {
    expect(specProblems(good())).toEqual([]);
  });

  it('refuses softmax on a hidden layer', () => {
    const spec = good();
    spec.layers = [{ units: 30, activation: 'softmax' }, ...spec.layers];
    const [field, message] = only(specProblems(spec));
    expect(field).toBe('layers[0].activation');
    expect(message).toMatch(/Softmax .* output layer only \(layer 2 is hidden\)/);
  });

  it('refuses zero and non-integer units, numbering layers from the input layer as 1', () => {
    const zero = good();
    (zero.layers[0] as DenseLayerSpec).units = 0;
    expect(only(specProblems(zero))).toEqual(['layers[0].units', 'Layer 2 needs a whole number of units from 1 to 100000; got 0.']);
    const fraction = good();
    (fraction.layers[1] as DenseLayerSpec).units = 2.5;
    const [field, message] = only(specProblems(fraction));
    expect(field).toBe('layers[1].units');
    expect(message).toMatch(/Layer 3 needs a whole number .* got 2\.5/);
    expect(only(specProblems({ ...good(), inputSize: 0 }))[0]).toBe('inputSize');
    expect(only(specProblems({ ...good(), inputSize: NaN }))[1]).toMatch(/got NaN/);
  });

  it('refuses a network with no layers', () => {
    expect(only(specProblems({ ...good(), layers: [] }))).toEqual(['layers', expect.stringMatching(/at least one layer/)]);
  });

  it('names unknown activations, losses and initialisations with the valid choices', () => {
    const act = good();
    (act.layers[0] as DenseLayerSpec).activation = 'swish' as never;
    const [field, message] = only(specProblems(act));
    expect(field).toBe('layers[0].activation');
    expect(message).toMatch(/Unknown activation "swish"; choose one of linear, sigmoid, tanh, relu, leaky-relu, softmax, step/);
    expect(only(specProblems({ ...good(), loss: 'hinge' as never }))).toEqual([
      'loss',
      expect.stringMatching(/Unknown loss "hinge"; choose one of quadratic, .*cosine-proximity/),
    ]);
    expect(only(specProblems({ ...good(), init: 'orthogonal' as never }))).toEqual([
      'init',
      expect.stringMatching(/Unknown initialisation "orthogonal"; choose one of normal, scaled-normal, xavier, he/),
    ]);
  });

  it('refuses a loss that cannot work with the output activation', () => {
    const spec = good();
    (spec.layers[1] as DenseLayerSpec).activation = 'sigmoid';
    expect(only(specProblems(spec))).toEqual(['loss', expect.stringMatching(/softmax/)]);
    expect(specProblems({ ...spec, loss: 'binary-cross-entropy' })).toEqual([]);
  });

  it('reports every problem at once', () => {
    const spec: NetworkSpec = {
      inputSize: -3,
      layers: [
        { units: 0, activation: 'softmax' },
        { units: 1, activation: 'linear' },
      ],
      loss: 'kl-divergence',
      init: 'he',
    };
    expect(specProblems(spec).map((p) => p.field)).toEqual(['inputSize', 'layers[0].units', 'layers[0].activation', 'loss']);
  });
});

describe('trainingProblems', () => {
  it('accepts sound settings', () => {
    expect(trainingProblems(good(), train({}))).toEqual([]);
  });

  it('refuses a bad learning rate', () => {
    for (const learningRate of [0, -0.1, NaN, Infinity]) {
      const [field, message] = only(trainingProblems(good(), train({ learningRate })));
      expect(field).toBe('learningRate');
      expect(message).toBe(`The learning rate η must be a positive number; got ${learningRate}.`);
    }
  });

  it('refuses batch size 0 and fractional batch sizes', () => {
    expect(only(trainingProblems(good(), train({ batchSize: 0 })))).toEqual([
      'batchSize',
      'Batch size must be a whole number of samples, at least 1; got 0.',
    ]);
    expect(only(trainingProblems(good(), train({ batchSize: 1.5 })))[0]).toBe('batchSize');
  });

  it('refuses the other bad settings, each under its own field', () => {
    const fields = (o: Partial<TrainSettings>): string[] => trainingProblems(good(), train(o)).map((p) => p.field);
    expect(fields({ epochs: 0 })).toEqual(['epochs']);
    expect(fields({ optimizer: 'rmsprop' as never })).toEqual(['optimizer']);
    expect(fields({ momentum: 1 })).toEqual(['momentum']);
    expect(fields({ l2: -1 })).toEqual(['l2']);
    expect(fields({ seed: 0.5 })).toEqual(['seed']);
    expect(fields({ stop: { kind: 'loss-plateau', minImprovement: -1 } })).toEqual(['stop']);
    expect(fields({ stop: { kind: 'early-stopping', patience: 0 } })).toEqual(['stop']);
  });

  it('refuses a step layer because its derivative carries no gradient', () => {
    const spec = good();
    (spec.layers[0] as DenseLayerSpec).activation = 'step';
    expect(specProblems(spec)).toEqual([]);
    const [field, message] = only(trainingProblems(spec, train({})));
    expect(field).toBe('layers[0].activation');
    expect(message).toMatch(/derivative is zero everywhere except at 0/);
  });
});

describe('dataProblems', () => {
  it('refuses data whose input size differs from the input layer', () => {
    expect(only(dataProblems(good(), 28, 10))).toEqual([
      'inputSize',
      'The dataset has 28 inputs per sample, but the input layer has 784 units.',
    ]);
  });

  it('refuses data whose number of classes differs from the output layer', () => {
    expect(only(dataProblems(good(), 784, 26))).toEqual([
      'layers[1].units',
      'The dataset has 26 target values per sample (classes), but the output layer has 10 units.',
    ]);
  });

  it('accepts data of the right shape', () => {
    expect(dataProblems(good(), 784, 10)).toEqual([]);
  });
});

describe('throwIfProblems', () => {
  it('throws the first problem as a SpecError and does nothing when there are none', () => {
    expect(() => throwIfProblems([])).not.toThrow();
    try {
      throwIfProblems([
        { field: 'a', message: 'first' },
        { field: 'b', message: 'second' },
      ]);
      expect.fail('should have thrown');
    } catch (err) {
      expect(err).toBeInstanceOf(SpecError);
      expect((err as SpecError).field).toBe('a');
      expect((err as SpecError).message).toBe('first');
    }
  });
});
