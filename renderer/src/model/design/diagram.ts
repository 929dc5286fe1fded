/**
 * Geometry of the network drawing: one column per layer, input on the left. A flat layer is a
 * column of nodes (wider than `maxNodes` + 4: the first and last few around an ellipsis); a
 * spatial one (an image, feature maps) is a stack of squares sized by its height, at most
 * MAX_MAPS drawn. Where a dense layer follows a spatial one, a flatten marker stands between them.
 * A network too deep for one row at a readable size wraps onto further rows (the output is never
 * cut off), a dashed line leading from the end of one row to the start of the next.
 */
import type { LayerShape } from './shapes';

export interface DiagramColumn {
  shape: LayerShape;
  x: number;
  /** The vertical band of this column's row: its nodes between, heading above, labels below. */
  top: number;
  bottom: number;
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

/** Room right of the last column for its "… 4,096 units" label, which sits beside the nodes. */
const RIGHT_MARGIN = 28;
/** Feature maps drawn per stack; the rest are counted in the label. */
export const MAX_MAPS = 6;
const MAP_OFFSET = 5;

export interface DiagramLayout {
  width: number;
  height: number;
  radius: number;
  columns: DiagramColumn[];
  /** One path per pair of adjacent layers in a row: every drawn node joined to every drawn node. */
  edges: string[];
  /** One path per row break: from the last layer of a row to the first of the next. */
  wraps: string[];
  /** Vertical band the nodes of the first row occupy. */
  top: number;
  bottom: number;
  /** Rows the columns wrap onto (1 when the network fits side by side). */
  rows: number;
}

export interface DiagramOptions {
  /** Height of one row. */
  height?: number;
  maxNodes?: number;
  minPitch?: number;
  /** How far the drawing may be shrunk to fit (its box scales it): rows are packed at minPitch × minScale. */
  minScale?: number;
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

/** From the end of one row, down under its labels and back to the start of the next: the network goes on there. */
function wrapBetween(from: DiagramColumn, to: DiagramColumn, pitch: number, under: number): string {
  const a = anchors(from);
  const b = anchors(to);
  const y1 = a.ys[Math.floor(a.ys.length / 2)] ?? (from.top + from.bottom) / 2;
  const y2 = b.ys[Math.floor(b.ys.length / 2)] ?? (to.top + to.bottom) / 2;
  const right = from.x + pitch * 0.45;
  const left = Math.max(4, to.x - pitch * 0.45);
  return `M${pt(a.x, y1)}H${right.toFixed(1)}V${under.toFixed(1)}H${left.toFixed(1)}V${y2.toFixed(1)}H${(to.flattenX ?? b.x).toFixed(1)}`;
}

export function layoutDiagram(shapes: LayerShape[], availableWidth: number, options: DiagramOptions = {}): DiagramLayout {
  const { height = 360, maxNodes = 8, minPitch = 136, minScale = 1, headroom = 48, footroom = 76 } = options;
  const n = Math.max(shapes.length, 1);
  const room = availableWidth - RIGHT_MARGIN;
  // As many columns per row as fit at the smallest readable pitch, the rows then balanced (7 → 4 + 3, not 6 + 1).
  const rows = Math.ceil(n / Math.max(1, Math.floor(room / (minPitch * minScale))));
  const perRow = Math.ceil(n / rows);
  const pitch = Math.max(minPitch, room / perRow);
  const tallest = Math.max(1, ...shapes.filter((s) => s.spatial).map((s) => s.height));
  const columns: DiagramColumn[] = shapes.map((shape, i) => {
    const x = pitch * ((i % perRow) + 0.5);
    const top = Math.floor(i / perRow) * height + headroom;
    const bottom = top + height - headroom - footroom;
    if (shape.spatial) return { shape, x, top, bottom, ys: [], hidden: 0, stack: stackOf(shape, x, top, bottom, tallest) };
    const column: DiagramColumn = { shape, x, top, bottom, ...columnYs(shape.units, maxNodes, top, bottom) };
    if (shape.flattens) {
      // At the start of a row the marker keeps clear of the left edge, where its label would be cut.
      column.flattenX = Math.max(x - pitch / 2, 28);
      column.flattenSize = shapes[i - 1]?.units ?? 0;
    }
    return column;
  });
  const edges: string[] = [];
  const wraps: string[] = [];
  columns.slice(1).forEach((to, i) => {
    if ((i + 1) % perRow === 0) wraps.push(wrapBetween(columns[i]!, to, pitch, to.top - headroom + 2));
    else edges.push(edgeBetween(columns[i]!, to));
  });
  const top = headroom;
  const bottom = height - footroom;
  const spacing = Math.min(26, (bottom - top) / (maxNodes + 4));
  return {
    width: pitch * perRow + RIGHT_MARGIN,
    height: height * rows,
    radius: Math.min(8, spacing * 0.34),
    columns,
    edges,
    wraps,
    top,
    bottom,
    rows,
  };
}
