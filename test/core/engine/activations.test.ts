import { describe, it, expect } from 'vitest';
import { activations, type FloatArray } from '../../../core/engine/activations';
import { ACTIVATIONS, type ActivationName } from '../../../core/engine/spec';

/** [z, σ(z), σ'(z)] worked out by hand (exp/tanh values to 16 digits). */
const HAND: Record<Exclude<ActivationName, 'softmax'>, [number, number, number][]> = {
  linear: [
    [-3, -3, 1],
    [0, 0, 1],
    [2.5, 2.5, 1],
  ],
  sigmoid: [
    [0, 0.5, 0.25],
    [2, 0.8807970779778823, 0.8807970779778823 * 0.1192029220221177],
    [-1, 0.2689414213699951, 0.2689414213699951 * 0.7310585786300049],
  ],
  tanh: [
    [0, 0, 1],
    [0.5, 0.46211715726000974, 0.7864477329659274],
    [-2, -0.9640275800758169, 0.07065082485316443],
  ],
  relu: [
    [-2, 0, 0],
    [0, 0, 0],
    [3, 3, 1],
  ],
  'leaky-relu': [
    [-2, -0.02, 0.01],
    [0, 0, 0.01],
    [3, 3, 1],
  ],
  step: [
    [-0.1, 0, 0],
    [0, 1, 0],
    [4, 1, 0],
  ],
};

const ELEMENTWISE = ACTIVATIONS.filter((n): n is Exclude<ActivationName, 'softmax'> => n !== 'softmax');

/** z values away from the ReLU kink, on a 2 × 4 batch. */
const Z = [-2.5, -0.7, -0.01, 0.3, 0.9, 1.7, 4, -6];

describe('activation scalar f and df', () => {
  for (const name of ELEMENTWISE) {
    it(`${name} matches hand-computed values`, () => {
      const act = activations[name];
      expect(act.name).toBe(name);
      for (const [z, a, d] of HAND[name]) {
        expect(act.f(z)).toBeCloseTo(a, 14);
        expect(act.df(z, act.f(z))).toBeCloseTo(d, 14);
      }
    });
  }

  it('every trainable activation has df equal to a central difference of f', () => {
    const h = 1e-6;
    for (const name of ELEMENTWISE) {
      const act = activations[name];
      if (!act.trainable) continue;
      for (const z of Z) {
        const numeric = (act.f(z + h) - act.f(z - h)) / (2 * h);
        expect(act.df(z, act.f(z)), `${name} at ${z}`).toBeCloseTo(numeric, 7);
      }
    }
  });
});

describe('activation batch forward/backward', () => {
  for (const name of ELEMENTWISE) {
    for (const Ctor of [Float64Array, Float32Array]) {
      it(`${name} forward/backward match f/df element by element (${Ctor.name})`, () => {
        const act = activations[name];
        const z: FloatArray = Ctor.from(Z);
        const a: FloatArray = new Ctor(Z.length);
        act.forward(z, a, 2, 4);
        const g: FloatArray = Ctor.from(Z.map((_, i) => 0.5 + i));
        act.backward(z, a, g, 2, 4);
        const digits = Ctor === Float64Array ? 14 : 6;
        for (let i = 0; i < Z.length; i++) {
          expect(a[i]).toBeCloseTo(act.f(z[i]!), digits);
          expect(g[i]).toBeCloseTo((0.5 + i) * act.df(z[i]!, act.f(z[i]!)), digits);
        }
      });
    }
  }

  it('touches only rows × cols elements of larger buffers', () => {
    for (const name of ACTIVATIONS) {
      const z = Float64Array.from([1, 2, 3, 4, 5, 6]);
      const a = new Float64Array(6).fill(-7);
      const g = new Float64Array(6).fill(9);
      activations[name].forward(z, a, 1, 4);
      activations[name].backward(z, a, g, 1, 4);
      expect([a[4], a[5], g[4], g[5]], name).toEqual([-7, -7, 9, 9]);
    }
  });
});

