/**
 * Imports numeric CSV, read as a stream line by line. Two layouts:
 * - classification: a label column (default the first) and one column per input, e.g. MNIST as
 *   CSV ("label, pixel0 … pixel783"); labels are class indices 0, 1, … or class names;
 * - regression: the caller names the target column(s), e.g. area → rent.
 * A header row is detected (a non-numeric cell in the first row) unless `header` says.
 * About 450 lines: the layout, the streaming reader and the class names share one import's Layout
 * and row blocks; the cell-level parsing already lives in csv-parse.ts.
 */
import { basename } from 'node:path';
import { DataError } from '../errors';
import { CellScanner, LineSplitter, detectDelimiter, looksLikeHeader, quoteCell } from './csv-parse';
import type { ImportedData, RawPart } from './imported';
import { inputWidth } from './imported';
import { DatasetBudget, limitsWith, overLimit } from '../limits';
import type { DataLimits } from '../limits';
import { ByteCounter, Progress, fileSize, streamFile } from './read';
import type { ReadOptions, SourceFile } from './read';

export interface CsvOptions {
  /** Regression: the columns to predict, by name (or 'column 3' without a header). Absent: classification. */
  targets?: string[];
  /** Classification: the column holding the class; default one named label, class or category, else the first. */
  label?: string;
  /** The input columns; default every column that is neither the label nor a target. */
  inputs?: string[];
  /** Whether the first row names the columns; detected when absent. */
  header?: boolean;
  /** The input shape, e.g. [28, 28]; default: square grey images are detected, anything else is [columns]. */
  shape?: number[];
}

export interface CsvSource extends CsvOptions {
  format: 'csv';
  file: string;
  /** A second file holding the test set, with the same columns. */
  testFile?: string;
}

/** Without a chosen label column, a column with one of these names (any case) is the label. */
const LABEL_NAMES = new Set(['label', 'labels', 'class', 'category']);
/** More classes than this means the "label" is probably a quantity to predict. */
const MAX_CLASSES = 1000;
/** Square images of at least this side are detected as images. */
const MIN_IMAGE_SIDE = 8;

interface Layout {
  delimiter: number;
  header: boolean;
  /** Header names, or 'column 1', 'column 2', …; every column index of a Layout is below its length. */
  names: string[];
  inputs: number[];
  label?: number;
  targets?: number[];
}

/** Values arriving one at a time, kept in fixed-size blocks so that growing never copies everything. */
class FloatBlocks {
  private static readonly SIZE = 1 << 20;
  private blocks: Float32Array[] = [];
  private current = new Float32Array(FloatBlocks.SIZE);
  private used = 0;
  length = 0;
  /** Whether every value so far is a whole number 0..255. */
  bytes = true;

  push(v: number): void {
    if (this.used === FloatBlocks.SIZE) {
      this.blocks.push(this.current);
      this.current = new Float32Array(FloatBlocks.SIZE);
      this.used = 0;
    }
    this.current[this.used++] = v;
    this.length++;
    if (this.bytes && !(v >= 0 && v <= 255 && Math.floor(v) === v)) this.bytes = false;
  }

  /** All values, as Uint8 when `asBytes` (then every value must be a byte). */
  toArray(asBytes: boolean): Uint8Array | Float32Array {
    const out = asBytes ? new Uint8Array(this.length) : new Float32Array(this.length);
    let offset = 0;
    for (const block of [...this.blocks, this.current.subarray(0, this.used)]) {
      out.set(block, offset);
      offset += block.length;
    }
    return out;
  }
}

/** Rows of one file as read, before class names are known. */
interface FileRows {
  name: string;
  count: number;
  inputs: FloatBlocks;
  /** Index into the shared label texts, one per row (classification). */
  labelIds: number[];
  targets: FloatBlocks;
}

function columnList(names: readonly string[]): string {
  const shown = names.slice(0, 12).join(', ');
  return names.length > 12 ? `${shown}, … (${names.length} columns)` : shown;
}

