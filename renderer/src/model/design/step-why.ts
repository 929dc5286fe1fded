/**
 * Why a step network cannot learn by gradient descent, computed rather than told: one neuron
 * a = f(w·x + b) on a few points, its quadratic cost as a function of the weight w, and gradient
 * descent from the same start with f = step and with f = sigmoid. The derivatives are the engine's
 * (core/engine/activations), so the step's zero is the one backpropagation would receive.
 */
import { activations } from '@core/engine/activations';
import { sample, type Point } from './plot';

/** A feature x of a few samples and whether each is the class (1) or not (0): the class is x > 0. */
export const TOY_X = [-1, -0.6, -0.2, 0.2, 0.5, 0.8, 1] as const;
export const TOY_Y = TOY_X.map((x) => (x > 0 ? 1 : 0));
/** The bias stays fixed: only w moves, so the cost is a curve over one axis. */
export const TOY_B = 0.5;
export const W_RANGE: [number, number] = [-4, 4];

export type ToyActivation = 'step' | 'sigmoid';

/** C(w) = (1/2n) Σ (f(w·x + b) − y)², as network.py's quadratic cost averages over a batch. */
export function toyCost(activation: ToyActivation, w: number): number {
  const f = activations[activation].f;
  return TOY_X.reduce((sum, x, i) => sum + (f(w * x + TOY_B) - TOY_Y[i]!) ** 2, 0) / (2 * TOY_X.length);
}

/** ∂C/∂w by backpropagation: (1/n) Σ (a − y) · f′(z) · x. For the step, f′(z) = 0, so every term is 0. */
export function toyGradient(activation: ToyActivation, w: number): number {
  const act = activations[activation];
  return (
    TOY_X.reduce((sum, x, i) => {
      const z = w * x + TOY_B;
      const a = act.f(z);
      return sum + (a - TOY_Y[i]!) * act.df(z, a) * x;
    }, 0) / TOY_X.length
  );
}

export interface Descent {
  /** w after each step, the start first. */
  ws: number[];
  gradientAtStart: number;
  costBefore: number;
  costAfter: number;
}

/** `steps` steps of w ← w − η ∂C/∂w from `w0`. */
export function toyDescent(activation: ToyActivation, w0: number, eta = 3, steps = 30): Descent {
  const ws = [w0];
  let w = w0;
  for (let t = 0; t < steps; t++) {
    w -= eta * toyGradient(activation, w);
    ws.push(w);
  }
  return { ws, gradientAtStart: toyGradient(activation, w0), costBefore: toyCost(activation, w0), costAfter: toyCost(activation, w) };
}

/** The cost curve over W_RANGE, for the plot. */
export const toyCostCurve = (activation: ToyActivation): Point[] => sample((w) => toyCost(activation, w), ...W_RANGE, 321);
