import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CellScanner, LineSplitter, detectDelimiter, looksLikeHeader, parseNumber } from '../../../../core/data/import/csv-parse';
import { importCsv } from '../../../../core/data/import/csv';
import type { CsvOptions } from '../../../../core/data/import/csv';
import { expectDataError, tempFolder, writeText } from './fixtures';

const folder = tempFolder('csv');
afterAll(() => folder.remove());
let files = 0;
function csv(text: string, name = `t${++files}.csv`): string {
  return writeText(join(folder.path, name), text);
}
const read = (text: string, options: CsvOptions = {}) => importCsv({ format: 'csv', file: csv(text), ...options });

describe('CSV parsing pieces', () => {
  it('reads strict decimal numbers and refuses anything else', () => {
    const n = (s: string) => parseNumber(s, 0, s.length);
    expect([n('12'), n('-3'), n('+4'), n('0.5'), n('.5'), n('5.'), n('1e3'), n('-2.5E-2')]).toEqual([12, -3, 4, 0.5, 0.5, 5, 1000, -0.025]);
    for (const bad of ['', 'abc', '1,5', '0x10', 'Infinity', 'NaN', '1e400', '--1', '1 2', '.']) expect(n(bad), bad).toBeNaN();
  });

  it('splits cells, trimming spaces and quotes, keeping quoted delimiters', () => {
    const scanner = new CellScanner(','.charCodeAt(0));
    const line = ' 1 ,"a, b", "say ""hi""" ,,3';
    const count = scanner.scan(line);
    expect(Array.from({ length: count }, (_, j) => scanner.text(line, j))).toEqual(['1', 'a, b', 'say "hi"', '', '3']);
    expect(scanner.number(line, 0)).toBe(1);
    scanner.scan('1,"open');
    expect(scanner.unclosedQuote).toBe(true);
  });

  it('splits lines across chunks, numbering them, dropping \\r and a BOM', () => {
    const lines: [string, number][] = [];
    const splitter = new LineSplitter('x.csv', (line, n) => lines.push([line, n]));
    for (const chunk of ['\ufeffa,b\r\n1,', '2\r\n', '\n3,4']) splitter.push(chunk);
    splitter.end();
    expect(lines).toEqual([
      ['a,b', 1],
      ['1,2', 2],
      ['', 3],
      ['3,4', 4],
    ]);
  });

  it('detects delimiters and header rows', () => {
    expect(detectDelimiter('a;b;c')).toBe(';');
    expect(detectDelimiter('a\tb')).toBe('\t');
    expect(detectDelimiter('1,2;3,4')).toBe(',');
    expect(looksLikeHeader(['label', 'p1'], ['1', '0'], 0)).toBe(true);
    expect(looksLikeHeader(['1', '0'], ['2', '0'], 0)).toBe(false);
    // Text labels without a header: only the label cell is text, and the next row's label is text too.
    expect(looksLikeHeader(['cat', '0.5'], ['dog', '0.1'], 0)).toBe(false);
    expect(looksLikeHeader(['species', '0.5'], ['1', '0.1'], 0)).toBe(true);
  });
});

