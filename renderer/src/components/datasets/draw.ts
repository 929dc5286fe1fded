/** Grey samples on a canvas through ImageData: value v becomes ink of opacity (v − min)/(max − min) over the tile, in the theme's text colour. */

/** The element's CSS colour (the theme's text colour) as RGB. */
export function inkOf(el: Element): [number, number, number] {
  const rgb = /(\d+)\D+(\d+)\D+(\d+)/.exec(getComputedStyle(el).color);
  return rgb ? [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])] : [0, 0, 0];
}

export function paintGrey(
  canvas: HTMLCanvasElement,
  values: ArrayLike<number>,
  width: number,
  height: number,
  min: number,
  max: number,
): void {
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const context = canvas.getContext('2d');
  if (!context) return;
  const [r, g, b] = inkOf(canvas);
  const range = max > min ? max - min : 1;
  const image = context.createImageData(width, height);
  const n = Math.min(values.length, width * height);
  for (let p = 0; p < n; p++) {
    const alpha = Math.round(Math.min(1, Math.max(0, (values[p]! - min) / range)) * 255);
    const k = p * 4;
    image.data[k] = r;
    image.data[k + 1] = g;
    image.data[k + 2] = b;
    image.data[k + 3] = alpha;
  }
  context.putImageData(image, 0, 0);
}