describe('softmax', () => {
  const softmax = activations.softmax;
  const run = (z: number[], rows: number, cols: number): Float64Array => {
    const a = new Float64Array(z.length);
    softmax.forward(Float64Array.from(z), a, rows, cols);
    return a;
  };

  it('gives the hand-computed distribution for z = (1, 2, 3)', () => {
    const a = run([1, 2, 3], 1, 3);
    // e^1, e^2, e^3 over their sum 30.19287485…
    expect(a[0]).toBeCloseTo(0.09003057317038046, 14);
    expect(a[1]).toBeCloseTo(0.24472847105479767, 14);
    expect(a[2]).toBeCloseTo(0.6652409557748219, 14);
  });

  it('makes every row sum to 1, each row on its own', () => {
    const a = run([1, 2, 3, -4, 0, 0.5, 10, 10, 10], 3, 3);
    for (let r = 0; r < 3; r++) expect(a[3 * r]! + a[3 * r + 1]! + a[3 * r + 2]!).toBeCloseTo(1, 14);
    expect(a[6]).toBeCloseTo(1 / 3, 14);
  });

  it('is invariant to adding a constant to a row', () => {
    const a = run([0.3, -1.2, 2.2, 0.7], 1, 4);
    const b = run([100.3, 98.8, 102.2, 100.7], 1, 4);
    for (let i = 0; i < 4; i++) expect(b[i]).toBeCloseTo(a[i]!, 12);
  });

  it('stays finite for z = 1000', () => {
    // e^1000 overflows; softmax must subtract the row's maximum first.
    const a = run([1000, 0, -1000, 1000, 1000, 0], 2, 3);
    for (const v of a) expect(Number.isFinite(v)).toBe(true);
    expect(Array.from(a.subarray(0, 3))).toEqual([1, 0, 0]);
    expect(a[3]).toBeCloseTo(0.5, 14);
    expect(a[4]).toBeCloseTo(0.5, 14);
    expect(a[5]).toBe(0);
    const b = run([1000, 1000, 1000], 1, 3);
    for (const v of b) expect(v).toBeCloseTo(1 / 3, 14);
  });

  it('backward is the explicit Jacobian–vector product J g with J_ij = a_i(δ_ij − a_j)', () => {
    const z = [0.2, -1, 1.5, 0.4, 2, -0.3, 0.1, 0.9];
    const rows = 2;
    const cols = 4;
    const a = run(z, rows, cols);
    const g = Float64Array.from([1, -2, 0.5, 3, -1, 0.25, 4, -0.75]);
    const expected: number[] = [];
    for (let r = 0; r < rows; r++) {
      for (let i = 0; i < cols; i++) {
        let s = 0;
        for (let j = 0; j < cols; j++) {
          const jac = a[r * cols + i]! * ((i === j ? 1 : 0) - a[r * cols + j]!);
          s += jac * g[r * cols + j]!;
        }
        expected.push(s);
      }
    }
    softmax.backward(Float64Array.from(z), a, g, rows, cols);
    for (let i = 0; i < expected.length; i++) expect(g[i]).toBeCloseTo(expected[i]!, 14);
  });

  it('backward agrees with a finite difference of Σ g_i a_i(z)', () => {
    const z = [0.5, -0.25, 1.25];
    const g = [0.3, -1.1, 2];
    const objective = (zz: number[]): number => {
      const a = run(zz, 1, 3);
      return a.reduce((s, ai, i) => s + ai * g[i]!, 0);
    };
    const back = Float64Array.from(g);
    softmax.backward(Float64Array.from(z), run(z, 1, 3), back, 1, 3);
    const h = 1e-6;
    for (let i = 0; i < 3; i++) {
      const plus = z.slice();
      const minus = z.slice();
      plus[i]! += h;
      minus[i]! -= h;
      expect(back[i]).toBeCloseTo((objective(plus) - objective(minus)) / (2 * h), 8);
    }
  });

  it('is only allowed on the output layer', () => {
    expect(softmax.outputOnly).toBe(true);
    expect(softmax.range).toBe('distribution');
    for (const name of ACTIVATIONS) if (name !== 'softmax') expect(activations[name].outputOnly, name).toBe(false);
  });
});

describe('step', () => {
  it('is not trainable and passes back no gradient', () => {
    expect(activations.step.trainable).toBe(false);
    for (const name of ACTIVATIONS) if (name !== 'step') expect(activations[name].trainable, name).toBe(true);
    const g = Float64Array.from([1, 2, 3]);
    activations.step.backward(Float64Array.from([-1, 0, 1]), new Float64Array(3), g, 1, 3);
    expect(Array.from(g)).toEqual([0, 0, 0]);
  });
});

describe('output ranges', () => {
  it('are declared as the losses expect', () => {
    const ranges = Object.fromEntries(ACTIVATIONS.map((n) => [n, activations[n].range]));
    expect(ranges).toEqual({
      linear: 'real',
      sigmoid: 'open-unit',
      tanh: 'open-symmetric',
      relu: 'non-negative',
      'leaky-relu': 'real',
      softmax: 'distribution',
      step: 'binary',
    });
  });
});
