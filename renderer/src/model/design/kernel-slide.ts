/**
 * The small picture of a kernel sliding over an image, as numbers: a tiny grey "digit", the
 * positions the window visits (row by row, as the convolution's sum does) and the feature map
 * it fills in. Pure, so the picture and its test agree on what is drawn.
 */

/** An 8 × 8 stroke of a "7": 1 = ink, 0 = paper. */
export const SLIDE_IMAGE: readonly (readonly number[])[] = [
  [0, 0, 0, 0, 0, 0, 0, 0],
  [0, 1, 1, 1, 1, 1, 1, 0],
  [0, 0, 0, 0, 0, 1, 1, 0],
  [0, 0, 0, 0, 1, 1, 0, 0],
  [0, 0, 0, 1, 1, 0, 0, 0],
  [0, 0, 0, 1, 0, 0, 0, 0],
  [0, 0, 1, 1, 0, 0, 0, 0],
  [0, 0, 0, 0, 0, 0, 0, 0],
];

/** A 3 × 3 kernel that answers to a diagonal stroke running up to the right. */
export const SLIDE_KERNEL: readonly (readonly number[])[] = [
  [-1, -1, 1],
  [-1, 1, -1],
  [1, -1, -1],
];

export interface SlidePosition {
  /** Output row and column. */
  i: number;
  j: number;
  /** Top-left pixel of the window on the input. */
  row: number;
  col: number;
}

/** Every window position of a valid convolution with stride s, row by row. */
export function slidePositions(n: number, k: number, s: number): SlidePosition[] {
  const out = Math.floor((n - k) / s) + 1;
  const positions: SlidePosition[] = [];
  for (let i = 0; i < out; i++) for (let j = 0; j < out; j++) positions.push({ i, j, row: i * s, col: j * s });
  return positions;
}

/** z at one position: the kernel's weights times the pixels under it, summed (no bias). */
export function slideValue(image: readonly (readonly number[])[], kernel: readonly (readonly number[])[], p: SlidePosition): number {
  let z = 0;
  kernel.forEach((row, a) => row.forEach((w, b) => (z += w * (image[p.row + a]?.[p.col + b] ?? 0))));
  return z;
}
