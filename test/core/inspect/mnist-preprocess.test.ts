import { describe, it, expect } from 'vitest';
import { InspectError } from '../../../core/inspect/errors';
import {
  BOX,
  FIELD,
  NOTHING_DRAWN,
  centreOfMassOf,
  prepareDigit,
  resampleArea,
  toModelInput,
  type GreyImage,
  type PreparedDigit,
} from '../../../core/inspect/mnist-preprocess';

/** A blank canvas with `fill(x, y)` painted on it. */
function canvas(width: number, height: number, fill: (x: number, y: number) => number): GreyImage {
  const pixels = new Float32Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) pixels[y * width + x] = fill(x, y);
  return { width, height, pixels };
}

function prepared(image: GreyImage): PreparedDigit {
  const result = prepareDigit(image);
  if (result.status !== 'prepared') throw new Error('expected a prepared digit');
  return result;
}

/** The 28 × 28 image expected when the cells in `ink` hold `value`. */
function field(ink: (x: number, y: number) => boolean, value = 1): number[] {
  return Array.from(canvas(FIELD, FIELD, (x, y) => (ink(x, y) ? value : 0)).pixels);
}

const sum = (a: Float32Array): number => a.reduce((s, v) => s + v, 0);

function expectCentred(image: GreyImage): void {
  const com = centreOfMassOf(image)!;
  expect(Math.abs(com.x - FIELD / 2)).toBeLessThanOrEqual(0.5);
  expect(Math.abs(com.y - FIELD / 2)).toBeLessThanOrEqual(0.5);
}

