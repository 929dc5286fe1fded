import type { FloatArray } from './activations';
import type { Kernels } from './kernels';
import { jsKernels } from './kernels-js';
import type { OptimizerName } from './spec';

/**
 * An optimiser sees only flat parameter buffers and their gradients (the mean over the batch),
 * never the network. `decay[i]` is the L2 coefficient λ for buffer i (0 for biases).
 */
export interface Optimizer {
  name: OptimizerName;
  /** One step over every buffer; with `maxima`, maxima[i] becomes max |params[i]| after it (NaN when one is NaN), as the kernels' steps return it. */
  step(params: FloatArray[], grads: FloatArray[], decay: number[], learningRate: number, maxima?: number[]): void;
  /**
   * An upper bound on |Δp| for every parameter in the next step, given that every |g + λp| of it is
   * at most `gBound` (and was for every earlier step). The trainer uses it to skip its undo copy
   * when the update cannot overflow. Calling it more than once is harmless: it only remembers maxima.
   */
  maxChange(gBound: number, learningRate: number): number;
}

/** w ← w − η (∇w + λw), by the kernels' sgdStep. */
export function sgd(kernels: Kernels = jsKernels): Optimizer {
  return {
    name: 'sgd',
    maxChange: (gBound, eta) => Math.abs(eta) * gBound,
    step(params, grads, decay, eta, maxima) {
      for (let i = 0; i < params.length; i++) {
        const max = kernels.sgdStep(params[i]!, grads[i]!, eta, decay[i]!);
        if (maxima) maxima[i] = max;
      }
    },
  };
}

/**
 * u ← μu + (∇w + λw);  w ← w − η u.  With a constant η this is Nielsen's v ← μv − η(∇w + λw),
 * w ← w + v (v = −ηu). The velocity is kept in gradient units, as PyTorch's SGD keeps it, so when η
 * changes (a schedule or a person mid-run) the new η applies to the whole step at once, instead of
 * the old η lingering inside v for about 1/(1 − μ) batches.
 */
export function momentum(mu: number, shapes: number[], alloc: (n: number) => FloatArray): Optimizer {
  const velocity = shapes.map(alloc);
  // |u| ≤ Σ μⁱ G ≤ G / (1 − μ) for u starting at 0, so |Δw| = η|u| ≤ η max(G) / (1 − μ).
  let gMax = 0;
  return {
    name: 'momentum',
    maxChange(gBound, eta) {
      gMax = Math.max(gMax, gBound);
      return mu < 1 ? (Math.abs(eta) * gMax) / (1 - mu) : Infinity;
    },
    step(params, grads, decay, eta, maxima) {
      for (let i = 0; i < params.length; i++) {
        const p = params[i]!;
        const g = grads[i]!;
        const v = velocity[i]!;
        const lambda = decay[i]!;
        let max = 0;
        for (let j = 0; j < p.length; j++) {
          const uj = mu * v[j]! + (g[j]! + lambda * p[j]!);
          v[j] = uj;
          const pj = p[j]! - eta * uj;
          p[j] = pj;
          // As maxAbs: NaN once one is NaN (|NaN| > max is false, so test it on its own).
          const a = Math.abs(p[j]!);
          if (a > max) max = a;
          else if (a !== a) max = NaN;
        }
        if (maxima) maxima[i] = max;
      }
    },
  };
}

/**
 * Adam (Kingma & Ba): running means of the gradient and its square, bias-corrected, by the
 * kernels' adamStep: m ← β₁m + (1 − β₁)g',  v ← β₂v + (1 − β₂)g'²,  p ← p − η (m/c₁) / (√(v/c₂) + ε),
 * with g' = ∇p + λp and c = 1 − βᵗ.
 */
export function adam(
  shapes: number[],
  alloc: (n: number) => FloatArray,
  beta1 = 0.9,
  beta2 = 0.999,
  epsilon = 1e-8,
  kernels: Kernels = jsKernels,
): Optimizer {
  const m = shapes.map(alloc);
  const v = shapes.map(alloc);
  let t = 0;
  // Reused for every buffer and step, so a step allocates nothing.
  const hyper = { eta: 0, lambda: 0, beta1, beta2, c1: 1, c2: 1, epsilon };
  // |m̂| ≤ max |g'| over all steps (a weighted mean of them) and √v̂ + ε ≥ ε, so |Δp| ≤ η G / ε.
  let gMax = 0;
  return {
    name: 'adam',
    maxChange(gBound, eta) {
      gMax = Math.max(gMax, gBound);
      return epsilon > 0 ? (Math.abs(eta) * gMax) / epsilon : Infinity;
    },
    step(params, grads, decay, eta, maxima) {
      t++;
      hyper.eta = eta;
      hyper.c1 = 1 - beta1 ** t;
      hyper.c2 = 1 - beta2 ** t;
      for (let i = 0; i < params.length; i++) {
        hyper.lambda = decay[i]!;
        const max = kernels.adamStep(params[i]!, grads[i]!, m[i]!, v[i]!, hyper);
        if (maxima) maxima[i] = max;
      }
    },
  };
}

/** The optimiser `name`; sgd and Adam run their updates on `kernels` (the js ones by default). */
export function createOptimizer(
  name: OptimizerName,
  mu: number,
  shapes: number[],
  alloc: (n: number) => FloatArray,
  kernels: Kernels = jsKernels,
): Optimizer {
  switch (name) {
    case 'sgd':
      return sgd(kernels);
    case 'momentum':
      return momentum(mu, shapes, alloc);
    case 'adam':
      return adam(shapes, alloc, undefined, undefined, undefined, kernels);
  }
}
