/**
 * A convolutional network's insides as pictures: each learned kernel (one k × k image per filter
 * and input channel, cut from w^l in OIHW order) and each feature map of a traced image (CHW).
 * Pure: RGBA buffers the components enlarge onto a canvas.
 */
import { InspectError } from '@core/inspect/errors';
import type { LayerSpec } from '@core/engine/spec';
import type { TraceResult } from '@core/lab/contract';
import { paintMatrix, symmetricScale, type ColourTheme } from './colour';

type LayerTrace = TraceResult['layers'][number];

export type KernelScale = 'shared' | 'per-kernel';

export interface KernelLayout {
  filters: number;
  channels: number;
  k: number;
}

/** How a conv layer's w (filters × channelsIn·k·k) cuts into kernels; an error when it does not. */
export function kernelLayout(rows: number, cols: number, layer: LayerSpec | undefined): KernelLayout {
  if (layer?.kind !== 'conv') throw new InspectError('bad-shape', 'only a convolution has kernels to draw');
  const k = layer.kernel;
  const channels = cols / (k * k);
  if (!Number.isInteger(channels) || channels < 1 || rows !== layer.filters)
    throw new InspectError('bad-shape', `a ${rows} × ${cols} weight matrix is not ${layer.filters} filters of ${k} × ${k} kernels`);
  return { filters: rows, channels, k };
}

/**
 * One RGBA k × k image per (filter f, input channel c), in the order f·channels + c, on a diverging
 * scale: one ±max over the whole layer ('shared', to compare kernels) or each kernel's own.
 */
export function paintKernels(
  w: ArrayLike<number>,
  layout: KernelLayout,
  scale: KernelScale,
  theme: ColourTheme = 'light',
): Uint8ClampedArray[] {
  const { filters, channels, k } = layout;
  const size = k * k;
  if (w.length !== filters * channels * size)
    throw new InspectError('bad-shape', `expected ${filters * channels * size} weights, found ${w.length}`);
  const shared = symmetricScale(w);
  const images: Uint8ClampedArray[] = [];
  for (let n = 0; n < filters * channels; n++) {
    const from = n * size;
    const kernel = Array.prototype.slice.call(w, from, from + size) as number[];
    images.push(paintMatrix(kernel, k, k, 'diverging', scale === 'shared' ? shared : symmetricScale(kernel), theme));
  }
  return images;
}

/** Channel c of a traced layer: its height × width values. */
export function featureMap(layer: Pick<LayerTrace, 'a' | 'shape'>, c: number): number[] {
  const { height, width } = layer.shape;
  return layer.a.slice(c * height * width, (c + 1) * height * width);
}

/**
 * Every map of a traced layer as RGBA on one scale for the layer, so maps can be compared: after
 * ReLU or pooling the values are ≥ 0 (sequential, 0 = paper); with negative values, diverging.
 */
export function paintFeatureMaps(layer: Pick<LayerTrace, 'a' | 'shape'>, theme: ColourTheme = 'light'): Uint8ClampedArray[] {
  const { channels, height, width } = layer.shape;
  const negative = layer.a.some((v) => v < 0);
  const scale = negative ? symmetricScale(layer.a) : Math.max(0, ...layer.a.filter(Number.isFinite));
  return Array.from({ length: channels }, (_, c) =>
    paintMatrix(featureMap(layer, c), height, width, negative ? 'diverging' : 'sequential', scale, theme),
  );
}