describe('prepareDigit', () => {
  it('an empty drawing is "nothing drawn", not NaN', () => {
    expect(prepareDigit(canvas(50, 40, () => 0))).toEqual(NOTHING_DRAWN);
    expect(NOTHING_DRAWN.message).toMatch(/nothing drawn/i);
  });

  it('a single dot fills the 20 × 20 box and lands at the centre', () => {
    const r = prepared(canvas(280, 280, (x, y) => (x === 200 && y === 30 ? 255 : 0)));
    expect(r.cropped).toEqual({ width: 1, height: 1, pixels: Float32Array.of(1) });
    expect(r.fitted20.width).toBe(BOX);
    expect(Array.from(r.fitted20.pixels)).toEqual(new Array(BOX * BOX).fill(1));
    expect(r.centreOfMass).toEqual({ x: 10, y: 10 });
    expect(r.offset).toEqual({ x: 4, y: 4 });
    expect(Array.from(r.centred28.pixels)).toEqual(field((x, y) => x >= 4 && x < 24 && y >= 4 && y < 24));
    expect(centreOfMassOf(r.centred28)).toEqual({ x: 14, y: 14 });
  });

  it('a filled wide rectangle: 30 × 15 becomes 20 × 10, centred', () => {
    const r = prepared(canvas(64, 48, (x, y) => (x >= 5 && x < 35 && y >= 20 && y < 35 ? 255 : 0)));
    expect([r.cropped.width, r.cropped.height]).toEqual([30, 15]);
    expect([r.fitted20.width, r.fitted20.height]).toEqual([20, 10]);
    expect(r.offset).toEqual({ x: 4, y: 9 });
    expect(Array.from(r.centred28.pixels)).toEqual(field((x, y) => x >= 4 && x < 24 && y >= 9 && y < 19));
    expectCentred(r.centred28);
  });

  it('a tall stroke keeps its aspect ratio: 20 high, 5 wide', () => {
    const r = prepared(canvas(100, 100, (x, y) => (x >= 40 && x < 50 && y >= 10 && y < 50 ? 1 : 0)));
    expect([r.fitted20.width, r.fitted20.height]).toEqual([5, 20]);
    // Centre of mass x = 2.5 → offset round(11.5) = 12, so columns 12..16 and the mass at 14.5.
    expect(r.offset).toEqual({ x: 12, y: 4 });
    expect(Array.from(r.centred28.pixels)).toEqual(field((x, y) => x >= 12 && x < 17 && y >= 4 && y < 24));
    expectCentred(r.centred28);
  });

  it('a thin diagonal keeps grey levels instead of vanishing', () => {
    // A 1-px diagonal over 40 × 40, halved: each output cell on the diagonal covers 2 of 4 ink pixels.
    const r = prepared(canvas(40, 40, (x, y) => (x === y ? 255 : 0)));
    expect(Array.from(r.fitted20.pixels)).toEqual(Array.from(canvas(20, 20, (x, y) => (x === y ? 0.5 : 0)).pixels));
    expect(r.offset).toEqual({ x: 4, y: 4 });
    expect(Array.from(r.centred28.pixels)).toEqual(field((x, y) => x === y && x >= 4 && x < 24, 0.5));
  });

  it('area-averaging keeps the mean ink, so the sum scales with the area', () => {
    // An irregular blob of 37 × 23 with grey levels: the scale 20/37 is not a whole fraction.
    const r = prepared(canvas(60, 50, (x, y) => (x >= 3 && x < 40 && y >= 7 && y < 30 ? ((x * 7 + y * 13) % 11) * 23 : 0)));
    expect([r.cropped.width, r.cropped.height]).toEqual([37, 23]);
    expect([r.fitted20.width, r.fitted20.height]).toEqual([20, 12]);
    const areaRatio = (20 * 12) / (37 * 23);
    expect(sum(r.fitted20.pixels)).toBeCloseTo(sum(r.cropped.pixels) * areaRatio, 3);
    expect(sum(r.centred28.pixels)).toBeCloseTo(sum(r.fitted20.pixels), 4);
    expectCentred(r.centred28);
  });

  it('centres the mass within half a pixel for assorted strokes', () => {
    const strokes: ((x: number, y: number) => number)[] = [
      (x, y) => (Math.abs(x - 2 * y + 30) < 3 && y > 10 && y < 80 ? 200 : 0), // slanted bar
      (x, y) => (Math.abs(Math.hypot(x - 50, y - 45) - 25) < 2 ? 255 : 0), // ring, a "0"
      (x, y) => ((y > 20 && y < 25 && x > 20 && x < 70) || (Math.abs(x - 68 + (y - 22) * 0.4) < 2.5 && y > 20 && y < 90) ? 255 : 0), // a "7"
    ];
    for (const stroke of strokes) {
      const r = prepared(canvas(100, 100, stroke));
      expect(Math.max(r.fitted20.width, r.fitted20.height)).toBe(BOX);
      expectCentred(r.centred28);
    }
  });

  it('keeps a lopsided drawing inside the field instead of cutting ink off', () => {
    // A heavy bar at the far left and one dot at the far right: the mass sits 1.4 px from the left,
    // so round(14 − 1.4) = 13 would push the right end off; the offset stops at 28 − 20 = 8.
    const r = prepared(canvas(20, 20, (x, y) => (x === 0 || (x === 19 && y === 0) ? 1 : 0)));
    expect(r.centreOfMass.x).toBeCloseTo(29.5 / 21, 5);
    expect(r.offset.x).toBe(8);
    expect(sum(r.centred28.pixels)).toBeCloseTo(sum(r.fitted20.pixels), 5);
  });

  it('reads 0..1 drawings as they are and 0..255 drawings divided by 255', () => {
    const unit = prepared(canvas(4, 4, (x, y) => (x === 1 && y === 1 ? 0.5 : 0)));
    const byte = prepared(canvas(4, 4, (x, y) => (x === 1 && y === 1 ? 127.5 : 0)));
    expect(unit.cropped.pixels[0]).toBeCloseTo(0.5, 6);
    expect(byte.cropped.pixels[0]).toBeCloseTo(0.5, 6);
    const faint = prepareDigit(
      canvas(2, 1, (x) => x),
      { range: 'byte' },
    );
    expect(faint.status === 'prepared' && faint.cropped.pixels[0]).toBeCloseTo(1 / 255, 6);
  });

  it('a threshold ignores faint specks when finding the bounding box', () => {
    const r = prepareDigit(
      canvas(30, 30, (x, y) => (x === 0 && y === 0 ? 3 : x >= 10 && x < 20 && y >= 10 && y < 20 ? 255 : 0)),
      { threshold: 0.05 },
    );
    expect(r.status === 'prepared' && [r.cropped.width, r.cropped.height]).toEqual([10, 10]);
  });

  it('throws a typed error for a malformed image', () => {
    expect(() => prepareDigit({ width: 3, height: 3, pixels: new Float32Array(8) })).toThrow(InspectError);
    expect(() => prepareDigit({ width: 0, height: 3, pixels: [] })).toThrow(/positive integer/);
    expect(() => prepareDigit({ width: 1, height: 2, pixels: [0, NaN] })).toThrow(/pixel 1/);
    expect(() => prepareDigit({ width: 1, height: 1, pixels: [300] })).toThrow(InspectError);
    expect(() => prepareDigit({ width: 1, height: 1, pixels: [1] }, { threshold: 1 })).toThrow(/threshold/);
  });
});

describe('resampleArea', () => {
  it('averages 2 × 2 blocks when halving', () => {
    const src: GreyImage = { width: 4, height: 2, pixels: Float32Array.of(1, 0, 0, 0, 1, 0, 1, 1) };
    expect(Array.from(resampleArea(src, 2, 1).pixels)).toEqual([0.5, 0.5]);
  });

  it('weights fractional overlaps: 3 pixels into 2', () => {
    // Cell 0 covers [0, 1.5): pixel 0 fully and half of pixel 1; cell 1 covers [1.5, 3).
    const src: GreyImage = { width: 3, height: 1, pixels: Float32Array.of(1, 0.5, 0) };
    const out = resampleArea(src, 2, 1).pixels;
    expect(out[0]).toBeCloseTo((1 * 1 + 0.5 * 0.5) / 1.5, 6);
    expect(out[1]).toBeCloseTo((0.5 * 0.5 + 0 * 1) / 1.5, 6);
  });
});

describe('toModelInput', () => {
  it('returns grey levels to 0..255 and applies the saved scaling', () => {
    const image: GreyImage = { width: 2, height: 1, pixels: Float32Array.of(0, 1) };
    expect(Array.from(toModelInput(image, { kind: 'none' }))).toEqual([0, 255]);
    expect(Array.from(toModelInput(image, { kind: 'min-max', per: 'global', min: [0], max: [255] }))).toEqual([0, 1]);
  });
});
