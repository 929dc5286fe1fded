/** Sampling and scaling for the small function plots in the explanation panel. */
export type Point = [x: number, y: number];

export interface PlotBox {
  width: number;
  height: number;
  pad: number;
}

export interface Scaled {
  path: string;
  /** Pixel positions of the axes y = 0 and x = 0, when inside the box. */
  xAxisY?: number;
  yAxisX?: number;
  /** The range of the data (with 0 included), for labelling. */
  lo: number;
  hi: number;
  /** A data point's pixel position in the box. */
  project(x: number, y: number): [number, number];
}

export function sample(f: (x: number) => number, from: number, to: number, n = 161): Point[] {
  const points: Point[] = [];
  for (let i = 0; i < n; i++) {
    const x = from + ((to - from) * i) / (n - 1);
    points.push([x, f(x)]);
  }
  return points;
}

/** Fits the finite points into the box (y range padded, never flat) and returns an SVG path. */
export function scalePoints(points: Point[], box: PlotBox): Scaled {
  const finite = points.filter(([, y]) => Number.isFinite(y));
  const xs = points.map(([x]) => x);
  const xMin = Math.min(...xs);
  const xMax = Math.max(...xs);
  let yMin = Math.min(0, ...finite.map(([, y]) => y));
  let yMax = Math.max(0, ...finite.map(([, y]) => y));
  const lo = yMin;
  const hi = yMax;
  if (yMax - yMin < 1e-9) yMax = yMin + 1;
  const margin = (yMax - yMin) * 0.08;
  yMin -= margin;
  yMax += margin;
  const px = (x: number): number => box.pad + ((x - xMin) / (xMax - xMin)) * (box.width - 2 * box.pad);
  const py = (y: number): number => box.height - box.pad - ((y - yMin) / (yMax - yMin)) * (box.height - 2 * box.pad);
  let path = '';
  let pen = false;
  for (const [x, y] of points) {
    if (!Number.isFinite(y)) {
      pen = false;
      continue;
    }
    path += `${pen ? 'L' : 'M'}${px(x).toFixed(1)} ${py(y).toFixed(1)}`;
    pen = true;
  }
  const scaled: Scaled = { path, lo, hi, project: (x, y) => [px(x), py(y)] };
  if (yMin <= 0 && yMax >= 0) scaled.xAxisY = py(0);
  if (xMin <= 0 && xMax >= 0) scaled.yAxisX = px(0);
  return scaled;
}
