/**
 * Times TensorFlow.js training of a benchmark network on the wasm backend, over the same samples
 * Fathom sees, driven by either of the two TfjsLoops.
 */
import * as tf from '@tensorflow/tfjs';
import type { Samples } from '../core/data/dataset';
import { initSchemes } from '../core/engine/init';
import { Rng } from '../core/engine/rng';
import type { ActivationName } from '../core/engine/spec';
import { BenchError } from './errors';
import { type Measurement, measurement, RSS_EVERY, RssSampler, Stopwatch, type TfjsLoop } from './measurement';
import { type BenchNetwork, denseLayers, isConvolutional, layerSizes } from './networks';
import { prepareCnnEpoch } from './tfjs-cnn';

/** w^l as an n_{l−1} × n_l variable (TF.js's x·W layout) and b^l, drawn as Fathom draws them. */
interface Dense {
  w: tf.Variable;
  b: tf.Variable;
  activation: ActivationName;
}

function createLayers(bench: BenchNetwork, seed: number): Dense[] {
  const sizes = layerSizes(bench.spec);
  const scheme = initSchemes[bench.spec.init];
  return denseLayers(bench.spec).map((layer, i) => {
    const nIn = sizes[i]!;
    const nOut = layer.units;
    const w = tf.variable(tf.randomNormal([nIn, nOut], 0, scheme.std(nIn, nOut), 'float32', seed + i));
    const b = tf.variable(scheme.biasStd === 0 ? tf.zeros([nOut]) : tf.randomNormal([nOut], 0, scheme.biasStd, 'float32', seed + 100 + i));
    return { w, b, activation: layer.activation };
  });
}

/** Softmax + cross-entropy is computed from the logits in one op, as TF.js recommends. */
function usesLogits(bench: BenchNetwork): boolean {
  return bench.spec.loss === 'cross-entropy' && denseLayers(bench.spec).at(-1)!.activation === 'softmax';
}

/**
 * Feedforward. ReLU and linear layers use fused matMul + bias (+ ReLU), as tf.layers.dense does;
 * sigmoid layers use plain matMul + add, which measured faster on wasm than the fused op.
 */
function feedforward(layers: Dense[], x: tf.Tensor2D, logits: boolean): tf.Tensor2D {
  let a: tf.Tensor2D = x;
  layers.forEach((layer, i) => {
    const w = layer.w as tf.Tensor2D;
    if (layer.activation === 'relu' || layer.activation === 'linear' || (i === layers.length - 1 && logits)) {
      const fused = layer.activation === 'relu' ? 'relu' : 'linear';
      a = tf.fused.matMul({ a, b: w, bias: layer.b, activation: fused }) as tf.Tensor2D;
    } else if (layer.activation === 'sigmoid') a = tf.sigmoid(tf.add(tf.matMul(a, w), layer.b));
    else if (layer.activation === 'softmax') a = tf.softmax(tf.add(tf.matMul(a, w), layer.b));
    else throw new BenchError(`The TF.js benchmark has no '${layer.activation}' activation.`);
  });
  return a;
}

/** Mean batch cost, as the Fathom loss of the same name defines C_x. */
function cost(bench: BenchNetwork, out: tf.Tensor2D, y: tf.Tensor2D): tf.Scalar {
  if (usesLogits(bench)) return tf.losses.softmaxCrossEntropy(y, out) as tf.Scalar;
  if (bench.spec.loss === 'quadratic') return tf.mul(0.5, tf.mean(tf.sum(tf.square(tf.sub(out, y)), 1)));
  throw new BenchError(`The TF.js benchmark has no '${bench.spec.loss}' loss.`);
}

function createOptimizer(bench: BenchNetwork): tf.Optimizer {
  const { optimizer, learningRate } = bench.settings;
  if (optimizer === 'sgd') return tf.train.sgd(learningRate);
  if (optimizer === 'adam') return tf.train.adam(learningRate);
  throw new BenchError(`The TF.js benchmark has no '${optimizer}' optimiser.`);
}

interface TrainingData {
  x: tf.Tensor2D;
  y: tf.Tensor2D;
  count: number;
}

function toTensors(train: Samples): TrainingData {
  return {
    x: tf.tensor2d(train.inputs, [train.count, train.inputSize]),
    y: tf.tensor2d(train.targets, [train.count, train.outputSize]),
    count: train.count,
  };
}

