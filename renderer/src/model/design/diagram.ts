/**
 * Geometry of the network drawing: one column of nodes per layer, input on the left. Layers
 * wider than `maxNodes` + 4 are drawn condensed: the first and last few nodes around an ellipsis.
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
}

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

export function layoutDiagram(shapes: LayerShape[], availableWidth: number, options: DiagramOptions = {}): DiagramLayout {
  const { height = 360, maxNodes = 8, minPitch = 120, headroom = 48, footroom = 76 } = options;
  const pitch = Math.max(minPitch, availableWidth / Math.max(shapes.length, 1));
  const top = headroom;
  const bottom = height - footroom;
  const columns = shapes.map((shape, i) => ({ shape, x: pitch * (i + 0.5), ...columnYs(shape.units, maxNodes, top, bottom) }));
  const edges = columns.slice(1).map((to, i) => {
    const from = columns[i]!;
    const parts: string[] = [];
    for (const y1 of from.ys)
      for (const y2 of to.ys) parts.push(`M${from.x.toFixed(1)} ${y1.toFixed(1)}L${to.x.toFixed(1)} ${y2.toFixed(1)}`);
    return parts.join('');
  });
  const spacing = Math.min(26, (bottom - top) / (maxNodes + 4));
  return { width: pitch * shapes.length, height, radius: Math.min(8, spacing * 0.34), columns, edges, top, bottom };
}
