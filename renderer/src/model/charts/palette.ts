/**
 * Colours for runs (one per run, stable) and for layers. Layers take a categorical palette (Tableau
 * 10's hues, readable on the light and the dark surface): neighbouring layers must never look alike,
 * or one layer's line hides another's.
 */
const RUNS = ['#2563eb', '#e4572e', '#17a398', '#9b5de5', '#f2a541', '#d63384', '#4d908e', '#6c757d'];
const LAYERS = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#b07aa1', '#76b7b2', '#edc948', '#9c755f'];

export function runColour(index: number): string {
  return RUNS[((index % RUNS.length) + RUNS.length) % RUNS.length]!;
}

export function layerColour(layer: number): string {
  return LAYERS[(layer - 1) % LAYERS.length]!;
}

/** '#rrggbb' with an alpha channel. */
export function fade(hex: string, alpha: number): string {
  const a = Math.round(Math.min(1, Math.max(0, alpha)) * 255)
    .toString(16)
    .padStart(2, '0');
  return `${hex}${a}`;
}

const channels = (hex: string): number[] | null =>
  /^#[0-9a-f]{6}$/i.test(hex) ? [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) : null;

/** WCAG's relative luminance of sRGB channels (0–255). */
function luminance(rgb: number[]): number {
  const [r, g, b] = rgb.map((c) => (c / 255 <= 0.03928 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4)) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG's contrast ratio of two sRGB colours (1 = the same luminance, 21 = black on white). */
export function contrast(a: number[], b: number[]): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** How far a faint line (a run's batch losses) stands out from the chart's surface, as a contrast ratio. */
export const FAINT_CONTRAST = 1.4;
const FAINT_ALPHA = { least: 0.22, most: 0.6 };

/**
 * `hex` faded just enough to reach FAINT_CONTRAST on `surface` ('#rrggbb'), between 22 % and 60 %
 * opaque: the same fade looks fainter on a dark surface (a blue line at 22 % is 1.23 : 1 on the dark
 * theme's card, 1.37 : 1 on white), so the batch losses of the first run's blue were barely there
 * in the dark theme. Without a surface it fades to 22 %.
 */
export function faintOn(hex: string, surface: string | undefined): string {
  const line = channels(hex);
  const back = surface ? channels(surface) : null;
  if (!line || !back) return fade(hex, FAINT_ALPHA.least);
  const over = (alpha: number): number[] => line.map((c, i) => alpha * c + (1 - alpha) * back[i]!);
  // In whole steps of the alpha byte that fade() writes, so the colour drawn is the one measured.
  let byte = Math.round(FAINT_ALPHA.least * 255);
  while (byte < FAINT_ALPHA.most * 255 && contrast(over(byte / 255), back) < FAINT_CONTRAST) byte++;
  return fade(hex, byte / 255);
}