function resolveLayout(first: string[], second: string[] | undefined, delimiter: string, options: CsvOptions, fileName: string): Layout {
  const width = first.length;
  const numbered = (j: number) => `column ${j + 1}`;
  const byNumber = (name: string): number => {
    const match = /^column (\d+)$/i.exec(name.trim());
    const j = match ? Number(match[1]) - 1 : -1;
    return j >= 0 && j < width ? j : -1;
  };
  const regression = options.targets !== undefined;
  // The label column: as chosen, else one named like a label, else the first. A label named by a
  // cell of the first row makes that row a header.
  const autoLabel = options.header === false ? undefined : first.find((cell) => LABEL_NAMES.has(cell.trim().toLowerCase()));
  const labelName = regression ? undefined : (options.label ?? autoLabel);
  const named = labelName === undefined ? -1 : first.indexOf(labelName);
  let labelGuess: number | undefined;
  if (!regression) labelGuess = named >= 0 ? named : options.label === undefined ? 0 : byNumber(options.label);
  if (labelGuess === -1) labelGuess = undefined;
  const header = options.header ?? (named >= 0 || looksLikeHeader(first, second, labelGuess));
  const names = first.map((cell, j) => (header && cell !== '' ? cell : numbered(j)));
  const find = (name: string, role: string): number => {
    const j = names.indexOf(name);
    if (j >= 0) {
      if (names.indexOf(name, j + 1) >= 0)
        throw new DataError('bad-option', fileName, `expected one column named '${name}' for the ${role}, found several`);
      return j;
    }
    const k = byNumber(name);
    if (k >= 0) return k;
    throw new DataError('bad-option', fileName, `expected a column named '${name}' for the ${role}, found only: ${columnList(names)}`);
  };

  const layout: Layout = { delimiter: delimiter.charCodeAt(0), header, names, inputs: [] };
  const taken = new Set<number>();
  if (regression) {
    if (options.targets!.length === 0)
      throw new DataError('bad-option', fileName, 'expected at least one target column for regression, found none');
    layout.targets = options.targets!.map((name) => find(name, 'target'));
    layout.targets.forEach((j) => taken.add(j));
  } else {
    layout.label = labelName === undefined ? 0 : find(labelName, 'label');
    taken.add(layout.label);
  }
  if (options.inputs !== undefined) {
    layout.inputs = options.inputs.map((name) => find(name, 'inputs'));
    const clash = layout.inputs.find((j) => taken.has(j));
    if (clash !== undefined)
      throw new DataError(
        'bad-option',
        fileName,
        `expected input columns apart from the ${regression ? 'targets' : 'label'}, found '${names[clash]}' in both`,
      );
  } else {
    layout.inputs = names.flatMap((_, j) => (taken.has(j) ? [] : [j]));
  }
  if (layout.inputs.length === 0) {
    throw new DataError(
      'bad-option',
      fileName,
      `expected at least one input column besides the ${regression ? 'targets' : 'label'}, found none (columns: ${columnList(names)})`,
    );
  }
  return layout;
}

/** Reads one file into rows; `layout` is decided on the first file and imposed on the second. */
class CsvFileReader {
  layout: Layout | undefined;
  readonly rows: FileRows;
  private scanner: CellScanner | undefined;
  private pending: { line: string; lineNumber: number } | undefined;

  constructor(
    private readonly fileName: string,
    private readonly options: CsvOptions,
    private readonly labelTexts: Map<string, number>,
    private readonly expected: Layout | undefined,
    private readonly budget: DatasetBudget,
  ) {
    this.rows = { name: fileName, count: 0, inputs: new FloatBlocks(), labelIds: [], targets: new FloatBlocks() };
  }

  line(line: string, lineNumber: number): void {
    if (line.trim() === '') return;
    if (this.scanner !== undefined) return this.row(line, lineNumber);
    if (this.expected !== undefined) return this.begin(this.expected, line, lineNumber);
    // The header decision may need the second row, so hold the first one back.
    if (this.pending === undefined) {
      this.pending = { line, lineNumber };
      return;
    }
    this.decide(line);
    this.line(line, lineNumber);
  }

  end(): void {
    if (this.pending !== undefined && this.scanner === undefined) this.decide(undefined);
    if (this.rows.count === 0) throw new DataError('empty', this.fileName, 'expected at least one row of data, found none');
  }

  private decide(second: string | undefined): void {
    const first = this.pending!;
    const delimiter = detectDelimiter(first.line);
    const cells = (line: string): string[] & { unclosed?: boolean } => {
      const scanner = new CellScanner(delimiter.charCodeAt(0), this.budget.limits.csvColumns);
      const texts = Array.from({ length: scanner.scan(line) }, (_, j) => scanner.text(line, j));
      return Object.assign(texts, { unclosed: scanner.unclosedQuote });
    };
    const firstCells = cells(first.line);
    const maxColumns = this.budget.limits.csvColumns;
    if (firstCells.length > maxColumns)
      throw overLimit(this.fileName, 'columns in a CSV file', maxColumns, `more in row ${first.lineNumber}`);
    if (firstCells.unclosed) throw this.unclosed(first.lineNumber);
    const layout = resolveLayout(firstCells, second === undefined ? undefined : cells(second), delimiter, this.options, this.fileName);
    this.pending = undefined;
    this.begin(layout, first.line, first.lineNumber);
  }

