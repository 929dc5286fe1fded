/**
 * Colour maps and histograms for drawing weights, heatmaps and images into ImageData-ready RGBA
 * buffers. Pure: no Node API, no DOM (the renderer wraps the buffers in `ImageData`).
 *
 * Weights use a diverging map centred on zero: ColorBrewer's 11-class RdBu (via d3-scale-chromatic)
 * interpolated piecewise in CIELAB, oriented so that negative = blue, 0 = neutral grey #f7f7f7 and
 * positive = red (warm = excitatory). Piecewise interpolation passes through the ColorBrewer
 * colours exactly, so 0 is exactly the neutral middle; d3's own `interpolateRdBu` is a B-spline whose
 * middle is a warm (242, 239, 238). Counts and other non-negative values use the sequential Blues.
 *
 * On a dark page a white middle glares, so the 'dark' theme has its own maps: the diverging one
 * runs light blue → near-black → light salmon, straight lines in CIELAB from a neutral dark middle
 * (lightness grows steadily with |value| on each side, like Crameri's 'berlin'); blue against
 * orange-red stays apart under every kind of colour blindness, and magnitude reads as lightness
 * even in grey. The sequential one runs from near-black to light blue (more = brighter).
 */
import { hcl, rgb } from 'd3-color';
import { interpolateLab, piecewise } from 'd3-interpolate';
import { interpolateBlues, schemeRdBu } from 'd3-scale-chromatic';
import { InspectError } from '@core/inspect/errors';

export type Rgb = [r: number, g: number, b: number];

/** Which page the colours go on: the renderer passes 'dark' when the system theme is dark. */
export type ColourTheme = 'light' | 'dark';

/** The colour of a zero weight. */
export const NEUTRAL: Rgb = [247, 247, 247];
/** The colours of −maxAbs and +maxAbs (and anything beyond, which is clipped). */
export const NEGATIVE_END: Rgb = [5, 48, 97];
export const POSITIVE_END: Rgb = [103, 0, 31];

/** The dark theme's ends (hue 255° blue, 35° salmon in CIE LCh) and middle, a touch above the page (#171a21). */
const DARK_STOPS = [hcl(255, 36, 74), hcl(0, 0, 14), hcl(35, 40, 74)];
const DARK_SEQUENTIAL = [hcl(255, 8, 16), hcl(250, 24, 80)];

/** Entries in each lookup table; odd, so that the middle entry is exactly t = ½. */
const LUT_SIZE = 1025;
const MIDDLE = (LUT_SIZE - 1) / 2;

/** Samples an interpolator (t in [0, 1] → CSS colour) into r,g,b triples. */
function buildLut(colourAt: (t: number) => string): Uint8Array {
  const lut = new Uint8Array(LUT_SIZE * 3);
  for (let i = 0; i < LUT_SIZE; i++) {
    const c = rgb(colourAt(i / (LUT_SIZE - 1))).clamp();
    lut[3 * i] = Math.round(c.r);
    lut[3 * i + 1] = Math.round(c.g);
    lut[3 * i + 2] = Math.round(c.b);
  }
  return lut;
}

const luts = new Map<string, Uint8Array>();

function cached(key: string, build: () => Uint8Array): Uint8Array {
  let lut = luts.get(key);
  if (!lut) luts.set(key, (lut = build()));
  return lut;
}

function labThrough(stops: unknown[]): Uint8Array {
  const colourAt: (t: number) => unknown = piecewise(interpolateLab, stops.map(String));
  return buildLut((t) => String(colourAt(t)));
}

/** Blue (t = 0) → middle (½) → red (1): schemeRdBu runs red → blue, so it is reversed. */
function diverging(theme: ColourTheme): Uint8Array {
  return cached(`diverging-${theme}`, () => labThrough(theme === 'dark' ? DARK_STOPS : [...schemeRdBu[11]!].reverse()));
}

function sequential(theme: ColourTheme): Uint8Array {
  return cached(`sequential-${theme}`, () => (theme === 'dark' ? labThrough(DARK_SEQUENTIAL) : buildLut(interpolateBlues)));
}

/** LUT index of value/maxAbs in [−1, 1]; a zero or invalid scale and NaN values give the middle. */
function divergingIndex(value: number, maxAbs: number): number {
  const t = maxAbs > 0 ? value / maxAbs : 0;
  if (Number.isNaN(t)) return MIDDLE;
  return Math.round((Math.min(1, Math.max(-1, t)) + 1) * MIDDLE);
}

