/**
 * The pure pieces of reading numeric CSV: lines from text chunks, cell boundaries within a line,
 * strict numbers, header detection. No Node API, no strings made for cells that hold numbers.
 */
import { quoteForMessage } from '../../files/quote';
import { DATA_LIMITS, overLimit } from '../limits';

/**
 * Splits text arriving in chunks into lines numbered from 1; drops a UTF-8 BOM and the \r of \r\n.
 * A line longer than `maxLine` characters is refused as soon as that many have arrived without a
 * line break, and pieces of a long line are joined once, at its end (never re-scanned per chunk).
 */
export class LineSplitter {
  private pieces: string[] = [];
  private pending = 0;
  private lineNumber = 0;

  constructor(
    private readonly fileName: string,
    private readonly onLine: (line: string, lineNumber: number) => void,
    private readonly maxLine: number = DATA_LIMITS.csvLineChars,
  ) {}

  push(text: string): void {
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      this.hold(nl - start);
      const part = text.slice(start, nl);
      const line = this.pieces.length > 0 ? this.pieces.join('') + part : part;
      this.pieces = [];
      this.pending = 0;
      this.emit(line);
      start = nl + 1;
    }
    if (start < text.length) {
      this.hold(text.length - start);
      this.pieces.push(text.slice(start));
    }
  }

  end(): void {
    if (this.pending > 0) this.emit(this.pieces.join(''));
    this.pieces = [];
    this.pending = 0;
  }

  /** Counts `n` more characters of the current line, refusing it once it is over the limit. */
  private hold(n: number): void {
    this.pending += n;
    if (this.pending > this.maxLine)
      throw overLimit(
        this.fileName,
        'characters in a CSV line',
        this.maxLine,
        `a longer line at row ${this.lineNumber + 1} (is this a CSV file?)`,
      );
  }

  private emit(line: string): void {
    this.lineNumber++;
    if (this.lineNumber === 1 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    if (line.endsWith('\r')) line = line.slice(0, -1);
    this.onLine(line, this.lineNumber);
  }
}

const SPACE = 0x20;
const TAB = 0x09;
const QUOTE = 0x22;

/**
 * Finds the cells of a line: cell j is line.slice(starts[j], ends[j]), surrounding spaces and
 * enclosing double quotes removed. Quoted cells may hold the delimiter; a cell cannot span lines.
 */
export class CellScanner {
  starts = new Int32Array(64);
  ends = new Int32Array(64);
  quoted = new Uint8Array(64);
  /** Set by scan() when a quoted cell has no closing quote on its line. */
  unclosedQuote = false;

  constructor(
    readonly delimiter: number,
    /** Scanning stops after this many cells and returns maxCells + 1: the caller refuses the row. */
    readonly maxCells: number = DATA_LIMITS.csvColumns,
  ) {}

  /** Returns the number of cells (at most maxCells + 1). */
  scan(line: string): number {
    const d = this.delimiter;
    const n = line.length;
    this.unclosedQuote = false;
    let count = 0;
    let i = 0;
    for (;;) {
      if (count === this.starts.length) this.grow();
      while (i < n && isBlank(line.charCodeAt(i), d)) i++;
      let start = i;
      let end: number;
      let quoted = 0;
      if (i < n && line.charCodeAt(i) === QUOTE) {
        quoted = 1;
        start = ++i;
        while (i < n && !(line.charCodeAt(i) === QUOTE && line.charCodeAt(i + 1) !== QUOTE)) i += line.charCodeAt(i) === QUOTE ? 2 : 1;
        if (i >= n) this.unclosedQuote = true;
        end = Math.min(i, n);
        while (i < n && line.charCodeAt(i) !== d) i++;
      } else {
        while (i < n && line.charCodeAt(i) !== d) i++;
        end = i;
        while (end > start && isBlank(line.charCodeAt(end - 1), d)) end--;
      }
      this.starts[count] = start;
      this.ends[count] = end;
      this.quoted[count] = quoted;
      count++;
      if (i >= n || count > this.maxCells) return count;
      i++; // past the delimiter
    }
  }

  /** The text of cell j, with doubled quotes inside a quoted cell made single. */
  text(line: string, j: number): string {
    const raw = line.slice(this.starts[j], this.ends[j]);
    return this.quoted[j] ? raw.replaceAll('""', '"') : raw;
  }

  /** The number in cell j, or NaN when it is not one. */
  number(line: string, j: number): number {
    return parseNumber(line, this.starts[j]!, this.ends[j]!);
  }

  private grow(): void {
    const size = this.starts.length * 2;
    const grown = (a: Int32Array) => {
      const b = new Int32Array(size);
      b.set(a);
      return b;
    };
    this.starts = grown(this.starts);
    this.ends = grown(this.ends);
    const q = new Uint8Array(size);
    q.set(this.quoted);
    this.quoted = q;
  }
}

function isBlank(c: number, delimiter: number): boolean {
  return (c === SPACE || c === TAB) && c !== delimiter;
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A finite decimal number written plainly ("12", "-0.5", "1e-3"), or NaN. Stricter than
 * Number(): no empty cells, hex, "Infinity" or "NaN". Whole numbers skip the string copy.
 */
export function parseNumber(line: string, start: number, end: number): number {
  let i = start;
  let negative = false;
  const first = line.charCodeAt(i);
  if (first === 0x2d || first === 0x2b) {
    negative = first === 0x2d;
    i++;
  }
  let value = 0;
  const digitsFrom = i;
  for (; i < end; i++) {
    const c = line.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    value = value * 10 + c;
  }
  if (i === end && i > digitsFrom && i - digitsFrom <= 15) return negative ? -value : value;
  const text = line.slice(start, end);
  if (!DECIMAL.test(text)) return NaN;
  const parsed = Number(text);
  return Number.isFinite(parsed) ? parsed : NaN;
}

export function isNumber(text: string): boolean {
  return !Number.isNaN(parseNumber(text, 0, text.length));
}

const DELIMITERS = [',', ';', '\t'] as const;

/** The delimiter used most often in the first line (comma when there is none: a single column). */
export function detectDelimiter(firstLine: string): string {
  let best = ',';
  let bestCount = 0;
  for (const d of DELIMITERS) {
    let count = 0;
    for (let i = firstLine.indexOf(d); i !== -1; i = firstLine.indexOf(d, i + 1)) count++;
    if (count > bestCount) {
      best = d;
      bestCount = count;
    }
  }
  return best;
}

/**
 * A first row is a header when one of its cells is not a number; except when the only such cell
 * is in the label column and the second row's label is text too (class names, no header).
 */
export function looksLikeHeader(first: readonly string[], second: readonly string[] | undefined, labelColumn: number | undefined): boolean {
  const text = first.flatMap((cell, j) => (isNumber(cell) ? [] : [j]));
  if (text.length === 0) return false;
  const onlyLabel = labelColumn !== undefined && text.length === 1 && text[0] === labelColumn;
  if (onlyLabel && second !== undefined && second.length > labelColumn && !isNumber(second[labelColumn]!)) return false;
  return true;
}

/** A cell's content for a message: quoted, shortened when long, control characters escaped. */
export function quoteCell(text: string): string {
  return quoteForMessage(text);
}
