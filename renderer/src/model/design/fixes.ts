/** One-click fixes offered beside some problems: they teach the usual remedy. */
import type { DatasetInfo } from '@core/lab/contract';
import { isDense, layerActivation, type ActivationName, type NetworkSpec } from '@core/engine/spec';
import { count } from '../format';
import { inputCount } from './problems';
import type { Design } from './types';

/** The store actions a fix may call. */
export interface FixTarget {
  setInputSize(n: number): void;
  setUnits(index: number, n: number): void;
  setActivation(index: number, activation: ActivationName): void;
  setValidation(on: boolean): void;
}

export interface QuickFix {
  label: string;
  run(target: FixTarget): void;
}

const outputActivation = (spec: NetworkSpec): ActivationName | undefined => {
  const last = spec.layers.at(-1);
  return last ? layerActivation(last) : undefined;
};

export function quickFix(field: string, design: Design, dataset: DatasetInfo | undefined): QuickFix | null {
  const { spec } = design;
  if (field === 'inputSize' && dataset && spec.inputSize !== inputCount(dataset)) {
    const n = inputCount(dataset);
    return { label: `Set to ${count(n)}`, run: (t) => t.setInputSize(n) };
  }
  const output = spec.layers.length - 1;
  if (field === 'loss' && (spec.loss === 'cross-entropy' || spec.loss === 'kl-divergence') && outputActivation(spec) !== 'softmax')
    return { label: 'Use a softmax output layer', run: (t) => t.setActivation(output, 'softmax') };
  if (field === 'stop' && design.settings.stop.kind === 'early-stopping' && !design.validation)
    return { label: 'Hold out validation images', run: (t) => t.setValidation(true) };
  const match = /^layers\[(\d+)\]\.(units|activation)$/.exec(field);
  if (!match) return null;
  const i = Number(match[1]);
  const layer = spec.layers[i];
  if (!layer) return null;
  const last = i === spec.layers.length - 1;
  if (match[2] === 'units' && last && isDense(layer) && dataset?.kind === 'classification' && layer.units !== dataset.classes.length) {
    const n = dataset.classes.length;
    return { label: `Set to ${count(n)}`, run: (t) => t.setUnits(i, n) };
  }
  const activation = layerActivation(layer);
  if (match[2] === 'activation' && activation === 'step') return { label: 'Use sigmoid', run: (t) => t.setActivation(i, 'sigmoid') };
  if (match[2] === 'activation' && activation === 'softmax' && !last) return { label: 'Use ReLU', run: (t) => t.setActivation(i, 'relu') };
  return null;
}
