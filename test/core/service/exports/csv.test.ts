import { describe, expect, it } from 'vitest';
import { csvCell, csvText } from '@core/service/exports/csv';

describe('csv', () => {
  it('quotes only cells that need it, doubling quotes', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
  });

  it('writes numbers with every digit, and null, NaN and infinities as empty cells', () => {
    expect(csvCell(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(csvCell(null)).toBe('');
    expect(csvCell(Number.NaN)).toBe('');
    expect(csvCell(-Infinity)).toBe('');
  });

  it('writes the header then one line per row, each ending in a newline', () => {
    expect(
      csvText(
        ['a', 'b'],
        [
          [1, 'x'],
          [null, 2],
        ],
      ),
    ).toBe('a,b\n1,x\n,2\n');
  });

  it('refuses a row that does not have the header width', () => {
    expect(() => csvText(['a', 'b'], [[1]])).toThrow('CSV row 1 has 1 cells, the header 2');
  });
});
