import { describe, it, expect } from 'vitest';
import { Rng } from '../../../core/engine/rng';

const draw = (rng: Rng, n: number, f: (r: Rng) => number): number[] => Array.from({ length: n }, () => f(rng));

describe('Rng', () => {
  it('follows the published xoshiro128** sequence from state (1, 2, 3, 4)', () => {
    const rng = new Rng(0);
    Object.assign(rng, { s0: 1, s1: 2, s2: 3, s3: 4 });
    // Worked by hand: rotl(2·5, 7)·9 = 11520; then s1 becomes 0; then rotl(1029·5, 7)·9 = 5927040.
    expect(draw(rng, 3, (r) => r.nextUint32())).toEqual([11520, 0, 5927040]);
  });

  it('reproduces the same sequence from the same seed, and another from another seed', () => {
    const a = draw(new Rng(42), 50, (r) => r.nextUint32());
    expect(draw(new Rng(42), 50, (r) => r.nextUint32())).toEqual(a);
    expect(draw(new Rng(43), 50, (r) => r.nextUint32())).not.toEqual(a);
    expect(new Set(a).size).toBe(50);
    for (const v of a) expect(Number.isInteger(v) && v >= 0 && v < 2 ** 32).toBe(true);
  });

  it('makes seed 0 usable (the state is never all zero)', () => {
    const values = draw(new Rng(0), 10, (r) => r.nextUint32());
    expect(values.some((v) => v !== 0)).toBe(true);
  });

  it('draws uniforms in [0, 1) with mean ≈ ½ and integers in [0, n)', () => {
    const rng = new Rng(7);
    const u = draw(rng, 20_000, (r) => r.uniform());
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    expect(u.reduce((a, b) => a + b, 0) / u.length).toBeCloseTo(0.5, 2);
    const counts = new Array<number>(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[rng.int(6)]!++;
    // Each face ~10,000 ± 100 (1σ); allow 5σ.
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
  });

  it('draws normals with mean ≈ 0 and standard deviation ≈ 1', () => {
    const rng = new Rng(9);
    const n = 100_000;
    const x = draw(rng, n, (r) => r.normal());
    const mean = x.reduce((a, b) => a + b, 0) / n;
    const variance = x.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
    // Standard errors: 0.003 for the mean, 0.0022 for the std; allow ~5σ.
    expect(Math.abs(mean)).toBeLessThan(0.015);
    expect(Math.abs(Math.sqrt(variance) - 1)).toBeLessThan(0.012);
    // About 68.3 % within one σ and 95.4 % within two.
    expect(x.filter((v) => Math.abs(v) < 1).length / n).toBeCloseTo(0.683, 2);
    expect(x.filter((v) => Math.abs(v) < 2).length / n).toBeCloseTo(0.954, 2);
    for (const v of x) expect(Number.isFinite(v)).toBe(true);
  });

  it('shuffle is a permutation, reproducible from the seed', () => {
    const shuffled = (seed: number): number[] => {
      const a = Uint32Array.from({ length: 100 }, (_, i) => i);
      new Rng(seed).shuffle(a);
      return Array.from(a);
    };
    const a = shuffled(5);
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(a).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(shuffled(5)).toEqual(a);
    expect(shuffled(6)).not.toEqual(a);
    const one = Int32Array.from([3]);
    new Rng(1).shuffle(one);
    expect(Array.from(one)).toEqual([3]);
  });

  it('shuffle puts each element at each position about equally often', () => {
    const rng = new Rng(11);
    const seen = Array.from({ length: 4 }, () => new Array<number>(4).fill(0));
    for (let t = 0; t < 8000; t++) {
      const a = Uint32Array.from([0, 1, 2, 3]);
      rng.shuffle(a);
      a.forEach((v, pos) => seen[v]![pos]!++);
    }
    // 2000 expected per cell, σ ≈ 39.
    for (const row of seen) for (const c of row) expect(Math.abs(c - 2000)).toBeLessThan(200);
  });
});
