import { describe, expect, it } from 'vitest';
import { InspectError } from '@core/inspect/errors';
import { featureMap, kernelLayout, paintFeatureMaps, paintKernels } from '@renderer/model/inspect/feature-maps';

const conv = { kind: 'conv', filters: 2, kernel: 2, stride: 1, padding: 'valid', activation: 'relu' } as const;
/** Red channel of pixel k of an RGBA image. */
const red = (rgba: Uint8ClampedArray, k: number): number => rgba[4 * k]!;

describe('kernels as images', () => {
  it('cuts w (filters × channels·k·k, OIHW) into one k × k kernel per filter and input channel', () => {
    expect(kernelLayout(2, 12, conv)).toEqual({ filters: 2, channels: 3, k: 2 });
    expect(() => kernelLayout(2, 10, conv)).toThrow(InspectError);
    expect(() => kernelLayout(3, 12, conv)).toThrow(/not 2 filters of 2 × 2 kernels/);
    expect(() => kernelLayout(2, 4, { units: 2, activation: 'relu' })).toThrow(/only a convolution/);
  });

  it('draws on one scale for the layer, or each kernel on its own', () => {
    // Filter 0's kernel is ten times filter 1's: shared, filter 1 is pale; per kernel, both reach full colour.
    const w = [10, -10, 0, 5, 1, -1, 0, 0.5];
    const layout = { filters: 2, channels: 1, k: 2 };
    const shared = paintKernels(w, layout, 'shared');
    const own = paintKernels(w, layout, 'per-kernel');
    expect(shared).toHaveLength(2);
    expect(shared[0]!).toHaveLength(16);
    expect(own[0]).toEqual(shared[0]);
    expect(own[1]).not.toEqual(shared[1]);
    expect(own[1]).toEqual(shared[0]!.map((v) => v)); // the same pattern, scaled up to the same ends
    expect(red(shared[1]!, 0)).not.toBe(red(own[1]!, 0));
    expect(() => paintKernels([1, 2, 3], layout, 'shared')).toThrow(InspectError);
  });
});

describe('feature maps as images', () => {
  const layer = {
    shape: { channels: 2, height: 2, width: 2, spatial: true, step: 1 },
    a: [0, 1, 2, 3, 4, 0, 0, 0],
  };

  it('cuts a traced layer (CHW) into its channels', () => {
    expect(featureMap(layer, 0)).toEqual([0, 1, 2, 3]);
    expect(featureMap(layer, 1)).toEqual([4, 0, 0, 0]);
  });

  it('paints every map on one scale for the layer: the largest value is darkest, 0 is paper', () => {
    const [first, second] = paintFeatureMaps(layer);
    expect(red(second!, 0)).toBeLessThan(red(first!, 3));
    expect(red(first!, 0)).toBe(red(second!, 1));
    expect(red(first!, 0)).toBeGreaterThan(200);
  });
});
