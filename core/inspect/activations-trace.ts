/**
 * One input fed forward with every layer's weighted input z and activation a kept, as plain number
 * arrays (JSON-safe, so a trace can cross IPC or be saved). Pure: no Node API, no DOM.
 *
 * A convolution's or pooling layer's values are feature maps, CHW (channel by channel, each row by
 * row); `shape` says how to cut them. A reply stays under MAX_REPLY_BYTES and draws no map larger
 * than MAX_DRAWN_SIDE a side: larger maps are averaged down (`step` > 1), and if the whole trace
 * is still too large, the z of the largest spatial layers is left out (a is what is drawn).
 */
import type { ActivationName, LayerKind } from '../engine/spec';
import { layerKind } from '../engine/spec';
import { layerShapes } from '../engine/shapes';
import { argmax } from '../engine/evaluate';
import { ShapeError } from '../engine/errors';
import type { Network } from '../engine/network';
import { MAX_DRAWN_SIDE, MAX_REPLY_BYTES } from '../lab/dataset-types';

/** Channels × height × width of a layer's values as sent (after any averaging down); flat layers are n × 1 × 1. */
export interface TraceShape {
  channels: number;
  height: number;
  width: number;
  /** Feature maps (convolution, pooling, or dropout/batchnorm after them) rather than a flat vector. */
  spatial: boolean;
  /** 1, or the side of the square of values averaged into one (maps larger than MAX_DRAWN_SIDE). */
  step: number;
}

export interface LayerTrace {
  /** Layer number l = 1…L in the engine's numbering (0 is the input). */
  layer: number;
  kind: LayerKind;
  activation: ActivationName;
  shape: TraceShape;
  /** z^l = w^l·a^{l−1} + b^l (empty when left out to stay within the reply budget: see zOmitted) */
  z: number[];
  /** a^l = σ(z^l) */
  a: number[];
  zOmitted?: boolean;
}

export interface ActivationTrace {
  /** The input a^0 as the network saw it (already scaled). */
  input: number[];
  inputShape: TraceShape;
  layers: LayerTrace[];
  /** a^L, the output vector. */
  output: number[];
  /** Index of the largest output (the first, on ties). */
  predicted: number;
}

/** Bytes one number takes in a reply (a double in a structured clone, about as much as JSON text). */
const BYTES_PER_VALUE = 8;

/** Averages each channel's step × step squares (the last ones partial) so no side exceeds maxSide. */
export function shrinkMaps(values: ArrayLike<number>, channels: number, height: number, width: number, maxSide: number) {
  const step = Math.max(1, Math.ceil(Math.max(height, width) / maxSide));
  if (step === 1) return { values: Array.from(values), height, width, step };
  const h = Math.ceil(height / step);
  const w = Math.ceil(width / step);
  const out = new Array<number>(channels * h * w).fill(0);
  for (let c = 0; c < channels; c++)
    for (let i = 0; i < h; i++)
      for (let j = 0; j < w; j++) {
        let sum = 0;
        let n = 0;
        for (let y = i * step; y < Math.min(height, (i + 1) * step); y++)
          for (let x = j * step; x < Math.min(width, (j + 1) * step); x++, n++) sum += values[(c * height + y) * width + x]!;
        out[(c * h + i) * w + j] = sum / n;
      }
  return { values: out, height: h, width: w, step };
}

/** Leaves out z of the largest spatial layers first until the trace fits `maxBytes`. */
export function fitTrace(trace: ActivationTrace, maxBytes = MAX_REPLY_BYTES): ActivationTrace {
  const bytes = (): number =>
    BYTES_PER_VALUE * (trace.input.length + trace.output.length + trace.layers.reduce((n, l) => n + l.z.length + l.a.length, 0));
  const largest = [...trace.layers].filter((l) => l.shape.spatial).sort((x, y) => y.z.length - x.z.length);
  for (const layer of largest) {
    if (bytes() <= maxBytes) break;
    layer.z = [];
    layer.zOmitted = true;
  }
  if (bytes() > maxBytes)
    throw new ShapeError(
      `The activations of this network for one image are ${Math.ceil(bytes() / 1e6)} MB, more than one reply carries (${maxBytes / 1e6} MB).`,
    );
  return trace;
}

/**
 * Feeds `x` forward as a batch of one. It reuses the network's one-row workspace, as
 * `Network.predict` does, so don't call it while the same network object is mid-feedforward.
 */
export function traceActivations(
  net: Network,
  x: ArrayLike<number>,
  maxSide = MAX_DRAWN_SIDE,
  maxBytes = MAX_REPLY_BYTES,
): ActivationTrace {
  if (x.length !== net.sizes[0]) throw new ShapeError(`Expected ${net.sizes[0]} inputs, got ${x.length}.`);
  const shapes = layerShapes(net.spec);
  const ws = net.workspace(1);
  ws.a[0]!.set(x);
  const out = net.feedforward(ws);
  const cut = (values: ArrayLike<number>, l: number): { values: number[]; shape: TraceShape } => {
    const s = shapes[l]!;
    if (!s.spatial) return { values: Array.from(values), shape: { channels: s.size, height: 1, width: 1, spatial: false, step: 1 } };
    const small = shrinkMaps(values, s.channels, s.height, s.width, maxSide);
    return {
      values: small.values,
      shape: { channels: s.channels, height: small.height, width: small.width, spatial: true, step: small.step },
    };
  };
  const layers: LayerTrace[] = [];
  for (let l = 1; l <= net.L; l++) {
    const a = cut(ws.a[l]!, l);
    const z = cut(ws.z[l]!, l);
    const kind = layerKind(net.spec.layers[l - 1]!);
    layers.push({ layer: l, kind, activation: net.sigma[l]!.name, shape: a.shape, z: z.values, a: a.values });
  }
  const input = cut(ws.a[0]!, 0);
  const trace = { input: input.values, inputShape: input.shape, layers, output: Array.from(out), predicted: argmax(out, 0, out.length) };
  return fitTrace(trace, maxBytes);
}
