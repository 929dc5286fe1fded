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