/** LUT index of value/max in [0, 1]. */
function sequentialIndex(value: number, max: number): number {
  const t = max > 0 ? value / max : 0;
  if (Number.isNaN(t)) return 0;
  return Math.round(Math.min(1, Math.max(0, t)) * (LUT_SIZE - 1));
}

function fromLut(lut: Uint8Array, i: number): Rgb {
  return [lut[3 * i]!, lut[3 * i + 1]!, lut[3 * i + 2]!];
}

function writeRgba(lut: Uint8Array, i: number, out: Uint8ClampedArray, p: number): void {
  out[p] = lut[3 * i]!;
  out[p + 1] = lut[3 * i + 1]!;
  out[p + 2] = lut[3 * i + 2]!;
  out[p + 3] = 255;
}

/** The largest |v| over values[start, end), skipping non-finite values; 0 when there is none. */
export function symmetricScale(values: ArrayLike<number>, start = 0, end = values.length): number {
  let maxAbs = 0;
  for (let k = start; k < end; k++) {
    const a = Math.abs(values[k]!);
    if (a > maxAbs && a !== Infinity) maxAbs = a;
  }
  return maxAbs;
}

/** The diverging colour of a weight on the scale ±maxAbs; beyond it the ends, 0 (or NaN) the neutral middle. */
export function weightToRgb(value: number, maxAbs: number, theme: ColourTheme = 'light'): Rgb {
  return fromLut(diverging(theme), divergingIndex(value, maxAbs));
}

/** The sequential colour of a value in [0, max], clipped: light, 0 nearly white and max dark blue; dark, the reverse. */
export function sequentialToRgb(value: number, max: number, theme: ColourTheme = 'light'): Rgb {
  return fromLut(sequential(theme), sequentialIndex(value, max));
}

/** Black or white, whichever reads better on the colour (for counts written on heatmap cells). */
export function textColourOn([r, g, b]: Rgb): 'black' | 'white' {
  const linear = (c: number): number => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
  return luminance > 0.179 ? 'black' : 'white';
}

export type ScaleMode = 'shared' | 'per-unit';

/**
 * The ±scale each unit's image is drawn with: one maxAbs over every weight ('shared', so units can
 * be compared) or each unit's own ('per-unit', so faint patterns show).
 */
export function weightScales(weights: ArrayLike<number>, units: number, inputs: number, mode: ScaleMode): number[] {
  checkLength(weights, units, inputs);
  if (mode === 'shared') return new Array<number>(units).fill(symmetricScale(weights));
  return Array.from({ length: units }, (_, j) => symmetricScale(weights, j * inputs, (j + 1) * inputs));
}

/**
 * One RGBA image (width × height × 4 bytes) per unit of a layer whose weight matrix is
 * units × inputs, row-major (row j = the weights into unit j, as `Network.w[l]`). For the first
 * layer of an MNIST network that is one 28 × 28 picture of what each hidden unit looks for.
 */
export function paintWeights(
  weights: ArrayLike<number>,
  units: number,
  inputs: number,
  width: number,
  height: number,
  mode: ScaleMode,
  theme: ColourTheme = 'light',
): Uint8ClampedArray[] {
  if (width * height !== inputs)
    throw new InspectError('bad-shape', `a ${width} × ${height} image needs ${width * height} inputs per unit, the layer has ${inputs}`);
  const scales = weightScales(weights, units, inputs, mode);
  const lut = diverging(theme);
  return scales.map((maxAbs, j) => {
    const image = new Uint8ClampedArray(inputs * 4);
    for (let k = 0; k < inputs; k++) writeRgba(lut, divergingIndex(weights[j * inputs + k]!, maxAbs), image, 4 * k);
    return image;
  });
}

/**
 * A rows × cols matrix as an RGBA image, one pixel per cell (draw it enlarged without smoothing):
 * 'diverging' on ±scale (default: the largest |v|), e.g. any layer's weights; 'sequential' on
 * [0, scale] (default: the largest value), e.g. confusion counts.
 */
