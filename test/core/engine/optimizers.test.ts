import { describe, it, expect } from 'vitest';
import { adam, createOptimizer, momentum, sgd } from '../../../core/engine/optimizers';

const f64 = (n: number): Float64Array => new Float64Array(n);
const arr = (...v: number[]): Float64Array => Float64Array.from(v);

describe('sgd', () => {
  it('takes one hand-computed step w ← w − η(∇w + λw), with no decay on biases', () => {
    const w = arr(1, -2);
    const b = arr(0.3);
    // η = 0.5, λ = 0.1:  1 − 0.5(0.5 + 0.1) = 0.7;  −2 − 0.5(0.25 − 0.2) = −2.025;  0.3 − 0.5(−1) = 0.8
    sgd().step([w, b], [arr(0.5, 0.25), arr(-1)], [0.1, 0], 0.5);
    expect(w[0]).toBeCloseTo(0.7, 15);
    expect(w[1]).toBeCloseTo(-2.025, 15);
    expect(b[0]).toBeCloseTo(0.8, 15);
  });

  it('with λ = 0 is plain gradient descent', () => {
    const w = arr(4);
    sgd().step([w], [arr(2)], [0], 3);
    expect(w[0]).toBe(-2);
  });
});

describe('momentum', () => {
  it('takes two hand-computed steps v ← μv − η(∇w + λw), w ← w + v (at a constant η)', () => {
    const opt = momentum(0.9, [1, 1], f64);
    const w = arr(1);
    const d = arr(2);
    // Step 1 (η = 0.1): v = −0.1·2 = −0.2 → w = 0.8;  d: v = −0.1(0 + 0.5·2) = −0.1 → 1.9
    opt.step([w, d], [arr(2), arr(0)], [0, 0.5], 0.1);
    expect(w[0]).toBeCloseTo(0.8, 15);
    expect(d[0]).toBeCloseTo(1.9, 15);
    // Step 2: v = 0.9(−0.2) − 0.1(−1) = −0.08 → w = 0.72;  d: v = 0.9(−0.1) − 0.1(0.5·1.9) = −0.185 → 1.715
    opt.step([w, d], [arr(-1), arr(0)], [0, 0.5], 0.1);
    expect(w[0]).toBeCloseTo(0.72, 15);
    expect(d[0]).toBeCloseTo(1.715, 15);
  });

  it('with μ = 0 matches sgd', () => {
    const a = arr(1, 2, 3);
    const b = arr(1, 2, 3);
    const g = arr(0.5, -0.5, 2);
    momentum(0, [3], f64).step([a], [g], [0.01], 0.2);
    sgd().step([b], [g], [0.01], 0.2);
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it('keeps the velocity in gradient units, so a new η applies to the whole step at once (PyTorch convention)', () => {
    const opt = momentum(0.5, [1], f64);
    const w = arr(0);
    // u = 1, w = −η₁u = −0.1; then η = 1: u = 0.5·1 + 1 = 1.5, w = −0.1 − 1·1.5 = −1.6.
    // (Keeping v = −ηu across the change would have stepped by 0.5·(−0.1) − 1 = −1.05 to −1.15.)
    opt.step([w], [arr(1)], [0], 0.1);
    expect(w[0]).toBeCloseTo(-0.1, 15);
    opt.step([w], [arr(1)], [0], 1);
    expect(w[0]).toBeCloseTo(-1.6, 15);
  });

  it('keeps a separate velocity per buffer', () => {
    const opt = momentum(0.5, [1, 1], f64);
    const p = [arr(0), arr(0)];
    opt.step(p, [arr(1), arr(0)], [0, 0], 1);
    opt.step(p, [arr(0), arr(0)], [0, 0], 1);
    // Buffer 0: v = −1 then −0.5 → −1.5; buffer 1 never moves.
    expect(p[0]![0]).toBe(-1.5);
    expect(p[1]![0]).toBe(0);
  });
});

describe('adam', () => {
  it('moves each parameter by ≈ η·sign(g) on its first step, whatever the gradient’s size', () => {
    const opt = adam([4], f64);
    const w = arr(0, 0, 0, 1);
    const g = arr(3, -0.002, 500, -1e-3);
    opt.step([w], [g], [0], 0.01);
    // m̂ = g and v̂ = g², so the step is η g / (|g| + ε).
    expect(w[0]).toBeCloseTo(-0.01, 9);
    expect(w[1]).toBeCloseTo(0.01, 6);
    expect(w[2]).toBeCloseTo(-0.01, 12);
    expect(w[3]).toBeCloseTo(1.01, 6);
    expect(w[1]).toBeCloseTo((0.01 * 0.002) / (0.002 + 1e-8), 15);
  });

  it('takes a hand-computed second step when the gradient flips sign', () => {
    const opt = adam([1], f64);
    const w = arr(0);
    const eta = 0.1;
    opt.step([w], [arr(1)], [0], eta);
    expect(w[0]).toBeCloseTo(-eta, 8);
    opt.step([w], [arr(-1)], [0], eta);
    // t = 2: m = 0.9·0.1 − 0.1 = −0.01, m̂ = −0.01/0.19; v = 0.999·0.001 + 0.001 = 0.001999, v̂ = 1.
    const mHat = -0.01 / 0.19;
    expect(w[0]).toBeCloseTo(-eta - eta * mHat, 8);
  });

  it('keeps moving by η·sign(g) under a constant gradient', () => {
    const opt = adam([1], f64);
    const w = arr(0);
    for (let t = 0; t < 5; t++) opt.step([w], [arr(0.7)], [0], 0.01);
    expect(w[0]).toBeCloseTo(-0.05, 8);
  });

  it('adds λw to the gradient before the moments', () => {
    const opt = adam([1], f64);
    const w = arr(2);
    // g + λw = −1 + 1·2 = 1 > 0, so the parameter goes down although ∇w < 0.
    opt.step([w], [arr(-1)], [1], 0.01);
    expect(w[0]).toBeCloseTo(1.99, 8);
  });
});

describe('createOptimizer', () => {
  it('builds each optimiser by name, with buffers of the given allocator', () => {
    for (const name of ['sgd', 'momentum', 'adam'] as const) expect(createOptimizer(name, 0.9, [2], f64).name).toBe(name);
    const w = Float32Array.from([1]);
    createOptimizer('momentum', 0.9, [1], (n) => new Float32Array(n)).step([w], [Float32Array.from([1])], [0], 0.5);
    expect(w[0]).toBe(0.5);
  });
});
