import type { InitName } from './spec';
import type { Rng } from './rng';

/**
 * Standard deviation of the normal distribution each scheme draws w^l_jk from,
 * for a layer with n_in inputs and n_out units. Biases are always drawn from N(0, 1) for
 * Nielsen's scheme (as network.py does) and start at zero otherwise.
 */
export const initSchemes: Record<InitName, { std(nIn: number, nOut: number): number; biasStd: number; label: string }> = {
  normal: { label: 'N(0, 1) — Nielsen’s network.py', std: () => 1, biasStd: 1 },
  'scaled-normal': { label: 'N(0, 1/n_in) — Nielsen’s improved default', std: (nIn) => 1 / Math.sqrt(nIn), biasStd: 1 },
  xavier: { label: 'Xavier/Glorot N(0, 2/(n_in + n_out))', std: (nIn, nOut) => Math.sqrt(2 / (nIn + nOut)), biasStd: 0 },
  he: { label: 'He N(0, 2/n_in)', std: (nIn) => Math.sqrt(2 / nIn), biasStd: 0 },
};

export function initialise(
  scheme: InitName,
  w: Float32Array | Float64Array,
  b: Float32Array | Float64Array,
  nIn: number,
  nOut: number,
  rng: Rng,
): void {
  const { std, biasStd } = initSchemes[scheme];
  const s = std(nIn, nOut);
  for (let i = 0; i < w.length; i++) w[i] = rng.normal() * s;
  for (let i = 0; i < b.length; i++) b[i] = biasStd === 0 ? 0 : rng.normal() * biasStd;
}
