/**
 * Geometry of the network drawing: one column per layer, input on the left. A flat layer is a
 * column of nodes (wider than `maxNodes` + 4: the first and last few around an ellipsis); a
 * spatial one (an image, feature maps) is a stack of squares sized by its height, at most
 * MAX_MAPS drawn. Where a dense layer follows a spatial one, a flatten marker stands between them.
 */
import type { LayerShape } from './shapes';

export interface DiagramColumn {
  shape: LayerShape;
  x: number;
  /** Centres of the nodes drawn. */
  ys: number[];
  /** Where the ellipsis sits when the layer is condensed. */
  gapY?: number;
  /** Units not drawn. */
  hidden: number;
  /** A spatial layer: its feature maps, back to front (the last is the front one). */
  stack?: { maps: MapRect[]; hiddenMaps: number };
  /** x of the flatten marker drawn before this (dense) column, when the column before is spatial. */
  flattenX?: number;
  /** Values the flatten marker lays end to end (the spatial layer's c·h·w). */
  flattenSize?: number;
}

export interface MapRect {
  x: number;
  y: number;
  size: number;
}

/** Feature maps drawn per stack; the rest are counted in the label. */
export const MAX_MAPS = 6;
const MAP_OFFSET = 5;

export interface DiagramLayout {
  width: number;
  height: number;
  radius: number;
  columns: DiagramColumn[];
  /** One path per pair of adjacent layers: every drawn node joined to every drawn node. */
  edges: string[];
  /** Vertical band the nodes occupy. */
  top: number;
  bottom: number;
}

export interface DiagramOptions {
  height?: number;
  maxNodes?: number;
  minPitch?: number;
  /** Space above the nodes for the layer heading, below them for the shape labels. */
  headroom?: number;
  footroom?: number;
}

function columnYs(units: number, maxNodes: number, top: number, bottom: number): { ys: number[]; gapY?: number; hidden: number } {
  const count = Number.isFinite(units) ? Math.max(0, Math.floor(units)) : 0;
  const condensed = count > maxNodes + 4;
  const shown = condensed ? maxNodes : count;
  const slots = shown + (condensed ? 1 : 0);
  const spacing = Math.min(26, (bottom - top) / Math.max(slots, 1));
  const start = (top + bottom) / 2 - ((slots - 1) * spacing) / 2;
  const half = Math.ceil(shown / 2);
  const ys: number[] = [];
  for (let i = 0; i < shown; i++) ys.push(start + (condensed && i >= half ? i + 1 : i) * spacing);
  return condensed ? { ys, gapY: start + half * spacing, hidden: count - shown } : { ys, hidden: 0 };
}

function stackOf(shape: LayerShape, x: number, top: number, bottom: number, tallest: number): DiagramColumn['stack'] {
  const drawn = Math.min(shape.channels, MAX_MAPS);
  const room = bottom - top - (drawn - 1) * MAP_OFFSET;
  // Sides follow the square root of the height, so a 4 × 4 map stays visible beside a 28 × 28 one.
  const size = Math.max(12, Math.min(room, 90) * Math.sqrt(shape.height / Math.max(tallest, 1)));
  const span = size + (drawn - 1) * MAP_OFFSET;
  const x0 = x - span / 2;
  const y0 = (top + bottom) / 2 - span / 2;
  const maps = Array.from({ length: drawn }, (_, k) => ({ x: x0 + k * MAP_OFFSET, y: y0 + (drawn - 1 - k) * MAP_OFFSET, size }));
  return { maps, hiddenMaps: shape.channels - drawn };
}

const pt = (x: number, y: number): string => `${x.toFixed(1)} ${y.toFixed(1)}`;

/** The front face of a column's stack or its middle node: where lines into and out of it meet. */
function anchors(column: DiagramColumn): { x: number; ys: number[]; window?: MapRect } {
  const front = column.stack?.maps.at(-1);
  if (!front) return { x: column.x, ys: column.ys };
  const w = Math.max(4, front.size / 4);
  return {
    x: front.x + front.size / 2,
    ys: [front.y + front.size / 2],
    window: { x: front.x + front.size - w - 2, y: front.y + 2, size: w },
  };
}

/** Dense to dense: every node to every node. From a map: a cone from a kernel-sized window to the next column. */
function edgeBetween(from: DiagramColumn, to: DiagramColumn): string {
  const a = anchors(from);
  const b = anchors(to);
  const toX = to.flattenX ?? b.x;
  if (a.window) {
    const w = a.window;
    const target = to.stack?.maps.at(-1);
    const ty = target ? target.y + target.size / 3 : (b.ys[Math.floor(b.ys.length / 2)] ?? to.ys[0] ?? 0);
    const tx = target ? target.x + target.size / 3 : toX;
    const cone = `M${pt(w.x, w.y)}L${pt(tx, ty)}M${pt(w.x + w.size, w.y + w.size)}L${pt(tx, ty)}M${pt(w.x, w.y)}h${w.size}v${w.size}h${-w.size}Z`;
    // After the flatten marker, every flattened value feeds every unit: a fan to each node.
    const fx = to.flattenX;
    const fan = fx === undefined ? '' : b.ys.map((y) => `M${pt(fx, ty)}L${pt(b.x, y)}`).join('');
    return cone + fan;
  }
  const parts: string[] = [];
  for (const y1 of a.ys) for (const y2 of b.ys) parts.push(`M${pt(a.x, y1)}L${pt(toX, y2)}`);
  return parts.join('');
}

export function layoutDiagram(shapes: LayerShape[], availableWidth: number, options: DiagramOptions = {}): DiagramLayout {
  const { height = 360, maxNodes = 8, minPitch = 120, headroom = 48, footroom = 76 } = options;
  const pitch = Math.max(minPitch, availableWidth / Math.max(shapes.length, 1));
  const top = headroom;
  const bottom = height - footroom;
  const tallest = Math.max(1, ...shapes.filter((s) => s.spatial).map((s) => s.height));
  const columns: DiagramColumn[] = shapes.map((shape, i) => {
    const x = pitch * (i + 0.5);
    if (shape.spatial) return { shape, x, ys: [], hidden: 0, stack: stackOf(shape, x, top, bottom, tallest) };
    const column: DiagramColumn = { shape, x, ...columnYs(shape.units, maxNodes, top, bottom) };
    if (shape.flattens) {
      column.flattenX = x - pitch / 2;
      column.flattenSize = shapes[i - 1]?.units ?? 0;
    }
    return column;
  });
  const edges = columns.slice(1).map((to, i) => edgeBetween(columns[i]!, to));
  const spacing = Math.min(26, (bottom - top) / (maxNodes + 4));
  return { width: pitch * shapes.length, height, radius: Math.min(8, spacing * 0.34), columns, edges, top, bottom };
}
