import type { ActivationName, LossName } from './spec';
import { activations, type FloatArray } from './activations';

/**
 * A cost C_x for one sample: its value and its gradient ∇_a C_x with respect to the output
 * activations. The network's cost is the mean of C_x over the samples of a batch (Nielsen's C = 1/n Σ_x C_x).
 * Rows are addressed by offset `o` and width `n` so that the same code serves a whole batch.
 */
export interface Loss {
  name: LossName;
  /** C_x for the outputs a[o..o+n) against targets y[o..o+n). */
  value(a: FloatArray, y: FloatArray, o: number, n: number): number;
  /** g[o..o+n) = ∂C_x/∂a. */
  gradient(a: FloatArray, y: FloatArray, g: FloatArray, o: number, n: number): void;
}

/** Keeps ln() finite when an output saturates at exactly 0 or 1 in float32. */
const EPS = 1e-12;
const clampUnit = (a: number): number => (a < EPS ? EPS : a > 1 - EPS ? 1 - EPS : a);
const clampPositive = (a: number): number => (a < EPS ? EPS : a);
const sign = (x: number): number => (x > 0 ? 1 : x < 0 ? -1 : 0);

/** ln(cosh x) without overflow for large |x|. */
const logCosh = (x: number): number => {
  const ax = Math.abs(x);
  return ax + Math.log1p(Math.exp(-2 * ax)) - Math.LN2;
};

export const losses: Record<LossName, Loss> = {
  quadratic: {
    name: 'quadratic',
    value(a, y, o, n) {
      let s = 0;
      for (let i = o; i < o + n; i++) s += (a[i]! - y[i]!) ** 2;
      return 0.5 * s;
    },
    gradient(a, y, g, o, n) {
      for (let i = o; i < o + n; i++) g[i] = a[i]! - y[i]!;
    },
  },
  mse: {
    name: 'mse',
    value(a, y, o, n) {
      let s = 0;
      for (let i = o; i < o + n; i++) s += (a[i]! - y[i]!) ** 2;
      return s / n;
    },
    gradient(a, y, g, o, n) {
      for (let i = o; i < o + n; i++) g[i] = (2 * (a[i]! - y[i]!)) / n;
    },
  },
  sse: {
    name: 'sse',
    value(a, y, o, n) {
      let s = 0;
      for (let i = o; i < o + n; i++) s += (a[i]! - y[i]!) ** 2;
      return s;
    },
    gradient(a, y, g, o, n) {
      for (let i = o; i < o + n; i++) g[i] = 2 * (a[i]! - y[i]!);
    },
  },
  mae: {
    name: 'mae',
    value(a, y, o, n) {
      let s = 0;
      for (let i = o; i < o + n; i++) s += Math.abs(a[i]! - y[i]!);
      return s / n;
    },
    gradient(a, y, g, o, n) {
      for (let i = o; i < o + n; i++) g[i] = sign(a[i]! - y[i]!) / n;
    },
  },
  sae: {
    name: 'sae',
    value(a, y, o, n) {
      let s = 0;
      for (let i = o; i < o + n; i++) s += Math.abs(a[i]! - y[i]!);
      return s;
    },
    gradient(a, y, g, o, n) {
      for (let i = o; i < o + n; i++) g[i] = sign(a[i]! - y[i]!);
    },
  },
  mape: {
    name: 'mape',
    value(a, y, o, n) {
      let s = 0;
      for (let i = o; i < o + n; i++) s += Math.abs((y[i]! - a[i]!) / y[i]!);
      return (100 * s) / n;
    },
    gradient(a, y, g, o, n) {
      for (let i = o; i < o + n; i++) g[i] = (100 * sign(a[i]! - y[i]!)) / (n * Math.abs(y[i]!));
    },
  },
  msle: {
    name: 'msle',
    value(a, y, o, n) {
      let s = 0;
      for (let i = o; i < o + n; i++) s += (Math.log1p(a[i]!) - Math.log1p(y[i]!)) ** 2;
      return s / n;
    },
    gradient(a, y, g, o, n) {
      for (let i = o; i < o + n; i++) g[i] = (2 * (Math.log1p(a[i]!) - Math.log1p(y[i]!))) / (n * (1 + a[i]!));
    },
  },
  'log-cosh': {
    name: 'log-cosh',
    value(a, y, o, n) {
      let s = 0;
      for (let i = o; i < o + n; i++) s += logCosh(a[i]! - y[i]!);
      return s / n;
    },
    gradient(a, y, g, o, n) {
      for (let i = o; i < o + n; i++) g[i] = Math.tanh(a[i]! - y[i]!) / n;
    },
  },
  // Summed over the outputs, as in Nielsen's network2.py CrossEntropyCost.
  'binary-cross-entropy': {
    name: 'binary-cross-entropy',
    value(a, y, o, n) {
      let s = 0;
      for (let i = o; i < o + n; i++) {
        const ai = clampUnit(a[i]!);
        const yi = y[i]!;
        s -= yi * Math.log(ai) + (1 - yi) * Math.log(1 - ai);
      }
      return s;
    },
    gradient(a, y, g, o, n) {
      for (let i = o; i < o + n; i++) {
        const ai = clampUnit(a[i]!);
        g[i] = (ai - y[i]!) / (ai * (1 - ai));
      }
    },
  },
  'cross-entropy': {
    name: 'cross-entropy',
    value(a, y, o, n) {
      let s = 0;
      for (let i = o; i < o + n; i++) if (y[i]! !== 0) s -= y[i]! * Math.log(clampPositive(a[i]!));
      return s;
    },
    gradient(a, y, g, o, n) {
      for (let i = o; i < o + n; i++) g[i] = -y[i]! / clampPositive(a[i]!);
    },
  },
  'kl-divergence': {
    name: 'kl-divergence',
    value(a, y, o, n) {
      let s = 0;
      for (let i = o; i < o + n; i++) {
        const yi = y[i]!;
        if (yi !== 0) s += yi * Math.log(yi / clampPositive(a[i]!));
      }
      return s;
    },
    gradient(a, y, g, o, n) {
      for (let i = o; i < o + n; i++) g[i] = -y[i]! / clampPositive(a[i]!);
    },
  },
  // −cos(a, y): 1 is opposite, −1 is the same direction.
  'cosine-proximity': {
    name: 'cosine-proximity',
    value(a, y, o, n) {
      let dot = 0;
      let aa = 0;
      let yy = 0;
      for (let i = o; i < o + n; i++) {
        dot += a[i]! * y[i]!;
        aa += a[i]! * a[i]!;
        yy += y[i]! * y[i]!;
      }
      const na = Math.sqrt(aa) + EPS;
      const ny = Math.sqrt(yy) + EPS;
      return -dot / (na * ny);
    },
    gradient(a, y, g, o, n) {
      let dot = 0;
      let aa = 0;
      let yy = 0;
      for (let i = o; i < o + n; i++) {
        dot += a[i]! * y[i]!;
        aa += a[i]! * a[i]!;
        yy += y[i]! * y[i]!;
      }
      const normA = Math.sqrt(aa);
      const na = normA + EPS;
      const ny = Math.sqrt(yy) + EPS;
      // d/da (a·y / (|a||y|)) = y/(|a||y|) − (a·y) a / (|a|³|y|)
      const k = normA === 0 ? 0 : dot / (na * na * normA * ny);
      for (let i = o; i < o + n; i++) g[i] = -(y[i]! / (na * ny) - k * a[i]!);
    },
  },
};

