/**
 * One input fed forward with every layer's weighted input z and activation a kept, as plain number
 * arrays (JSON-safe, so a trace can cross IPC or be saved). Pure: no Node API, no DOM.
 */
import type { ActivationName } from '../engine/spec';
import { argmax } from '../engine/evaluate';
import { ShapeError } from '../engine/errors';
import type { Network } from '../engine/network';

export interface LayerTrace {
  /** Layer number l = 1…L in Nielsen's numbering (0 is the input). */
  layer: number;
  activation: ActivationName;
  /** z^l = w^l·a^{l−1} + b^l */
  z: number[];
  /** a^l = σ(z^l) */
  a: number[];
}

export interface ActivationTrace {
  /** The input a^0 as the network saw it (already scaled). */
  input: number[];
  layers: LayerTrace[];
  /** a^L, the output vector. */
  output: number[];
  /** Index of the largest output (the first, on ties). */
  predicted: number;
}

/**
 * Feeds `x` forward as a batch of one. It reuses the network's one-row workspace, as
 * `Network.predict` does, so don't call it while the same network object is mid-feedforward.
 */
export function traceActivations(net: Network, x: ArrayLike<number>): ActivationTrace {
  if (x.length !== net.sizes[0]) throw new ShapeError(`Expected ${net.sizes[0]} inputs, got ${x.length}.`);
  const ws = net.workspace(1);
  ws.a[0]!.set(x);
  const out = net.feedforward(ws);
  const layers: LayerTrace[] = [];
  for (let l = 1; l <= net.L; l++) {
    layers.push({ layer: l, activation: net.sigma[l]!.name, z: Array.from(ws.z[l]!), a: Array.from(ws.a[l]!) });
  }
  return { input: Array.from(ws.a[0]!), layers, output: Array.from(out), predicted: argmax(out, 0, out.length) };
}