/** One shuffled pass over `count` samples with optimizer.minimize; returns the summed batch cost × rows. */
function minimizeEpoch(
  bench: BenchNetwork,
  layers: Dense[],
  optimizer: tf.Optimizer,
  data: TrainingData,
  count: number,
  rss?: RssSampler,
): number {
  const batchSize = bench.settings.batchSize;
  const logits = usesLogits(bench);
  const vars = layers.flatMap((layer) => [layer.w, layer.b]);
  const order = Int32Array.from({ length: data.count }, (_, i) => i);
  new Rng(bench.settings.seed).shuffle(order);
  let total = 0;
  for (let first = 0, step = 0; first < count; first += batchSize, step++) {
    const rows = Math.min(batchSize, count - first);
    total += tf.tidy(() => {
      const index = tf.tensor1d(order.subarray(first, first + rows), 'int32');
      const x = tf.gather(data.x, index);
      const y = tf.gather(data.y, index);
      const c = optimizer.minimize(() => cost(bench, feedforward(layers, x, logits), y), true, vars)!;
      return c.dataSync()[0]! * rows;
    });
    if (rss && step % RSS_EVERY === 0) rss.sample();
  }
  return total;
}

/** The tf.layers activation of the same name; the benchmark networks use only these. */
function layerActivation(name: ActivationName): 'linear' | 'sigmoid' | 'tanh' | 'relu' | 'softmax' {
  if (name === 'linear' || name === 'sigmoid' || name === 'tanh' || name === 'relu' || name === 'softmax') return name;
  throw new BenchError(`The TF.js benchmark has no '${name}' layer activation.`);
}

function createModel(bench: BenchNetwork, seed: number): tf.Sequential {
  const sizes = layerSizes(bench.spec);
  const scheme = initSchemes[bench.spec.init];
  const model = tf.sequential();
  denseLayers(bench.spec).forEach((layer, i) => {
    const nIn = sizes[i]!;
    model.add(
      tf.layers.dense({
        inputShape: i === 0 ? [nIn] : undefined,
        units: layer.units,
        activation: layerActivation(layer.activation),
        kernelInitializer: tf.initializers.randomNormal({ mean: 0, stddev: scheme.std(nIn, layer.units), seed: seed + i }),
        biasInitializer:
          scheme.biasStd === 0 ? 'zeros' : tf.initializers.randomNormal({ mean: 0, stddev: scheme.biasStd, seed: seed + 100 + i }),
      }),
    );
  });
  const loss = bench.spec.loss === 'quadratic' ? 'meanSquaredError' : 'categoricalCrossentropy';
  model.compile({ optimizer: createOptimizer(bench), loss });
  return model;
}

/** One shuffled model.fit epoch over the first `count` samples; returns the mean loss. */
async function fitEpoch(bench: BenchNetwork, model: tf.Sequential, data: TrainingData, count: number, rss?: RssSampler): Promise<number> {
  const x = count < data.count ? data.x.slice(0, count) : data.x;
  const y = count < data.count ? data.y.slice(0, count) : data.y;
  const history = await model.fit(x, y, {
    batchSize: bench.settings.batchSize,
    epochs: 1,
    shuffle: true,
    verbose: 0,
    callbacks: rss ? { onBatchEnd: async () => rss.sample() } : undefined,
  });
  if (x !== data.x) tf.dispose([x, y]);
  return Number(history.history['loss']![0]);
}

/** A timed epoch, ready to start: resolves with the mean training loss. */
type Epoch = (rss: RssSampler) => Promise<number>;

/** Warms up on a separate model, then returns the timed epoch on a fresh one. */
async function prepareEpoch(bench: BenchNetwork, data: TrainingData, loop: TfjsLoop, warmUp: number): Promise<Epoch> {
  if (loop === 'minimize') {
    const spare = createLayers(bench, 99);
    minimizeEpoch(bench, spare, createOptimizer(bench), data, warmUp);
    tf.dispose(spare.flatMap((layer) => [layer.w, layer.b]));
    const layers = createLayers(bench, 1);
    const optimizer = createOptimizer(bench);
    return async (rss) => minimizeEpoch(bench, layers, optimizer, data, data.count, rss) / data.count;
  }
  const spare = createModel(bench, 99);
  await fitEpoch(bench, spare, data, warmUp);
  spare.dispose();
  const model = createModel(bench, 1);
  return (rss) => fitEpoch(bench, model, data, data.count, rss);
}

/** Trains one epoch over `train` with TF.js, timing only the training loop. */
export async function measureTfjs(bench: BenchNetwork, train: Samples, loop: TfjsLoop, warmUpSamples: number): Promise<Measurement> {
  // The CNN has its own loop (tfjs-cnn.ts), minimize only.
  const epoch = isConvolutional(bench.spec)
    ? prepareCnnEpoch(bench, train, warmUpSamples)
    : await prepareEpoch(bench, toTensors(train), loop, Math.min(warmUpSamples, train.count));
  const rss = new RssSampler();
  rss.sample();
  const baseRss = rss.peak;
  const clock = new Stopwatch();
  const meanLoss = await epoch(rss);
  const elapsed = clock.elapsed();
  rss.sample();
  return measurement('tfjs', bench.id, { samples: train.count, ...elapsed }, rss, baseRss, meanLoss);
}
