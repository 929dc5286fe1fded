import type { ActivationName } from './spec';

export type FloatArray = Float32Array | Float64Array;

/** What values an activation's outputs can take; losses use it to refuse pairings that cannot work. */
export type OutputRange =
  | 'real' // (−∞, ∞)
  | 'non-negative' // [0, ∞)
  | 'open-unit' // (0, 1)
  | 'open-symmetric' // (−1, 1)
  | 'distribution' // (0, 1) and each row sums to 1
  | 'binary'; // {0, 1}

/**
 * An activation σ: the scalar function and its derivative (for plots, tests and explanations)
 * and the same maps over whole row-major batches (for training, without a call per element).
 */
export interface Activation {
  name: ActivationName;
  /** σ(z) */
  f(z: number): number;
  /** σ'(z); `a` = σ(z) is passed because some derivatives are cheapest written with it. */
  df(z: number, a: number): number;
  /** a = σ(z) over rows × cols. */
  forward(z: FloatArray, a: FloatArray, rows: number, cols: number): void;
  /** g ⊙= σ'(z) in place: turns ∂C/∂a into ∂C/∂z (for softmax, the full Jacobian–vector product). */
  backward(z: FloatArray, a: FloatArray, g: FloatArray, rows: number, cols: number): void;
  /** False when backpropagation cannot learn through it. */
  trainable: boolean;
  /** Only allowed on the output layer (softmax couples the outputs of a layer). */
  outputOnly: boolean;
  range: OutputRange;
}

const LEAK = 0.01;

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

export const activations: Record<ActivationName, Activation> = {
  linear: {
    name: 'linear',
    f: (z) => z,
    df: () => 1,
    forward(z, a, rows, cols) {
      a.set(z.subarray(0, rows * cols));
    },
    backward() {
      /* σ' = 1 */
    },
    trainable: true,
    outputOnly: false,
    range: 'real',
  },
  sigmoid: {
    name: 'sigmoid',
    f: sigmoid,
    df: (_z, a) => a * (1 - a),
    forward(z, a, rows, cols) {
      const n = rows * cols;
      for (let i = 0; i < n; i++) a[i] = 1 / (1 + Math.exp(-z[i]!));
    },
    backward(_z, a, g, rows, cols) {
      const n = rows * cols;
      for (let i = 0; i < n; i++) {
        const ai = a[i]!;
        g[i] = g[i]! * ai * (1 - ai);
      }
    },
    trainable: true,
    outputOnly: false,
    range: 'open-unit',
  },
  tanh: {
    name: 'tanh',
    f: Math.tanh,
    df: (_z, a) => 1 - a * a,
    forward(z, a, rows, cols) {
      const n = rows * cols;
      for (let i = 0; i < n; i++) a[i] = Math.tanh(z[i]!);
    },
    backward(_z, a, g, rows, cols) {
      const n = rows * cols;
      for (let i = 0; i < n; i++) {
        const ai = a[i]!;
        g[i] = g[i]! * (1 - ai * ai);
      }
    },
    trainable: true,
    outputOnly: false,
    range: 'open-symmetric',
  },
  relu: {
    name: 'relu',
    f: (z) => (z > 0 ? z : 0),
    df: (z) => (z > 0 ? 1 : 0),
    forward(z, a, rows, cols) {
      const n = rows * cols;
      for (let i = 0; i < n; i++) {
        const zi = z[i]!;
        a[i] = zi > 0 ? zi : 0;
      }
    },
    backward(z, _a, g, rows, cols) {
      const n = rows * cols;
      for (let i = 0; i < n; i++) if (!(z[i]! > 0)) g[i] = 0;
    },
    trainable: true,
    outputOnly: false,
    range: 'non-negative',
  },
  'leaky-relu': {
    name: 'leaky-relu',
    f: (z) => (z > 0 ? z : LEAK * z),
    df: (z) => (z > 0 ? 1 : LEAK),
    forward(z, a, rows, cols) {
      const n = rows * cols;
      for (let i = 0; i < n; i++) {
        const zi = z[i]!;
        a[i] = zi > 0 ? zi : LEAK * zi;
      }
    },
    backward(z, _a, g, rows, cols) {
      const n = rows * cols;
      for (let i = 0; i < n; i++) if (!(z[i]! > 0)) g[i] = g[i]! * LEAK;
    },
    trainable: true,
    outputOnly: false,
    range: 'real',
  },
  softmax: {
    name: 'softmax',
    // As a scalar function softmax needs its whole layer; for plots we show one output against a zero rival.
    f: sigmoid,
    df: (_z, a) => a * (1 - a),
    forward(z, a, rows, cols) {
      for (let r = 0; r < rows; r++) {
        const o = r * cols;
        let max = -Infinity;
        for (let c = 0; c < cols; c++) if (z[o + c]! > max) max = z[o + c]!;
        let sum = 0;
        for (let c = 0; c < cols; c++) {
          const e = Math.exp(z[o + c]! - max);
          a[o + c] = e;
          sum += e;
        }
        const inv = 1 / sum;
        for (let c = 0; c < cols; c++) a[o + c] = a[o + c]! * inv;
      }
    },
    // ∂C/∂z_i = a_i (g_i − Σ_j a_j g_j): the softmax Jacobian applied to g, row by row.
    backward(_z, a, g, rows, cols) {
      for (let r = 0; r < rows; r++) {
        const o = r * cols;
        let dot = 0;
        for (let c = 0; c < cols; c++) dot += a[o + c]! * g[o + c]!;
        for (let c = 0; c < cols; c++) g[o + c] = a[o + c]! * (g[o + c]! - dot);
      }
    },
    trainable: true,
    outputOnly: true,
    range: 'distribution',
  },
  step: {
    name: 'step',
    f: (z) => (z >= 0 ? 1 : 0),
    df: () => 0,
    forward(z, a, rows, cols) {
      const n = rows * cols;
      for (let i = 0; i < n; i++) a[i] = z[i]! >= 0 ? 1 : 0;
    },
    backward(_z, _a, g, rows, cols) {
      g.fill(0, 0, rows * cols);
    },
    trainable: false,
    outputOnly: false,
    range: 'binary',
  },
};