describe('importCsv', () => {
  it('reads "label, then one column per pixel" with a header, detecting square grey images', async () => {
    const header = ['label', ...Array.from({ length: 64 }, (_, i) => `pixel${i}`)].join(',');
    const row = (label: number, v: number) => [label, ...Array.from({ length: 64 }, () => v)].join(',');
    const data = await read(`${header}\n${row(1, 255)}\n${row(0, 0)}\n${row(2, 7)}\n`);
    expect(data).toMatchObject({ format: 'csv', kind: 'classification', inputShape: [8, 8], classes: ['0', '1', '2'] });
    expect(data.parts.train.count).toBe(3);
    expect(data.parts.train.inputs).toBeInstanceOf(Uint8Array);
    expect(Array.from(data.parts.train.labels!)).toEqual([1, 0, 2]);
    expect(data.parts.train.inputs[64]).toBe(0);
    expect(data.features).toBeUndefined();
    expect(data.notes.join(' ')).toMatch(/first row names the columns.*8×8 grey images/);
    expect(data.files[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reads the same layout without a header', async () => {
    const data = await read('3,0,1,2\n1,4,5,6\n');
    expect(data).toMatchObject({
      kind: 'classification',
      inputShape: [3],
      classes: ['0', '1', '2', '3'],
      features: ['column 2', 'column 3', 'column 4'],
    });
    expect(Array.from(data.parts.train.labels!)).toEqual([3, 1]);
    expect(data.notes.join(' ')).toMatch(/No header row.*No sample has class 0, 2/);
  });

  it('takes class names from a text label column, sorted, header or not', async () => {
    const plain = await read('setosa,5.1,3.5\nversicolor,7.0,3.2\nsetosa,4.9,3.0\n');
    expect(plain.classes).toEqual(['setosa', 'versicolor']);
    expect(Array.from(plain.parts.train.labels!)).toEqual([0, 1, 0]);
    expect(plain.parts.train.inputs).toBeInstanceOf(Float32Array);
    const named = await read('length;width;species\n5.1;3.5;b\n7.0;3.2;a\n', { label: 'species' });
    expect(named.classes).toEqual(['a', 'b']);
    expect(named.features).toEqual(['length', 'width']);
    expect(Array.from(named.parts.train.inputs)).toEqual([5.1, 3.5, 7.0, 3.2].map(Math.fround));
  });

  it('reads a regression table with chosen target and input columns', async () => {
    const data = await read('id,city,area,rent\n1,Oslo,50,1000\n2,Rome,80.5,1602.5\n', { targets: ['rent'], inputs: ['area'] });
    expect(data).toMatchObject({ kind: 'regression', inputShape: [1], classes: ['rent'], features: ['area'] });
    expect(Array.from(data.parts.train.inputs)).toEqual([50, 80.5]);
    expect(Array.from(data.parts.train.targets!)).toEqual([1000, 1602.5]);
    expect(data.parts.train.labels).toBeUndefined();
  });

  it('reads a gzipped CSV as a stream, reporting progress up to 1', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => `${i % 2},${i},${i * 2}`).join('\n');
    const file = join(folder.path, 'big.csv.gz');
    writeFileSync(file, gzipSync(`label,a,b\n${rows}\n`));
    const progress: number[] = [];
    const data = await importCsv({ format: 'csv', file }, { onProgress: (f) => progress.push(f) });
    expect(data.parts.train.count).toBe(3000);
    expect(progress.at(-1)).toBe(1);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('reads a separate test file with the same columns', async () => {
    const file = csv('y,x\n0,1\n1,2\n');
    const testFile = csv('y,x\n1,3\n');
    const data = await importCsv({ format: 'csv', file, testFile });
    expect(data.parts.test?.count).toBe(1);
    expect(Array.from(data.parts.test!.labels!)).toEqual([1]);
    expect(data.files).toHaveLength(2);
    await expectDataError(
      importCsv({ format: 'csv', file, testFile: csv('y,z\n1,3\n') }),
      'bad-dimensions',
      /expected the same columns as the training file \(y, x\), found y, z/,
    );
  });

  it('names the file, row and column of every bad cell', async () => {
    await expectDataError(read('label,a,b\n1,2,3\n1,2\n'), 'ragged-row', /t\d+\.csv: row 3 has 2 columns, expected 3/);
    await expectDataError(read('label,a,b\n1,2,3\n0,1,abc\n'), 'not-a-number', /row 3, column 3 \('b'\): 'abc' is not a number/);
    await expectDataError(read('1,2,3\n0,,1\n'), 'not-a-number', /row 2, column 2: an empty cell is not a number/);
    await expectDataError(read('1,2,3\n,1,1\n'), 'label-out-of-range', /row 2, column 1: expected a class label, found an empty cell/);
    await expectDataError(read('1,"2,3\n'), 'ragged-row', /row 1 has a quoted cell with no closing quote/);
    await expectDataError(read('a,b\n\n\n'), 'empty', /expected at least one row of data, found none/);
    await expectDataError(read('a,b\n1,2\n'), 'empty-class', /expected at least 2 classes in the label column 'a', found only '1'/);
    await expectDataError(
      read('a,b\n1,2\n', { targets: ['rent'] }),
      'bad-option',
      /expected a column named 'rent' for the target, found only: a, b/,
    );
    await expectDataError(read('a,b\n1,2\n3,4\n', { targets: ['a'], inputs: ['a'] }), 'bad-option', /found 'a' in both/);
    await expectDataError(read('price,x\n1500,1\n2,2\n'), 'bad-option', /class indices below 1000 .* choose it as a target column/);
  });
});
