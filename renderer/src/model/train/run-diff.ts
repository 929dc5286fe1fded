/** How runs differ: every setting that shapes a run, flattened to labelled strings that can be compared. */
import { layerActivation, type LayerSpec, type NetworkSpec, type StopRule, type TrainSettings } from '@core/engine/spec';
import type { RunRecordEvent, StartedFrom } from '@core/lab/contract';
import { layerToken } from '../design/layers';
import { compactPercent, count, quantity } from '../format';
import { rateHistory } from './run-record';

export interface RunDescription {
  spec: NetworkSpec;
  settings: TrainSettings;
  datasetId: string;
  scaling: string;
  /** A run from a model file: which, and the scaling it trains with (not always the design's). */
  startedFrom?: StartedFrom;
  /** Its record's events: η changed by hand shows as a history ("3 → 0.5 at epoch 4"). */
  events?: RunRecordEvent[];
}

export interface SettingField {
  key: string;
  label: string;
  value: string;
}

export interface FieldDiff extends SettingField {
  /** The values the other runs have where they differ from this one, without repeats. */
  others: string[];
}

/** A layer and its activation: "30 sigmoid", "conv5×5×20 relu", "pool2". */
const withActivation = (l: LayerSpec): string => [layerToken(l), layerActivation(l) ?? ''].join(' ').trim();

export function architecture(spec: NetworkSpec): string {
  return [String(spec.inputSize), ...spec.layers.map(withActivation)].join(' → ');
}

/** "784-30-10 sigmoid" when every layer shares an activation, else "784-100 relu-10 softmax". */
export function compactArchitecture(spec: NetworkSpec): string {
  const kinds = new Set(spec.layers.flatMap((l) => layerActivation(l) ?? []));
  if (kinds.size === 1) return `${[spec.inputSize, ...spec.layers.map(layerToken)].join('-')} ${[...kinds][0]}`;
  return [String(spec.inputSize), ...spec.layers.map(withActivation)].join('-');
}

function stopRule(stop: StopRule): string {
  if (stop.kind === 'loss-plateau') return `loss plateau < ${compactPercent(stop.minImprovement)}`;
  if (stop.kind === 'early-stopping') return `early stopping, patience ${stop.patience}`;
  // Not "after N epochs": that would repeat the Epochs row as a second difference.
  return 'when the epochs run out';
}

/**
 * The input scaling a run trains with: the design's, fitted on the dataset, unless it started from a
 * model file that carried its own or was given one ("min-max (the file's)", "0–1 pixels (÷ 255)").
 */
export function runScaling(run: Pick<RunDescription, 'scaling' | 'startedFrom'>): string {
  const from = run.startedFrom;
  if (!from) return run.scaling;
  if (from.choice === 'file') return `${from.scaling?.kind ?? run.scaling} (the file's)`;
  if (from.choice === 'pixels') return '0–1 pixels (÷ 255)';
  if (from.choice === 'none') return 'none';
  return `${run.scaling} (fitted on the dataset)`;
}

function optimizer(settings: TrainSettings): string {
  return settings.optimizer === 'momentum' ? `momentum (μ ${quantity(settings.momentum)})` : settings.optimizer;
}

export function describeRun(run: RunDescription): SettingField[] {
  const { spec, settings } = run;
  return [
    { key: 'datasetId', label: 'Dataset', value: run.datasetId },
    { key: 'scaling', label: 'Input scaling', value: runScaling(run) },
    { key: 'architecture', label: 'Layers', value: compactArchitecture(spec) },
    { key: 'loss', label: 'Cost function', value: spec.loss },
    // A run from a model file starts from the file's weights, not from an initialisation.
    { key: 'init', label: 'Weight init', value: run.startedFrom ? `from ${run.startedFrom.name}` : spec.init },
    { key: 'optimizer', label: 'Optimiser', value: optimizer(settings) },
    { key: 'learningRate', label: 'Learning rate η', value: rateHistory(run) },
    { key: 'batchSize', label: 'Mini-batch size', value: count(settings.batchSize) },
    { key: 'epochs', label: 'Epochs planned', value: count(settings.epochs) },
    { key: 'l2', label: 'L2 λ', value: quantity(settings.l2) },
    { key: 'seed', label: 'Random seed', value: String(settings.seed) },
    { key: 'stop', label: 'Stops', value: stopRule(settings.stop) },
  ];
}

/** The fields where `run` differs from at least one of `others`. */
export function diffRun(run: RunDescription, others: RunDescription[]): FieldDiff[] {
  const theirs = others.map(describeRun);
  return describeRun(run).flatMap((field, i) => {
    const differing = [...new Set(theirs.map((fields) => fields[i]!.value).filter((v) => v !== field.value))];
    return differing.length ? [{ ...field, others: differing }] : [];
  });
}
