import { describe, it, expect } from 'vitest';
import {
  NEGATIVE_END,
  NEUTRAL,
  POSITIVE_END,
  histogram,
  paintGrey,
  paintMatrix,
  paintWeights,
  sequentialToRgb,
  symmetricScale,
  textColourOn,
  weightScales,
  weightToRgb,
  type Rgb,
} from '@renderer/model/inspect/colour';
import { InspectError } from '@core/inspect/errors';

/** The colour of pixel k of an RGBA image, checking it is opaque. */
function pixel(image: Uint8ClampedArray, k: number): Rgb {
  expect(image[4 * k + 3]).toBe(255);
  return [image[4 * k]!, image[4 * k + 1]!, image[4 * k + 2]!];
}

describe('diverging weight colours', () => {
  it('0 is the neutral grey, ±maxAbs the two ends', () => {
    expect(NEUTRAL).toEqual([247, 247, 247]);
    expect(weightToRgb(0, 1)).toEqual(NEUTRAL);
    expect(weightToRgb(-0, 0.003)).toEqual(NEUTRAL);
    expect(weightToRgb(2.5, 2.5)).toEqual(POSITIVE_END);
    expect(weightToRgb(-2.5, 2.5)).toEqual(NEGATIVE_END);
  });

  it('positive weights are red, negative ones blue', () => {
    const [pr, , pb] = weightToRgb(0.5, 1);
    const [nr, , nb] = weightToRgb(-0.5, 1);
    expect(pr).toBeGreaterThan(pb);
    expect(nb).toBeGreaterThan(nr);
  });

  it('clips beyond the scale and treats a zero scale or NaN as neutral', () => {
    expect(weightToRgb(7, 1)).toEqual(POSITIVE_END);
    expect(weightToRgb(-Infinity, 1)).toEqual(NEGATIVE_END);
    expect(weightToRgb(3, 0)).toEqual(NEUTRAL);
    expect(weightToRgb(NaN, 1)).toEqual(NEUTRAL);
  });

  it('depends only on value / maxAbs, and darkens steadily away from 0', () => {
    expect(weightToRgb(0.5, 1)).toEqual(weightToRgb(1, 2));
    const lightness = (c: Rgb): number => c[0] + c[1] + c[2];
    for (const sign of [1, -1]) {
      const steps = [0, 0.25, 0.5, 0.75, 1].map((t) => lightness(weightToRgb(sign * t, 1)));
      for (let i = 1; i < steps.length; i++) expect(steps[i]).toBeLessThan(steps[i - 1]!);
    }
  });
});

describe('symmetricScale and weightScales', () => {
  it('is the largest |v|, skipping non-finite values; 0 when there is nothing', () => {
    expect(symmetricScale([-3, 2, NaN, Infinity])).toBe(3);
    expect(symmetricScale([1, -5, 2, 4], 2, 4)).toBe(4);
    expect(symmetricScale([])).toBe(0);
  });

  it('gives one shared scale or one per unit', () => {
    const w = Float32Array.of(1, -2, 0, 0.5, 0.25, 0);
    expect(weightScales(w, 2, 3, 'shared')).toEqual([2, 2]);
    expect(weightScales(w, 2, 3, 'per-unit')).toEqual([2, 0.5]);
    expect(() => weightScales(w, 4, 2, 'shared')).toThrow(InspectError);
  });
});

describe('paintWeights', () => {
  // Two hidden units looking at a 2 × 2 image; unit 1's weights are a tenth of unit 0's.
  const w = Float32Array.of(1, -1, 0, 0.5, 0.1, -0.1, 0, 0.05);

  it('shared: one scale, so the weak unit is faint', () => {
    const [strong, weak] = paintWeights(w, 2, 4, 2, 2, 'shared');
    expect(strong!.length).toBe(16);
    expect(pixel(strong!, 0)).toEqual(POSITIVE_END);
    expect(pixel(strong!, 1)).toEqual(NEGATIVE_END);
    expect(pixel(strong!, 2)).toEqual(NEUTRAL);
    expect(pixel(strong!, 3)).toEqual(weightToRgb(0.5, 1));
    expect(pixel(weak!, 0)).toEqual(weightToRgb(0.1, 1));
    expect(pixel(weak!, 0)).not.toEqual(POSITIVE_END);
  });

  it('per-unit: each unit spans the whole map', () => {
    const [strong, weak] = paintWeights(w, 2, 4, 2, 2, 'per-unit');
    expect(pixel(strong!, 0)).toEqual(POSITIVE_END);
    expect(pixel(weak!, 0)).toEqual(POSITIVE_END);
    expect(pixel(weak!, 1)).toEqual(NEGATIVE_END);
    expect(pixel(weak!, 2)).toEqual(NEUTRAL);
    expect(pixel(weak!, 3)).toEqual(weightToRgb(0.5, 1));
  });

  it('a unit with all-zero weights is neutral, not NaN', () => {
    const [blank] = paintWeights(new Float32Array(4), 1, 4, 2, 2, 'per-unit');
    for (let k = 0; k < 4; k++) expect(pixel(blank!, k)).toEqual(NEUTRAL);
  });

  it('refuses an image size that does not match the inputs', () => {
    expect(() => paintWeights(w, 2, 4, 3, 2, 'shared')).toThrow(/2 inputs|6 inputs/);
    expect(() => paintWeights(w, 3, 4, 2, 2, 'shared')).toThrow(InspectError);
  });
});

