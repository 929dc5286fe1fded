/**
 * TensorFlow.js training of the bench CNN (conv k×k×F ReLU → max-pool → dense layers) on the wasm
 * backend, with optimizer.minimize per batch. tfjs-backend-wasm 4.x has no Conv2DBackpropFilter
 * kernel, so tf.conv2d cannot be trained there; the convolution is written as TF.js-wasm can train
 * it: the k² shifted slices of each image stacked as channels (im2col from slices and a concat) and
 * one matMul with the F × C·k·k kernel — the same lowering Fathom does. Max-pooling is tf.maxPool
 * (its gradient, MaxPoolGrad, is a wasm kernel).
 */
import * as tf from '@tensorflow/tfjs';
import type { Samples } from '../core/data/dataset';
import { initSchemes } from '../core/engine/init';
import { Rng } from '../core/engine/rng';
import { layerShapes } from '../core/engine/shapes';
import { isDense, type ConvLayerSpec, type DenseLayerSpec, type MaxPoolLayerSpec } from '../core/engine/spec';
import { BenchError } from './errors';
import { RSS_EVERY, type RssSampler } from './measurement';
import type { BenchNetwork } from './networks';

interface CnnModel {
  conv: ConvLayerSpec;
  pool: MaxPoolLayerSpec;
  /** [C·k·k, F]: one column per filter. */
  kernel: tf.Variable;
  bias: tf.Variable;
  dense: { w: tf.Variable; b: tf.Variable; activation: DenseLayerSpec['activation'] }[];
  height: number;
  width: number;
  channels: number;
}

/** The bench CNN's layers: one valid, stride-1 convolution, one max-pool, then dense layers ending in softmax. */
function cnnLayers(bench: BenchNetwork): { conv: ConvLayerSpec; pool: MaxPoolLayerSpec; dense: DenseLayerSpec[] } {
  const [conv, pool, ...rest] = bench.spec.layers;
  const dense = rest.filter(isDense);
  if (conv?.kind !== 'conv' || conv.stride !== 1 || conv.padding !== 'valid' || pool?.kind !== 'maxpool' || dense.length !== rest.length)
    throw new BenchError(`The TF.js CNN benchmark takes conv (stride 1, valid) → maxpool → dense layers; '${bench.id}' is not that.`);
  return { conv, pool, dense };
}

function createCnn(bench: BenchNetwork, seed: number): CnnModel {
  const { conv, pool, dense } = cnnLayers(bench);
  const shapes = layerShapes(bench.spec);
  const input = shapes[0]!;
  const scheme = initSchemes[bench.spec.init];
  const area = conv.kernel * conv.kernel;
  const fanIn = input.channels * area;
  const kernel = tf.variable(tf.randomNormal([fanIn, conv.filters], 0, scheme.std(fanIn, conv.filters * area), 'float32', seed));
  const bias = tf.variable(tf.zeros([conv.filters]));
  const layers = dense.map((layer, i) => {
    const nIn = shapes[i + 2]!.size;
    return {
      w: tf.variable(tf.randomNormal([nIn, layer.units], 0, scheme.std(nIn, layer.units), 'float32', seed + 1 + i)),
      b: tf.variable(tf.zeros([layer.units])),
      activation: layer.activation,
    };
  });
  return { conv, pool, kernel, bias, dense: layers, height: input.height, width: input.width, channels: input.channels };
}

const variables = (m: CnnModel): tf.Variable[] => [m.kernel, m.bias, ...m.dense.flatMap((d) => [d.w, d.b])];

/** The logits of a batch x (rows × H·W·C, NHWC). */
function logits(m: CnnModel, x: tf.Tensor2D, rows: number): tf.Tensor2D {
  const k = m.conv.kernel;
  const oh = m.height - k + 1;
  const ow = m.width - k + 1;
  const images = x.reshape([rows, m.height, m.width, m.channels]) as tf.Tensor4D;
  const slices: tf.Tensor4D[] = [];
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) slices.push(tf.slice(images, [0, i, j, 0], [rows, oh, ow, m.channels]));
  const cols = tf.concat(slices, 3).reshape([rows * oh * ow, k * k * m.channels]) as tf.Tensor2D;
  const z = tf.fused.matMul({ a: cols, b: m.kernel as tf.Tensor2D, bias: m.bias, activation: 'relu' });
  const maps = z.reshape([rows, oh, ow, m.conv.filters]) as tf.Tensor4D;
  const pooled = tf.maxPool(maps, m.pool.size, m.pool.stride, 'valid');
  let a = pooled.reshape([rows, -1]) as tf.Tensor2D;
  m.dense.forEach((d, i) => {
    const last = i === m.dense.length - 1;
    if (!last && d.activation !== 'relu') throw new BenchError(`The TF.js CNN benchmark has ReLU hidden layers, not '${d.activation}'.`);
    a = tf.fused.matMul({ a, b: d.w as tf.Tensor2D, bias: d.b, activation: last ? 'linear' : 'relu' }) as tf.Tensor2D;
  });
  return a;
}

/** One shuffled pass over the first `count` samples; returns the summed batch cost × rows. */
function cnnEpoch(
  bench: BenchNetwork,
  m: CnnModel,
  optimizer: tf.Optimizer,
  x: tf.Tensor2D,
  y: tf.Tensor2D,
  count: number,
  rss?: RssSampler,
) {
  if (bench.spec.loss !== 'cross-entropy') throw new BenchError(`The TF.js CNN benchmark trains cross-entropy, not '${bench.spec.loss}'.`);
  const batchSize = bench.settings.batchSize;
  const order = Int32Array.from({ length: x.shape[0] }, (_, i) => i);
  new Rng(bench.settings.seed).shuffle(order);
  const vars = variables(m);
  let total = 0;
  for (let first = 0, step = 0; first < count; first += batchSize, step++) {
    const rows = Math.min(batchSize, count - first);
    total += tf.tidy(() => {
      const index = tf.tensor1d(order.subarray(first, first + rows), 'int32');
      const xb = tf.gather(x, index);
      const yb = tf.gather(y, index);
      const c = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(yb, logits(m, xb, rows)) as tf.Scalar, true, vars)!;
      return c.dataSync()[0]! * rows;
    });
    if (rss && step % RSS_EVERY === 0) rss.sample();
  }
  return total;
}

/** Warms up on a separate model, then returns the timed epoch over all of `train` on a fresh one (mean loss). */
export function prepareCnnEpoch(bench: BenchNetwork, train: Samples, warmUp: number): (rss: RssSampler) => Promise<number> {
  if (bench.settings.optimizer !== 'adam')
    throw new BenchError(`The TF.js CNN benchmark trains with Adam, not '${bench.settings.optimizer}'.`);
  // NHWC with C = 1 is the same memory as Fathom's CHW rows.
  const x = tf.tensor2d(train.inputs, [train.count, train.inputSize]);
  const y = tf.tensor2d(train.targets, [train.count, train.outputSize]);
  const spare = createCnn(bench, 99);
  cnnEpoch(bench, spare, tf.train.adam(bench.settings.learningRate), x, y, Math.min(warmUp, train.count));
  tf.dispose(variables(spare));
  const model = createCnn(bench, 1);
  const optimizer = tf.train.adam(bench.settings.learningRate);
  return async (rss) => cnnEpoch(bench, model, optimizer, x, y, train.count, rss) / train.count;
}
