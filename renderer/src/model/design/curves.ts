/** The curves the explanation panel plots: an activation beside its derivative, a loss beside its gradient. */
import { activations } from '@core/engine/activations';
import { losses } from '@core/engine/losses';
import type { ActivationName, LossName } from '@core/engine/spec';
import { sample, type Point } from './plot';

export interface Curve {
  label: string;
  /** What the horizontal axis is. */
  x: string;
  points: Point[];
}

export function activationCurves(name: ActivationName): [Curve, Curve] {
  const act = activations[name];
  const symbol = name === 'sigmoid' || name === 'softmax' ? 'σ' : name === 'tanh' ? 'tanh' : 'f';
  return [
    { label: `${symbol}(z)`, x: 'z', points: sample((z) => act.f(z), -5, 5) },
    { label: `${symbol}′(z)`, x: 'z', points: sample((z) => act.df(z, act.f(z)), -5, 5) },
  ];
}

const PROBABILITY_LOSSES: LossName[] = ['binary-cross-entropy', 'cross-entropy', 'kl-divergence'];

/** C and ∂C/∂a for one output with target y = 1; null when one output says nothing (cosine). */
export function lossCurves(name: LossName): [Curve, Curve] | null {
  if (name === 'cosine-proximity') return null;
  const loss = losses[name];
  const [from, to] = PROBABILITY_LOSSES.includes(name) ? [0.02, 0.99] : [0, 2];
  const y = Float64Array.of(1);
  const g = new Float64Array(1);
  const value = (a: number): number => loss.value(Float64Array.of(a), y, 0, 1);
  const gradient = (a: number): number => {
    loss.gradient(Float64Array.of(a), y, g, 0, 1);
    return g[0]!;
  };
  return [
    { label: 'C(a) for y = 1', x: 'a', points: sample(value, from, to) },
    { label: '∂C/∂a', x: 'a', points: sample(gradient, from, to) },
  ];
}