describe('sequential colours and heatmaps', () => {
  it('runs from nearly white at 0 to dark blue at max, clipped', () => {
    expect(sequentialToRgb(0, 10)).toEqual([247, 251, 255]);
    expect(sequentialToRgb(10, 10)).toEqual([8, 48, 107]);
    expect(sequentialToRgb(50, 10)).toEqual([8, 48, 107]);
    expect(sequentialToRgb(-1, 10)).toEqual([247, 251, 255]);
    expect(sequentialToRgb(3, 0)).toEqual([247, 251, 255]);
  });

  it('picks readable text on light and dark cells', () => {
    expect(textColourOn(sequentialToRgb(0, 1))).toBe('black');
    expect(textColourOn(sequentialToRgb(1, 1))).toBe('white');
    expect(textColourOn(NEUTRAL)).toBe('black');
  });

  it('paints a matrix one pixel per cell, scaled to its own extremes by default', () => {
    const counts = paintMatrix([0, 5, 10, 2], 2, 2, 'sequential');
    expect(pixel(counts, 0)).toEqual(sequentialToRgb(0, 10));
    expect(pixel(counts, 2)).toEqual(sequentialToRgb(10, 10));
    const weights = paintMatrix([-4, 0, 2, 1], 1, 4, 'diverging');
    expect([0, 1, 2, 3].map((k) => pixel(weights, k))).toEqual([NEGATIVE_END, NEUTRAL, weightToRgb(2, 4), weightToRgb(1, 4)]);
    expect(pixel(paintMatrix([-4, 0, 2, 1], 2, 2, 'diverging', 2), 0)).toEqual(NEGATIVE_END);
    expect(() => paintMatrix([1, 2, 3], 2, 2, 'sequential')).toThrow(InspectError);
  });

  it('paints grey images as dark ink on white', () => {
    const image = paintGrey([0, 1, 0.5, 2], 2, 2);
    expect([0, 1, 2, 3].map((k) => pixel(image, k))).toEqual([
      [255, 255, 255],
      [0, 0, 0],
      [128, 128, 128],
      [0, 0, 0],
    ]);
    expect(pixel(paintGrey([0, 255], 2, 1, 0, 255), 1)).toEqual([0, 0, 0]);
  });

  it('paints them as light ink on a dark paper in the dark theme, so they do not glare', () => {
    const image = paintGrey([0, 1, 0.5, Number.NaN], 2, 2, 0, 1, 'dark');
    expect([0, 1, 2, 3].map((k) => pixel(image, k))).toEqual([
      [28, 28, 28],
      [255, 255, 255],
      [142, 142, 142],
      [28, 28, 28],
    ]);
  });
});

describe('histogram', () => {
  it('counts values into equal bins over their range, the maximum in the last bin', () => {
    expect(histogram([0, 0.1, 0.5, 0.9, 1], 2)).toEqual({ edges: [0, 0.5, 1], counts: [2, 3], outside: 0, nonFinite: 0 });
    const h = histogram(Float32Array.of(-1, -0.5, 0, 0.5, 1, 1), 4);
    expect(h.edges).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(h.counts).toEqual([1, 1, 1, 3]);
  });

  it('with a fixed range, reports values outside it and non-finite values apart', () => {
    const h = histogram([0, 0.2, 0.9, 1.5, -3, NaN, Infinity], 2, [0, 1]);
    expect(h.counts).toEqual([2, 1]);
    expect(h.outside).toBe(2);
    expect(h.nonFinite).toBe(2);
    expect(h.counts.reduce((a, b) => a + b) + h.outside + h.nonFinite).toBe(7);
  });

  it('handles a single repeated value and no values without NaN', () => {
    expect(histogram([2, 2, 2], 2)).toEqual({ edges: [1.5, 2, 2.5], counts: [0, 3], outside: 0, nonFinite: 0 });
    expect(histogram([], 2)).toEqual({ edges: [0, 0.5, 1], counts: [0, 0], outside: 0, nonFinite: 0 });
  });

  it('rejects bad bins and ranges', () => {
    expect(() => histogram([1], 0)).toThrow(InspectError);
    expect(() => histogram([1], 2.5)).toThrow(/whole number/);
    expect(() => histogram([1], 2, [1, 1])).toThrow(/lo < hi/);
  });
});
