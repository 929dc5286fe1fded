import { activations } from './activations';
import { SpecError } from './errors';
import { lossActivationProblem } from './losses';
import { scheduleProblems } from './schedules';
import { MAX_LAYER_SIZE, MAX_UNITS, shapeProblems } from './shapes';
import { ACTIVATIONS, INITS, LOSSES, OPTIMIZERS, isDense, layerActivation, type NetworkSpec, type TrainSettings } from './spec';

export interface Problem {
  /** Where: 'inputSize', 'inputShape', 'layers[1].units', 'layers[0].kernel', 'loss', 'batchSize'… */
  field: string;
  message: string;
}

const MAX_LAYERS = 64;

const isPositiveInt = (x: unknown, max: number): boolean => Number.isInteger(x) && (x as number) >= 1 && (x as number) <= max;

function inputShapeProblems(spec: NetworkSpec): Problem[] {
  const shape = spec.inputShape;
  if (shape === undefined) return [];
  const { channels, height, width } = shape;
  if (![channels, height, width].every((n) => isPositiveInt(n, MAX_LAYER_SIZE)))
    return [
      {
        field: 'inputShape',
        message: `An image input needs whole positive numbers for height, width and channels; got ${height}×${width}×${channels}.`,
      },
    ];
  if (channels * height * width !== spec.inputSize)
    return [
      {
        field: 'inputShape',
        message: `The input image ${height}×${width}×${channels} holds ${channels * height * width} values, but the input layer has ${spec.inputSize} units.`,
      },
    ];
  return [];
}

/** Everything wrong with a network spec (empty when it can be built). */
export function specProblems(spec: NetworkSpec): Problem[] {
  const problems: Problem[] = [];
  if (!isPositiveInt(spec.inputSize, MAX_UNITS * 10))
    problems.push({
      field: 'inputSize',
      message: `The input layer needs a whole number of units from 1 to ${MAX_UNITS * 10}; got ${spec.inputSize}.`,
    });
  if (!Array.isArray(spec.layers) || spec.layers.length === 0) {
    problems.push({ field: 'layers', message: 'A network needs at least one layer after the input layer (its output layer).' });
    return problems;
  }
  if (spec.layers.length > MAX_LAYERS)
    problems.push({ field: 'layers', message: `At most ${MAX_LAYERS} layers; got ${spec.layers.length}.` });
  const shapeOfInput = inputShapeProblems(spec);
  problems.push(...shapeOfInput);
  if (shapeOfInput.length === 0) problems.push(...shapeProblems(spec));
  const last = spec.layers.length - 1;
  spec.layers.forEach((layer, i) => {
    if (!isDense(layer) && layer.kind !== 'conv') return;
    if (!ACTIVATIONS.includes(layer.activation)) {
      problems.push({
        field: `layers[${i}].activation`,
        message: `Unknown activation "${layer.activation}"; choose one of ${ACTIVATIONS.join(', ')}.`,
      });
      return;
    }
    if (activations[layer.activation].outputOnly && i !== last)
      problems.push({
        field: `layers[${i}].activation`,
        message: `Softmax turns a layer into a probability distribution, so it belongs on the output layer only (layer ${i + 2} is hidden).`,
      });
  });
  if (!LOSSES.includes(spec.loss))
    problems.push({ field: 'loss', message: `Unknown loss "${spec.loss}"; choose one of ${LOSSES.join(', ')}.` });
  else {
    const output = layerActivation(spec.layers[last]!);
    if (output && ACTIVATIONS.includes(output)) {
      const why = lossActivationProblem(spec.loss, output);
      if (why) problems.push({ field: 'loss', message: why });
    }
  }
  if (!INITS.includes(spec.init))
    problems.push({ field: 'init', message: `Unknown initialisation "${spec.init}"; choose one of ${INITS.join(', ')}.` });
  return problems;
}

/** The extra problems that only matter when training (a step function can run but not learn). */
export function trainingProblems(spec: NetworkSpec, settings: TrainSettings): Problem[] {
  const problems: Problem[] = [];
  spec.layers.forEach((layer, i) => {
    const activation = layerActivation(layer);
    if (activation && ACTIVATIONS.includes(activation) && !activations[activation].trainable)
      problems.push({
        field: `layers[${i}].activation`,
        message: `Layer ${i + 2} uses the step function, whose derivative is zero everywhere except at 0 (where it has none): backpropagation would receive no gradient and nothing would learn. Use sigmoid, the step's smooth cousin.`,
      });
  });
  if (!isPositiveInt(settings.batchSize, 10_000_000))
    problems.push({ field: 'batchSize', message: `Batch size must be a whole number of samples, at least 1; got ${settings.batchSize}.` });
  if (!(Number.isFinite(settings.learningRate) && settings.learningRate > 0))
    problems.push({ field: 'learningRate', message: `The learning rate η must be a positive number; got ${settings.learningRate}.` });
  if (!isPositiveInt(settings.epochs, 100_000))
    problems.push({ field: 'epochs', message: `Epochs must be a whole number from 1 to 100000; got ${settings.epochs}.` });
  if (!OPTIMIZERS.includes(settings.optimizer))
    problems.push({ field: 'optimizer', message: `Unknown optimiser "${settings.optimizer}"; choose one of ${OPTIMIZERS.join(', ')}.` });
  if (!(Number.isFinite(settings.momentum) && settings.momentum >= 0 && settings.momentum < 1))
    problems.push({ field: 'momentum', message: `Momentum must be in [0, 1); got ${settings.momentum}.` });
  if (!(Number.isFinite(settings.l2) && settings.l2 >= 0))
    problems.push({ field: 'l2', message: `The L2 coefficient λ must be zero or positive; got ${settings.l2}.` });
  if (!Number.isInteger(settings.seed)) problems.push({ field: 'seed', message: `The seed must be a whole number; got ${settings.seed}.` });
  if (settings.schedule) problems.push(...scheduleProblems(settings.schedule, settings.learningRate, settings.epochs));
  const stop = settings.stop;
  if (stop.kind === 'loss-plateau' && !(Number.isFinite(stop.minImprovement) && stop.minImprovement >= 0))
    problems.push({ field: 'stop', message: 'The loss-plateau threshold must be zero or positive.' });
  if (stop.kind === 'early-stopping' && !isPositiveInt(stop.patience, 100_000))
    problems.push({ field: 'stop', message: 'Early stopping needs a patience of at least 1 epoch.' });
  return problems;
}

/** Problems of fitting this network to data of this shape. */
export function dataProblems(spec: NetworkSpec, inputSize: number, outputSize: number): Problem[] {
  const problems: Problem[] = [];
  if (spec.inputSize !== inputSize)
    problems.push({
      field: 'inputSize',
      message: `The dataset has ${inputSize} inputs per sample, but the input layer has ${spec.inputSize} units.`,
    });
  const out = spec.layers[spec.layers.length - 1];
  const units = out && isDense(out) ? out.units : undefined;
  if (units !== undefined && units !== outputSize)
    problems.push({
      field: `layers[${spec.layers.length - 1}].units`,
      message: `The dataset has ${outputSize} target values per sample (classes), but the output layer has ${units} units.`,
    });
  return problems;
}

/** Throws the first problem as a SpecError. */
export function throwIfProblems(problems: Problem[]): void {
  const first = problems[0];
  if (first) throw new SpecError(first.message, first.field);
}
