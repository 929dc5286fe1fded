import { describe, it, expect } from 'vitest';
import { hasSimpleOutputDelta, lossActivationProblem, losses, lossTargetProblem } from '../../../core/engine/losses';
import { ACTIVATIONS, LOSSES, type LossName } from '../../../core/engine/spec';

/**
 * One hand-worked example per loss: outputs a, targets y, and C_x.
 * Regression example: a = (2, 0.5, 3), y = (1, 1, 4), so a − y = (1, −0.5, −1).
 */
const REG_A = [2, 0.5, 3];
const REG_Y = [1, 1, 4];

const CASES: Record<LossName, { a: number[]; y: number[]; value: number }> = {
  // ½ (1 + 0.25 + 1)
  quadratic: { a: REG_A, y: REG_Y, value: 1.125 },
  // 2.25 / 3
  mse: { a: REG_A, y: REG_Y, value: 0.75 },
  sse: { a: REG_A, y: REG_Y, value: 2.25 },
  // (1 + 0.5 + 1) / 3
  mae: { a: REG_A, y: REG_Y, value: 2.5 / 3 },
  sae: { a: REG_A, y: REG_Y, value: 2.5 },
  // 100/3 · (1/1 + 0.5/1 + 1/4)
  mape: { a: REG_A, y: REG_Y, value: 175 / 3 },
  // (ln 1.5)² + (ln 0.75)² + (ln 0.8)², over 3
  msle: { a: REG_A, y: REG_Y, value: 0.09898532439881148 },
  // (2 ln cosh 1 + ln cosh 0.5) / 3 = (2 · 0.43378083048302 + 0.12011450695827) / 3
  'log-cosh': { a: REG_A, y: REG_Y, value: 0.32922538930811057 },
  // −ln 0.8 − ln 0.7, summed over the outputs
  'binary-cross-entropy': { a: [0.8, 0.3], y: [1, 0], value: 0.5798184952529422 },
  // −ln 0.7
  'cross-entropy': { a: [0.2, 0.7, 0.1], y: [0, 1, 0], value: 0.35667494393873245 },
  // ¼ ln(1.25) + ½ ln(5/7) + ¼ ln(2.5)
  'kl-divergence': { a: [0.2, 0.7, 0.1], y: [0.25, 0.5, 0.25], value: 0.11662245248648477 },
  // a = (1, 2, 2), |a| = 3; y = (2, 0, 0), |y| = 2; a·y = 2 → −2/6
  'cosine-proximity': { a: [1, 2, 2], y: [2, 0, 0], value: -1 / 3 },
};

/** Points for the gradient check: away from a = y (MAE/MAPE kinks), inside (0, 1) for BCE. */
const GRAD_POINTS: Record<LossName, { a: number[]; y: number[] }> = {
  quadratic: { a: [0.3, -1.2, 2], y: [1, 0.5, -0.5] },
  mse: { a: [0.3, -1.2, 2], y: [1, 0.5, -0.5] },
  sse: { a: [0.3, -1.2, 2], y: [1, 0.5, -0.5] },
  mae: { a: [0.3, -1.2, 2], y: [1, 0.5, -0.5] },
  sae: { a: [0.3, -1.2, 2], y: [1, 0.5, -0.5] },
  mape: { a: [0.3, -1.2, 2], y: [1, 0.5, -0.5] },
  msle: { a: [0.3, 1.7, 4], y: [1, 0.5, 0] },
  'log-cosh': { a: [0.3, -1.2, 2], y: [1, 0.5, -0.5] },
  'binary-cross-entropy': { a: [0.3, 0.9, 0.55], y: [1, 0, 0.25] },
  'cross-entropy': { a: [0.2, 0.5, 0.3], y: [0.1, 0.6, 0.3] },
  'kl-divergence': { a: [0.2, 0.5, 0.3], y: [0.1, 0.6, 0.3] },
  'cosine-proximity': { a: [0.3, -1.2, 2], y: [1, 0.5, -0.5] },
};

