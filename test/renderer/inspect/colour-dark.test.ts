/**
 * The dark theme's colour maps: a dark middle instead of a white one (no glare on a dark page),
 * magnitude as steadily rising lightness, and the sign still told apart under simulated
 * protanopia, deuteranopia and tritanopia (Machado, Oliveira & Fernandes 2009, severity 1).
 */
import { describe, expect, it } from 'vitest';
import { lab, rgb } from 'd3-color';
import { NEUTRAL, paintMatrix, paintWeights, sequentialToRgb, textColourOn, weightToRgb, type Rgb } from '@renderer/model/inspect/colour';

const L = (c: Rgb): number => lab(rgb(...c)).l;
const deltaE = (a: Rgb, b: Rgb): number => {
  const [p, q] = [lab(rgb(...a)), lab(rgb(...b))];
  return Math.hypot(p.l - q.l, p.a - q.a, p.b - q.b);
};

const MACHADO: Record<string, number[][]> = {
  protanopia: [
    [0.152286, 1.052583, -0.204868],
    [0.114503, 0.786281, 0.099216],
    [-0.003882, -0.048116, 1.051998],
  ],
  deuteranopia: [
    [0.367322, 0.860646, -0.227968],
    [0.280085, 0.672501, 0.047413],
    [-0.01182, 0.04294, 0.968881],
  ],
  tritanopia: [
    [1.255528, -0.076749, -0.178779],
    [-0.078411, 0.930809, 0.147602],
    [0.004733, 0.691367, 0.3039],
  ],
};
const toLinear = (c: number): number => ((c /= 255) <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
const toSrgb = (v: number): number => 255 * Math.min(1, Math.max(0, v <= 0.0031308 ? 12.92 * v : 1.055 * v ** (1 / 2.4) - 0.055));
function simulate(c: Rgb, m: number[][]): Rgb {
  const lin = c.map(toLinear);
  return m.map((row) => toSrgb(row[0]! * lin[0]! + row[1]! * lin[1]! + row[2]! * lin[2]!)) as Rgb;
}

describe('dark diverging weight colours', () => {
  const at = (t: number): Rgb => weightToRgb(t, 1, 'dark');

  it('has a neutral dark middle and light ends; the light theme is unchanged', () => {
    const [r, g, b] = at(0);
    expect(r).toBe(g);
    expect(g).toBe(b);
    expect(L(at(0))).toBeLessThan(20);
    expect(L(at(1))).toBeGreaterThan(65);
    expect(L(at(-1))).toBeGreaterThan(65);
    expect(at(1)[0]).toBeGreaterThan(at(1)[2]); // positive warm
    expect(at(-1)[2]).toBeGreaterThan(at(-1)[0]); // negative blue
    expect(textColourOn(at(0))).toBe('white');
    expect(weightToRgb(0, 1)).toEqual(NEUTRAL);
    expect(weightToRgb(0, 1, 'light')).toEqual(NEUTRAL);
  });

  it('gets steadily lighter away from 0, the same on both sides', () => {
    const ts = [0, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 1];
    for (const sign of [1, -1]) {
      const ls = ts.map((t) => L(at(sign * t)));
      for (let i = 1; i < ls.length; i++) expect(ls[i]! - ls[i - 1]!).toBeGreaterThan(5);
    }
    for (const t of ts) expect(Math.abs(L(at(t)) - L(at(-t)))).toBeLessThan(3);
  });

  it.each(Object.keys(MACHADO))('keeps + and − apart under %s', (kind) => {
    const m = MACHADO[kind]!;
    for (const t of [0.25, 0.5, 1]) expect(deltaE(simulate(at(t), m), simulate(at(-t), m))).toBeGreaterThan(t * 30);
  });

  it('is what paintWeights and paintMatrix draw with in the dark theme', () => {
    const [image] = paintWeights([-1, 0, 0.5, 1], 1, 4, 2, 2, 'shared', 'dark');
    const pixels = [0, 1, 2, 3].map((k) => [...image!.slice(4 * k, 4 * k + 3)]);
    expect(pixels).toEqual([at(-1), at(0), at(0.5), at(1)]);
    const matrix = paintMatrix([-2, 0, 1, 2], 2, 2, 'diverging', undefined, 'dark');
    expect([...matrix.slice(4, 7)]).toEqual(at(0));
    expect([...matrix.slice(12, 15)]).toEqual(at(1));
  });
});

describe('dark sequential colours (confusion counts)', () => {
  it('runs from near the page (0) to light blue (max), lighter as counts grow', () => {
    const ls = [0, 0.25, 0.5, 0.75, 1].map((t) => L(sequentialToRgb(t, 1, 'dark')));
    for (let i = 1; i < ls.length; i++) expect(ls[i]!).toBeGreaterThan(ls[i - 1]! + 10);
    expect(ls[0]).toBeLessThan(20);
    const top = sequentialToRgb(1, 1, 'dark');
    expect(top[2]).toBeGreaterThan(top[0]);
    expect(textColourOn(sequentialToRgb(0, 1, 'dark'))).toBe('white');
    expect(textColourOn(top)).toBe('black');
    expect([...paintMatrix([0, 4], 1, 2, 'sequential', undefined, 'dark').slice(4, 7)]).toEqual(top);
  });
});
