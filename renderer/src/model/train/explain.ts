/** Plain-language explanations of a run that went wrong, with what to try next. */
import { layerActivation, type NetworkSpec, type TrainSettings } from '@core/engine/spec';
import type { NonFinite } from '@core/engine/reports';
import { layerNumber } from '@core/engine/notation';
import { count, quantity } from '../format';

export interface Explanation {
  kind: 'non-finite' | 'failed';
  title: string;
  detail: string;
  tips: string[];
  /** A lower learning rate worth resuming with, when that is the likely fix. */
  suggestedLearningRate?: number;
}

interface RunLike {
  spec: NetworkSpec;
  settings: TrainSettings;
}

/** Rounds η/10 to something readable: 3 → 0.3, 0.123 → 0.0123. */
export function tenth(eta: number): number {
  return Number((eta / 10).toPrecision(3));
}

function where(d: NonFinite): string {
  const at = `at epoch ${count(d.epoch)}, batch ${count(d.batch)}`;
  if (d.what === 'loss' || d.layer === undefined) return `The ${d.what === 'loss' ? 'loss' : `${d.what}s`} became NaN or infinite ${at}`;
  const what = d.what === 'gradient' ? 'gradient' : 'weights';
  return `The ${what} of layer ${layerNumber(d.layer)} became NaN or infinite ${at}`;
}

export function explainNonFinite(detail: NonFinite, run: RunLike, learningRate = run.settings.learningRate): Explanation {
  const eta = tenth(learningRate);
  const tips = [`Lower the learning rate: try η/10 = ${quantity(eta)} (it is ${quantity(learningRate)} now).`];
  const { spec, settings } = run;
  if (spec.init === 'normal')
    tips.push('Use a scaled initialisation (scaled-normal, xavier or he): N(0, 1) weights blow up in wide layers.');
  if (settings.optimizer === 'adam' && learningRate > 0.01) tips.push('Adam usually works with η around 0.001.');
  if (spec.layers.map(layerActivation).some((a) => a === 'relu' || a === 'leaky-relu') && settings.optimizer === 'sgd')
    tips.push('ReLU networks are unbounded: momentum or Adam with a small η is gentler.');
  if (settings.batchSize === 1) tips.push('A larger batch averages out the noisy single-sample gradients.');
  return {
    kind: 'non-finite',
    title: 'Training paused: the numbers blew up',
    detail: `${where(detail)}. The NaN guard kept the last finite weights, but after a blow-up they are usually already huge: go back to an epoch from before it and resume with a lower η.`,
    tips,
    suggestedLearningRate: eta,
  };
}

export function explainFailure(message: string | undefined): Explanation {
  return {
    kind: 'failed',
    title: 'Training failed',
    detail: message?.trim() || 'The training worker stopped without saying why.',
    tips: [
      'Check the design for problems, then start a new run.',
      'If it keeps failing, try a smaller training subset to find the cause faster.',
    ],
  };
}