  /** Takes the layout; the first line is checked as a header or read as data. */
  private begin(layout: Layout, line: string, lineNumber: number): void {
    this.layout = layout;
    this.scanner = new CellScanner(layout.delimiter, this.budget.limits.csvColumns);
    if (!layout.header) return this.row(line, lineNumber);
    if (this.expected === undefined) return;
    const count = this.scanner.scan(line);
    if (this.scanner.unclosedQuote) throw this.unclosed(lineNumber);
    const names = Array.from({ length: count }, (_, j) => this.scanner!.text(line, j));
    if (names.join('\0') !== layout.names.join('\0')) {
      throw new DataError(
        'bad-dimensions',
        this.fileName,
        `expected the same columns as the training file (${columnList(layout.names)}), found ${columnList(names)}`,
      );
    }
  }

  private row(line: string, lineNumber: number): void {
    const layout = this.layout!;
    const scanner = this.scanner!;
    const count = scanner.scan(line);
    if (scanner.unclosedQuote) throw this.unclosed(lineNumber);
    if (count !== layout.names.length) {
      throw new DataError('ragged-row', this.fileName, `row ${lineNumber} has ${count} columns, expected ${layout.names.length}`);
    }
    const rows = this.rows;
    for (const j of layout.inputs) rows.inputs.push(this.number(line, lineNumber, j));
    if (layout.targets !== undefined) {
      for (const j of layout.targets) rows.targets.push(this.number(line, lineNumber, j));
    } else {
      const text = scanner.text(line, layout.label!);
      if (text === '')
        throw new DataError(
          'label-out-of-range',
          this.fileName,
          `row ${lineNumber}, ${this.column(layout.label!)}: expected a class label, found an empty cell`,
        );
      let id = this.labelTexts.get(text);
      if (id === undefined) {
        id = this.labelTexts.size;
        // More label texts than classes can never be imported: refused now, not after reading on.
        if (id === MAX_CLASSES)
          throw new DataError(
            'bad-option',
            this.fileName,
            `expected at most ${MAX_CLASSES} classes in the label column ${quoteCell(layout.names[layout.label!]!)}, found more by row ${lineNumber} (to predict a quantity, choose it as a target column)`,
          );
        this.labelTexts.set(text, id);
      }
      rows.labelIds.push(id);
    }
    this.budget.add(this.fileName, 1, layout.inputs.length);
    rows.count++;
  }

  private unclosed(lineNumber: number): DataError {
    return new DataError(
      'ragged-row',
      this.fileName,
      `row ${lineNumber} has a quoted cell with no closing quote (a cell cannot span lines)`,
    );
  }

  private number(line: string, lineNumber: number, j: number): number {
    const v = this.scanner!.number(line, j);
    if (Number.isNaN(v)) {
      const text = this.scanner!.text(line, j);
      const what = text === '' ? 'an empty cell is not a number' : `${quoteCell(text)} is not a number`;
      throw new DataError('not-a-number', this.fileName, `row ${lineNumber}, ${this.column(j)}: ${what}`);
    }
    return v;
  }

  private column(j: number): string {
    const layout = this.layout!;
    return layout.header ? `column ${j + 1} (${quoteCell(layout.names[j]!)})` : `column ${j + 1}`;
  }
}

async function readCsvFile(
  path: string,
  reader: CsvFileReader,
  counter: ByteCounter,
  signal: AbortSignal | undefined,
  limits: DataLimits,
): Promise<SourceFile> {
  const name = basename(path);
  const decoder = new TextDecoder('utf-8');
  const splitter = new LineSplitter(name, (line, n) => reader.line(line, n), limits.csvLineChars);
  const file = await streamFile(
    path,
    name,
    async (source) => {
      for await (const chunk of source) splitter.push(decoder.decode(chunk, { stream: true }));
      splitter.push(decoder.decode());
      splitter.end();
      reader.end();
    },
    (n) => counter.add(n),
    signal,
    { maxBytes: limits.csvBytes, maxInflated: limits.csvBytes, what: 'a CSV file' },
  );
  return file;
}

