/**
 * A CSV writer (RFC 4180 quoting, '\n' line ends). Pure: rows in, text out. A cell is a number, a
 * string, or null for an empty cell; numbers keep every digit JavaScript prints, and NaN or
 * infinite values are written as empty cells (no spreadsheet reads "NaN" the same way).
 */
export type CsvCell = number | string | null;

/** Quotes a text cell that holds a comma, a quote or a line break (quotes doubled); leaves others as they are. */
export function csvCell(cell: CsvCell): string {
  if (cell === null) return '';
  if (typeof cell === 'number') return Number.isFinite(cell) ? String(cell) : '';
  return /[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

/** The header line, then one line per row; every row must have the header's width. */
export function csvText(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  const lines = [header.map(csvCell).join(',')];
  rows.forEach((row, i) => {
    if (row.length !== header.length) throw new RangeError(`CSV row ${i + 1} has ${row.length} cells, the header ${header.length}`);
    lines.push(row.map(csvCell).join(','));
  });
  return `${lines.join('\n')}\n`;
}
