/** How numbers read on every screen: one module, one style per kind of number. */
import { describe, expect, it } from 'vitest';
import {
  bytes,
  compact,
  compactPercent,
  count,
  decimal,
  duration,
  fixed,
  loss,
  percent,
  powerOfTen,
  quantity,
  rate,
  scientific,
  significant,
  superscript,
} from '@renderer/model/format';

describe('format: powers of ten', () => {
  it('formats axis values compactly, with powers of ten for huge and tiny ones', () => {
    expect([compact(0), compact(0.123456), compact(21000), compact(5000), compact(3e30), compact(0.0004)]).toEqual([
      '0',
      '0.123',
      '21K',
      '5K',
      '3×10³⁰',
      '4×10⁻⁴',
    ]);
    // What a run that blew up puts on its axes: no "1.0e+73".
    expect([compact(1e73), compact(8e72), compact(8.53e72), compact(-2e7), compact(1e-5), compact(NaN)]).toEqual([
      '10⁷³',
      '8×10⁷²',
      '8.53×10⁷²',
      '−2×10⁷',
      '10⁻⁵',
      'NaN',
    ]);
    expect(powerOfTen(1e-12)).toBe('10⁻¹²');
  });

  it('writes exponents in superscript, the minus included', () => {
    expect(superscript(2)).toBe('²');
    expect(superscript(12)).toBe('¹²');
    expect(superscript(-307)).toBe('⁻³⁰⁷');
  });

  it('keeps the significant digits asked for: trimmed for reading, fixed for columns compared digit by digit', () => {
    expect(powerOfTen(2.5e46)).toBe('2.5×10⁴⁶');
    expect(powerOfTen(3.24e-9, 2)).toBe('3.2×10⁻⁹');
    expect(powerOfTen(1e-5, 2)).toBe('10⁻⁵');
    expect(powerOfTen(0)).toBe('0');
    expect(scientific(0.1, 7)).toBe('1.000000×10⁻¹');
    expect(scientific(-0.012345678, 7)).toBe('−1.234568×10⁻²');
    expect(scientific(Infinity)).toBe('Infinity');
  });
});

describe('format: plain numbers', () => {
  it('counts with thousands separators, whole, and a dash for what is not a number', () => {
    expect([count(0), count(784), count(23860), count(60000), count(1234567), count(2.6)]).toEqual([
      '0',
      '784',
      '23,860',
      '60,000',
      '1,234,567',
      '3',
    ]);
    expect([count(NaN), count(undefined), count(null)]).toEqual(['—', '—', '—']);
  });

  it('gives significant digits with separators, and powers of ten only when huge or tiny', () => {
    expect([significant(0.012345), significant(1234), significant(-0.5), significant(123, 2), significant(0)]).toEqual([
      '0.0123',
      '1,230',
      '−0.5',
      '120',
      '0',
    ]);
    expect([significant(4.56e7), significant(0.00042, 2)]).toEqual(['4.56×10⁷', '4.2×10⁻⁴']);
    expect([significant(0.5, 2, true), significant(2.5, 3, true), significant(1234.5, 3, true), significant(1e-4, 3, true)]).toEqual([
      '0.50',
      '2.50',
      '1,230',
      '1.00×10⁻⁴',
    ]);
  });

  it('writes a setting as entered: its digits, separators, powers of ten when tiny, never e-notation', () => {
    expect(quantity(3)).toBe('3');
    expect(quantity(0.5)).toBe('0.5');
    expect(quantity(0.001)).toBe('0.001');
    expect(quantity(0.0001)).toBe('10⁻⁴');
    expect(quantity(2.5e-5)).toBe('2.5×10⁻⁵');
    expect(quantity(100000)).toBe('100,000');
    expect(quantity(0.123456789)).toBe('0.123457');
    expect(quantity(undefined)).toBe('—');
    // What String() would have shown instead.
    expect(String(2.5e-7)).toBe('2.5e-7');
    expect(quantity(2.5e-7)).toBe('2.5×10⁻⁷');
  });

  it('reads a loss with three significant digits, never in e-notation', () => {
    expect([loss(0.5), loss(0.0123456), loss(2.302585), loss(12345.6), loss(3.2e9)]).toEqual([
      '0.500',
      '0.0123',
      '2.30',
      '12,300',
      '3.20×10⁹',
    ]);
    expect([loss(undefined), loss(NaN), loss(Infinity)]).toEqual(['—', '—', '—']);
  });

  it('writes fixed decimals and measured values', () => {
    expect([fixed(0.95312, 3), fixed(-1.25, 1), fixed(null, 2)]).toEqual(['0.953', '−1.3', '—']);
    expect([decimal(1234.56789), decimal(0.5), decimal(-2.25), decimal(0), decimal(123456), decimal(0.0004)]).toEqual([
      '1,234.568',
      '0.5',
      '−2.25',
      '0',
      '1.23×10⁵',
      '4×10⁻⁴',
    ]);
    expect(decimal(0.5 + 0.55, 4)).toBe('1.05');
  });
});

describe('format: percentages, durations, speeds and sizes', () => {
  it('writes percentages with a space before the sign', () => {
    expect([percent(0.97234), percent(0.8812, 2), percent(0.4, 0), percent(null), percent(NaN)]).toEqual([
      '97.2 %',
      '88.12 %',
      '40 %',
      '—',
      '—',
    ]);
    expect([compactPercent(0.5), compactPercent(0.9723), compactPercent(1), compactPercent(0.0007)]).toEqual([
      '50 %',
      '97.2 %',
      '100 %',
      '0.07 %',
    ]);
  });

  it('writes durations in seconds, minutes and hours', () => {
    expect([duration(4.4), duration(59.6), duration(125), duration(3720), duration(-1), duration(NaN)]).toEqual([
      '4 s',
      '1 min 00 s',
      '2 min 05 s',
      '1 h 02 min',
      '—',
      '—',
    ]);
  });

  it('writes speeds and sizes', () => {
    expect([rate(850), rate(21_340)]).toEqual(['850', '21.3K']);
    expect([bytes(200), bytes(12_345), bytes(30_912_345), bytes(1.2e9)]).toEqual(['1 kB', '12 kB', '30.9 MB', '1.2 GB']);
  });
});