describe('loss values', () => {
  it('covers every loss', () => {
    expect(Object.keys(losses).sort()).toEqual([...LOSSES].sort());
    for (const name of LOSSES) expect(losses[name].name).toBe(name);
  });

  for (const name of LOSSES) {
    it(`${name} gives the hand-computed value`, () => {
      const { a, y, value } = CASES[name];
      expect(losses[name].value(Float64Array.from(a), Float64Array.from(y), 0, a.length)).toBeCloseTo(value, 12);
    });
  }

  it('reads only the row at offset o of a batch', () => {
    for (const name of LOSSES) {
      const { a, y, value } = CASES[name];
      const n = a.length;
      // Row 1 of three; rows 0 and 2 hold values that would change any result.
      const A = Float64Array.from([...a.map(() => 0.9), ...a, ...a.map(() => 0.1)]);
      const Y = Float64Array.from([...y.map(() => 7), ...y, ...y.map(() => 3)]);
      expect(losses[name].value(A, Y, n, n), name).toBeCloseTo(value, 12);
      const G = new Float64Array(3 * n).fill(42);
      losses[name].gradient(A, Y, G, n, n);
      for (let i = 0; i < n; i++) {
        expect(G[i], name).toBe(42);
        expect(G[2 * n + i], name).toBe(42);
      }
    }
  });

  it('is zero (or minimal) at a perfect prediction', () => {
    const y = Float64Array.from([0.2, 0.5, 0.3]);
    for (const name of LOSSES) {
      const v = losses[name].value(y, y, 0, 3);
      if (name === 'cosine-proximity') expect(v).toBeCloseTo(-1, 10);
      else if (name === 'binary-cross-entropy' || name === 'cross-entropy')
        // Entropy of the targets, the least these can be.
        expect(v).toBeGreaterThan(0);
      else expect(Math.abs(v), name).toBeLessThan(1e-12);
    }
  });
});

describe('loss gradients', () => {
  for (const name of LOSSES) {
    it(`${name} gradient equals a float64 central difference of its value`, () => {
      const loss = losses[name];
      const { a, y } = GRAD_POINTS[name];
      const n = a.length;
      const A = Float64Array.from(a);
      const Y = Float64Array.from(y);
      const g = new Float64Array(n);
      loss.gradient(A, Y, g, 0, n);
      const h = 1e-6;
      for (let i = 0; i < n; i++) {
        const saved = A[i]!;
        A[i] = saved + h;
        const plus = loss.value(A, Y, 0, n);
        A[i] = saved - h;
        const minus = loss.value(A, Y, 0, n);
        A[i] = saved;
        const numeric = (plus - minus) / (2 * h);
        expect(Math.abs(g[i]! - numeric), `${name} ∂C/∂a${i}: ${g[i]} vs ${numeric}`).toBeLessThan(1e-6 * Math.max(1, Math.abs(numeric)));
      }
    });
  }

  it('quadratic gradient is a − y (hand-computed)', () => {
    const g = new Float64Array(3);
    losses.quadratic.gradient(Float64Array.from(REG_A), Float64Array.from(REG_Y), g, 0, 3);
    expect(Array.from(g)).toEqual([1, -0.5, -1]);
  });

  it('cross-entropy and KL share the gradient −y/a', () => {
    const a = Float64Array.from([0.2, 0.5, 0.3]);
    const y = Float64Array.from([0, 1, 0]);
    const g1 = new Float64Array(3);
    const g2 = new Float64Array(3);
    losses['cross-entropy'].gradient(a, y, g1, 0, 3);
    losses['kl-divergence'].gradient(a, y, g2, 0, 3);
    expect(Array.from(g1)).toEqual([-0, -2, -0]);
    expect(Array.from(g2)).toEqual(Array.from(g1));
  });

  it('stay finite when outputs saturate at exactly 0 or 1', () => {
    const a = Float32Array.from([0, 1, 0]);
    const y = Float32Array.from([1, 0, 0]);
    for (const name of ['binary-cross-entropy', 'cross-entropy', 'kl-divergence'] as const) {
      const g = new Float32Array(3);
      losses[name].gradient(a, y, g, 0, 3);
      expect(Number.isFinite(losses[name].value(a, y, 0, 3)), name).toBe(true);
      for (const v of g) expect(Number.isNaN(v), name).toBe(false);
    }
  });

  it('cosine proximity has a finite gradient (not NaN) for an all-zero output', () => {
    const g = new Float64Array(2);
    losses['cosine-proximity'].gradient(new Float64Array(2), Float64Array.from([1, 2]), g, 0, 2);
    for (const v of g) expect(Number.isFinite(v)).toBe(true);
  });
});

describe('hasSimpleOutputDelta', () => {
  it('holds exactly for softmax + cross-entropy/KL and sigmoid + BCE', () => {
    const simple: string[] = [];
    for (const loss of LOSSES) for (const act of ACTIVATIONS) if (hasSimpleOutputDelta(loss, act)) simple.push(`${loss}/${act}`);
    expect(simple.sort()).toEqual(['binary-cross-entropy/sigmoid', 'cross-entropy/softmax', 'kl-divergence/softmax']);
  });
});