/** Class names from the label texts: indices 0…max when every label is a whole number, else sorted names. */
function resolveClasses(
  labelTexts: Map<string, number>,
  labelName: string,
  fileName: string,
): { classes: string[]; classOf: Int32Array; notes: string[] } {
  const texts = [...labelTexts.keys()];
  const classOf = new Int32Array(texts.length);
  const notes: string[] = [];
  let classes: string[];
  if (texts.every((t) => /^\d{1,9}$/.test(t))) {
    const values = texts.map(Number);
    const max = Math.max(...values);
    if (max >= MAX_CLASSES) {
      throw new DataError(
        'bad-option',
        fileName,
        `expected class indices below ${MAX_CLASSES} in the label column ${labelName}, found ${max} (to predict a quantity, choose it as a target column)`,
      );
    }
    classes = Array.from({ length: Math.max(2, max + 1) }, (_, i) => String(i));
    values.forEach((v, id) => (classOf[id] = v));
    const seen = new Set(values);
    const missing = classes.filter((_, i) => !seen.has(i));
    if (missing.length > 0) notes.push(`No sample has class ${missing.join(', ')}.`);
  } else {
    classes = [...texts].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    if (classes.length > MAX_CLASSES) {
      throw new DataError(
        'bad-option',
        fileName,
        `expected at most ${MAX_CLASSES} classes in the label column ${labelName}, found ${classes.length} different values`,
      );
    }
    const index = new Map(classes.map((c, i) => [c, i]));
    texts.forEach((t, id) => (classOf[id] = index.get(t)!));
  }
  if (labelTexts.size < 2) {
    throw new DataError(
      'empty-class',
      fileName,
      `expected at least 2 classes in the label column ${labelName}, found only ${quoteCell(texts[0] ?? '')}`,
    );
  }
  return { classes, classOf, notes };
}

function shapeFor(rows: FileRows, width: number, options: CsvOptions, fileName: string, notes: string[]): number[] {
  if (options.shape !== undefined) {
    if (options.shape.length === 0 || !options.shape.every((d) => Number.isInteger(d) && d >= 1) || inputWidth(options.shape) !== width) {
      throw new DataError(
        'bad-option',
        fileName,
        `expected a shape whose sizes multiply to the ${width} input columns, found [${options.shape.join(', ')}]`,
      );
    }
    return [...options.shape];
  }
  const side = Math.round(Math.sqrt(width));
  if (options.targets === undefined && side >= MIN_IMAGE_SIDE && side * side === width && rows.inputs.bytes) {
    notes.push(`Read as ${side}×${side} grey images: ${width} input columns of whole numbers 0–255.`);
    return [side, side];
  }
  return [width];
}

function toPart(rows: FileRows, asBytes: boolean, classOf: Int32Array | undefined): RawPart {
  const part: RawPart = { count: rows.count, inputs: rows.inputs.toArray(asBytes) };
  if (classOf !== undefined) part.labels = Int32Array.from(rows.labelIds, (id) => classOf[id]!);
  else part.targets = rows.targets.toArray(false) as Float32Array;
  return part;
}

export async function importCsv(source: CsvSource, options: ReadOptions = {}): Promise<ImportedData> {
  const fileName = basename(source.file);
  const limits = limitsWith(options.limits);
  const budget = new DatasetBudget(limits);
  let total = await fileSize(source.file, fileName, limits.csvBytes, 'a CSV file');
  if (source.testFile !== undefined) total += await fileSize(source.testFile, basename(source.testFile), limits.csvBytes, 'a CSV file');
  const counter = new ByteCounter(total, new Progress(options.onProgress));
  const labelTexts = new Map<string, number>();

  const trainReader = new CsvFileReader(fileName, source, labelTexts, undefined, budget);
  const files = [await readCsvFile(source.file, trainReader, counter, options.signal, limits)];
  const layout = trainReader.layout!;
  let testReader: CsvFileReader | undefined;
  if (source.testFile !== undefined) {
    testReader = new CsvFileReader(basename(source.testFile), source, labelTexts, layout, budget);
    files.push(await readCsvFile(source.testFile, testReader, counter, options.signal, limits));
  }

  const notes: string[] = [layout.header ? 'The first row names the columns.' : 'No header row: columns are numbered.'];
  const regression = layout.targets !== undefined;
  const inputNames = layout.inputs.map((j) => layout.names[j]!);
  let classes: string[];
  let classOf: Int32Array | undefined;
  if (regression) {
    classes = layout.targets!.map((j) => layout.names[j]!);
  } else {
    const resolved = resolveClasses(labelTexts, quoteCell(layout.names[layout.label!]!), fileName);
    classes = resolved.classes;
    classOf = resolved.classOf;
    notes.push(...resolved.notes);
  }
  const inputShape = shapeFor(trainReader.rows, inputNames.length, source, fileName, notes);
  const asBytes = trainReader.rows.inputs.bytes && (testReader?.rows.inputs.bytes ?? true);
  if (testReader)
    notes.push(`The test split is the file ${basename(source.testFile!)} (${testReader.rows.count.toLocaleString('en')} rows).`);

  const data: ImportedData = {
    format: 'csv',
    kind: regression ? 'regression' : 'classification',
    inputShape,
    classes,
    parts: { train: toPart(trainReader.rows, asBytes, classOf) },
    files,
    notes,
  };
  if (testReader) data.parts.test = toPart(testReader.rows, asBytes, classOf);
  if (inputShape.length === 1) data.features = inputNames;
  return data;
}
