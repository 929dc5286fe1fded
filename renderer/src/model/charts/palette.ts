/** Colours for runs (one per run, stable) and for layers (ordered, so depth reads as a gradient). */
const RUNS = ['#2563eb', '#e4572e', '#17a398', '#9b5de5', '#f2a541', '#d63384', '#4d908e', '#6c757d'];
const LAYERS = ['#0b7285', '#1c7ed6', '#5f3dc4', '#ae3ec9', '#e64980', '#f76707', '#f59f00', '#74b816'];

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