describe('lossActivationProblem', () => {
  it('refuses binary cross-entropy with softmax, saying the outputs compete', () => {
    const why = lossActivationProblem('binary-cross-entropy', 'softmax');
    expect(why).toMatch(/softmax/i);
    expect(why).toMatch(/sum to 1/);
  });

  it('refuses binary cross-entropy on outputs that can leave (0, 1)', () => {
    for (const act of ['relu', 'linear', 'leaky-relu', 'tanh', 'step'] as const) {
      const why = lossActivationProblem('binary-cross-entropy', act);
      expect(why, act).toMatch(/strictly between 0 and 1/);
      expect(why, act).toContain(act);
      expect(why, act).toMatch(/sigmoid/);
    }
    expect(lossActivationProblem('binary-cross-entropy', 'sigmoid')).toBeNull();
  });

  it('refuses cross-entropy and KL divergence without softmax', () => {
    for (const act of ACTIVATIONS) {
      if (act === 'softmax') continue;
      expect(lossActivationProblem('cross-entropy', act), act).toMatch(/Categorical cross-entropy.*probability distributions.*softmax/);
      expect(lossActivationProblem('kl-divergence', act), act).toMatch(/KL divergence.*probability distributions.*softmax/);
    }
    expect(lossActivationProblem('cross-entropy', 'softmax')).toBeNull();
    expect(lossActivationProblem('kl-divergence', 'softmax')).toBeNull();
  });

  it('refuses MSLE on outputs that can reach −1', () => {
    for (const act of ['linear', 'tanh', 'leaky-relu'] as const) {
      const why = lossActivationProblem('msle', act);
      expect(why, act).toMatch(/ln\(1 \+ a\)/);
      expect(why, act).toMatch(/−1/);
      expect(why, act).toContain(act);
    }
    for (const act of ['relu', 'sigmoid', 'softmax'] as const) expect(lossActivationProblem('msle', act), act).toBeNull();
  });

  it('accepts the regression losses on any output', () => {
    for (const loss of ['quadratic', 'mse', 'sse', 'mae', 'sae', 'mape', 'log-cosh', 'cosine-proximity'] as const)
      for (const act of ACTIVATIONS) expect(lossActivationProblem(loss, act), `${loss}/${act}`).toBeNull();
  });
});

describe('lossTargetProblem', () => {
  it('refuses MAPE with a zero target, naming the first one and why', () => {
    const why = lossTargetProblem('mape', Float32Array.from([0.5, 2, 0, 0]));
    expect(why).toMatch(/target #2 is 0/);
    expect(why).toMatch(/divides by each target/);
    expect(why).toMatch(/one-hot/);
    expect(lossTargetProblem('mape', Float32Array.from([0.5, -2, 3]))).toBeNull();
  });

  it('refuses MSLE targets at or below −1', () => {
    expect(lossTargetProblem('msle', Float32Array.from([0, 3, -1]))).toMatch(/target #2 is -1/);
    expect(lossTargetProblem('msle', Float32Array.from([0, -0.5, 9]))).toBeNull();
  });

  it('refuses BCE targets outside [0, 1]', () => {
    expect(lossTargetProblem('binary-cross-entropy', Float32Array.from([0, 1, 2]))).toMatch(/between 0 and 1.*#2 is 2/);
    expect(lossTargetProblem('binary-cross-entropy', Float32Array.from([-0.5]))).toMatch(/#0 is -0.5/);
    expect(lossTargetProblem('binary-cross-entropy', Float32Array.from([0, 0.3, 1]))).toBeNull();
  });

  it('refuses negative probabilities for cross-entropy and KL', () => {
    expect(lossTargetProblem('cross-entropy', Float32Array.from([0.5, -0.25]))).toMatch(/non-negative.*#1 is -0.25/);
    expect(lossTargetProblem('kl-divergence', Float32Array.from([-1]))).toMatch(/non-negative.*#0/);
    expect(lossTargetProblem('cross-entropy', Float32Array.from([0, 1, 0]))).toBeNull();
  });

  it('accepts any targets for the other losses', () => {
    const odd = Float32Array.from([0, -5, 12]);
    for (const loss of ['quadratic', 'mse', 'sse', 'mae', 'sae', 'log-cosh', 'cosine-proximity'] as const)
      expect(lossTargetProblem(loss, odd), loss).toBeNull();
  });
});