export function paintMatrix(
  values: ArrayLike<number>,
  rows: number,
  cols: number,
  map: 'diverging' | 'sequential',
  scale?: number,
  theme: ColourTheme = 'light',
): Uint8ClampedArray {
  checkLength(values, rows, cols);
  const n = rows * cols;
  const image = new Uint8ClampedArray(n * 4);
  if (map === 'diverging') {
    const maxAbs = scale ?? symmetricScale(values);
    const lut = diverging(theme);
    for (let k = 0; k < n; k++) writeRgba(lut, divergingIndex(values[k]!, maxAbs), image, 4 * k);
  } else {
    let max = scale ?? 0;
    if (scale === undefined) for (let k = 0; k < n; k++) if (values[k]! > max && values[k]! !== Infinity) max = values[k]!;
    const lut = sequential(theme);
    for (let k = 0; k < n; k++) writeRgba(lut, sequentialIndex(values[k]!, max), image, 4 * k);
  }
  return image;
}

/**
 * A grey image as RGBA: `lo` (default 0) is the paper, `hi` (default 1) full ink, clipped; e.g. the
 * digits of the misclassified gallery and the steps of a drawn digit. The light theme draws dark ink
 * on white; the dark theme light ink on the page's dark surface (MNIST's own white-on-black), so
 * images do not glare there.
 */
export function paintGrey(
  values: ArrayLike<number>,
  width: number,
  height: number,
  lo = 0,
  hi = 1,
  theme: ColourTheme = 'light',
): Uint8ClampedArray {
  checkLength(values, height, width);
  const n = width * height;
  const image = new Uint8ClampedArray(n * 4);
  const span = hi - lo || 1;
  for (let k = 0; k < n; k++) {
    const t = Math.min(1, Math.max(0, (values[k]! - lo) / span));
    const ink = Number.isNaN(t) ? 0 : t;
    const v = theme === 'dark' ? Math.round(DARK_PAPER + (255 - DARK_PAPER) * ink) : Math.round(255 * (1 - ink));
    image[4 * k] = v;
    image[4 * k + 1] = v;
    image[4 * k + 2] = v;
    image[4 * k + 3] = 255;
  }
  return image;
}

/** The dark theme's paper grey, close to its surface colour (#1b1f26). */
const DARK_PAPER = 28;

function checkLength(values: ArrayLike<number>, rows: number, cols: number): void {
  if (!(Number.isInteger(rows) && Number.isInteger(cols) && rows >= 0 && cols >= 0) || values.length !== rows * cols) {
    throw new InspectError('bad-shape', `expected ${rows} × ${cols} = ${rows * cols} values, found ${values.length}`);
  }
}

export interface Histogram {
  /** bins + 1 ascending edges; bin i is [edges[i], edges[i+1]), the last bin also holds its upper edge. */
  edges: number[];
  counts: number[];
  /** Finite values outside the range (only with an explicit range). */
  outside: number;
  /** NaN and ±Infinity values, never counted in a bin. */
  nonFinite: number;
}

/**
 * Counts values into equal-width bins over `range` (default: the finite values' min and max; a
 * single repeated value v gets [v − ½, v + ½]; no values at all get [0, 1]). Pass a fixed range to
 * compare histograms, e.g. the same layer over training checkpoints.
 */
export function histogram(values: ArrayLike<number>, bins: number, range?: [number, number]): Histogram {
  if (!(Number.isInteger(bins) && bins > 0))
    throw new InspectError('bad-option', `a histogram needs a positive whole number of bins, got ${bins}`);
  let lo: number;
  let hi: number;
  if (range) {
    [lo, hi] = range;
    if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi))
      throw new InspectError('bad-option', `a histogram range needs finite lo < hi, got [${lo}, ${hi}]`);
  } else {
    lo = Infinity;
    hi = -Infinity;
    for (let k = 0; k < values.length; k++) {
      const v = values[k]!;
      if (Number.isFinite(v)) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    if (lo > hi) [lo, hi] = [0, 1];
    else if (lo === hi) [lo, hi] = [lo - 0.5, hi + 0.5];
  }
  const width = (hi - lo) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? hi : lo + i * width));
  const counts = new Array<number>(bins).fill(0);
  let outside = 0;
  let nonFinite = 0;
  for (let k = 0; k < values.length; k++) {
    const v = values[k]!;
    if (!Number.isFinite(v)) nonFinite++;
    else if (v < lo || v > hi) outside++;
    else counts[Math.min(bins - 1, Math.floor((v - lo) / width))]!++;
  }
  return { edges, counts, outside, nonFinite };
}