/**
 * Pairs where δ^L = (a − y) exactly: the σ' of the output layer cancels against the loss's
 * denominator. Using it avoids dividing by a saturated a(1−a) and saves a pass.
 */
export function hasSimpleOutputDelta(loss: LossName, output: ActivationName): boolean {
  return (
    (output === 'softmax' && (loss === 'cross-entropy' || loss === 'kl-divergence')) ||
    (output === 'sigmoid' && loss === 'binary-cross-entropy')
  );
}

/** Why this loss cannot be used on this output activation, or null when it can. */
export function lossActivationProblem(loss: LossName, output: ActivationName): string | null {
  const range = activations[output].range;
  switch (loss) {
    case 'binary-cross-entropy':
      if (output === 'softmax')
        return 'Binary cross-entropy treats each output as its own yes/no probability, but softmax makes the outputs compete (they always sum to 1). Use cross-entropy with softmax, or sigmoid outputs with binary cross-entropy.';
      if (range !== 'open-unit')
        return `Binary cross-entropy takes ln(a) and ln(1 − a), so every output must lie strictly between 0 and 1; a ${output} output layer can leave that range. Use sigmoid on the output layer.`;
      return null;
    case 'cross-entropy':
    case 'kl-divergence':
      if (output !== 'softmax')
        return `${loss === 'cross-entropy' ? 'Categorical cross-entropy' : 'KL divergence'} compares the outputs with the targets as probability distributions, so the output layer must produce one: use softmax (for independent sigmoid outputs, use binary cross-entropy).`;
      return null;
    case 'msle':
      if (range === 'real' || range === 'open-symmetric')
        return `MSLE takes ln(1 + a), which is undefined when an output is −1 or below, and a ${output} output layer can go there. Use relu, sigmoid or softmax on the output layer.`;
      return null;
    default:
      return null;
  }
}

/** What a loss needs of every target: the rule a target breaks when it cannot be used. */
export const TARGET_RULES = {
  zero: (y: number) => y === 0,
  'at-or-below-minus-one': (y: number) => y <= -1,
  'outside-unit': (y: number) => y < 0 || y > 1,
  negative: (y: number) => y < 0,
} as const;
export type TargetRule = keyof typeof TARGET_RULES;

/** The first target that breaks a rule: its flat index and value. */
export interface TargetWitness {
  index: number;
  value: number;
}

const LOSS_TARGET_RULE: Partial<Record<LossName, TargetRule>> = {
  mape: 'zero',
  msle: 'at-or-below-minus-one',
  'binary-cross-entropy': 'outside-unit',
  'cross-entropy': 'negative',
  'kl-divergence': 'negative',
};

/** The rule this loss checks its targets against, or undefined when any target will do. */
export const lossTargetRule = (loss: LossName): TargetRule | undefined => LOSS_TARGET_RULE[loss];

/** The words for a target that breaks `loss`'s rule; shared so every place that checks says the same. */
export function targetProblemMessage(loss: LossName, { index: i, value }: TargetWitness): string {
  switch (loss) {
    case 'mape':
      return `MAPE divides by each target value, and target #${i} is 0 (one-hot class labels are 0 for every class but one). Use MAPE for regression targets that are never zero.`;
    case 'msle':
      return `MSLE takes ln(1 + y), but target #${i} is ${value}, at or below −1.`;
    case 'binary-cross-entropy':
      return `Binary cross-entropy needs targets between 0 and 1, but target #${i} is ${value}.`;
    default:
      return `${loss} needs non-negative target probabilities, but target #${i} is ${value}.`;
  }
}

/** Why these targets cannot be used with this loss (the first offending value), or null. */
export function lossTargetProblem(loss: LossName, targets: FloatArray): string | null {
  const rule = lossTargetRule(loss);
  if (!rule) return null;
  const bad = TARGET_RULES[rule];
  for (let i = 0; i < targets.length; i++) if (bad(targets[i]!)) return targetProblemMessage(loss, { index: i, value: targets[i]! });
  return null;
}
