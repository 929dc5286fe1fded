/**
 * The Train charts as one PNG: every chart canvas drawn onto one sheet, two to a row, on an opaque
 * background (transparent areas come out black in some viewers), as base64 for lab.savePng.
 */
const GAP = 16;
const COLUMNS = 2;

/** Where each canvas goes on the sheet (pure: sizes in, positions and sheet size out). */
export function sheetLayout(sizes: readonly { width: number; height: number }[]): {
  width: number;
  height: number;
  places: { x: number; y: number }[];
} {
  const cellWidth = Math.max(0, ...sizes.map((s) => s.width));
  const cellHeight = Math.max(0, ...sizes.map((s) => s.height));
  const columns = Math.min(COLUMNS, sizes.length);
  const rows = Math.ceil(sizes.length / COLUMNS);
  const places = sizes.map((_, i) => ({
    x: GAP + (i % COLUMNS) * (cellWidth + GAP),
    y: GAP + Math.floor(i / COLUMNS) * (cellHeight + GAP),
  }));
  return { width: GAP + columns * (cellWidth + GAP), height: GAP + rows * (cellHeight + GAP), places };
}

/** The canvases drawn on one sheet as PNG base64 (no "data:" prefix); null when there is nothing drawn. */
export function chartsPngBase64(canvases: readonly HTMLCanvasElement[], background: string): string | null {
  const drawn = canvases.filter((c) => c.width > 0 && c.height > 0);
  if (drawn.length === 0) return null;
  const layout = sheetLayout(drawn);
  const sheet = document.createElement('canvas');
  sheet.width = layout.width;
  sheet.height = layout.height;
  const ctx = sheet.getContext('2d');
  if (!ctx) throw new Error('the charts could not be drawn onto a sheet');
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, sheet.width, sheet.height);
  drawn.forEach((canvas, i) => ctx.drawImage(canvas, layout.places[i]!.x, layout.places[i]!.y));
  return sheet.toDataURL('image/png').replace(/^data:image\/png;base64,/, '');
}
