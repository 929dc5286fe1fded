/** Pure pixel work for imported images: RGBA → grey levels, and resizing by area averaging. */

/** Grey levels of RGBA pixels by the ITU-R BT.601 luma weights (as most image tools do); alpha is ignored. */
export function rgbaToGrey(
  rgba: Uint8Array,
  out: Uint8Array = new Uint8Array(rgba.length / 4),
): { grey: Uint8Array; transparent: boolean } {
  let transparent = false;
  // k + 3 < 4 · out.length ≤ rgba.length
  for (let i = 0, k = 0; i < out.length; i++, k += 4) {
    out[i] = Math.round(0.299 * rgba[k]! + 0.587 * rgba[k + 1]! + 0.114 * rgba[k + 2]!);
    if (rgba[k + 3] !== 255) transparent = true;
  }
  return { grey: out, transparent };
}

/** For each destination index, the source indices it covers and how much of each (box filter weights). */
function coverage(source: number, destination: number): { first: number; weights: number[] }[] {
  const scale = source / destination;
  return Array.from({ length: destination }, (_, d) => {
    const from = d * scale;
    const to = (d + 1) * scale;
    const first = Math.floor(from);
    const weights: number[] = [];
    for (let s = first; s < Math.min(source, Math.ceil(to)); s++) weights.push(Math.min(s + 1, to) - Math.max(s, from));
    return { first, weights };
  });
}

/**
 * Resizes a grey image (row-major, width × height) so that every destination pixel is the mean
 * of the source area it covers: smooth when shrinking, blocky (nearest) when enlarging.
 */
export function resizeGrey(src: Uint8Array, width: number, height: number, newWidth: number, newHeight: number): Uint8Array {
  const out = new Uint8Array(newWidth * newHeight);
  const xs = coverage(width, newWidth);
  const ys = coverage(height, newHeight);
  const area = (width / newWidth) * (height / newHeight);
  // ys and xs have one entry per destination row and column, and their weights stay inside the source.
  for (let dy = 0; dy < newHeight; dy++) {
    const { first: y0, weights: wy } = ys[dy]!;
    for (let dx = 0; dx < newWidth; dx++) {
      const { first: x0, weights: wx } = xs[dx]!;
      let sum = 0;
      for (let j = 0; j < wy.length; j++) {
        const row = (y0 + j) * width;
        let rowSum = 0;
        for (let i = 0; i < wx.length; i++) rowSum += src[row + x0 + i]! * wx[i]!;
        sum += rowSum * wy[j]!;
      }
      out[dy * newWidth + dx] = Math.min(255, Math.round(sum / area));
    }
  }
  return out;
}
