/**
 * Hyperparameter sweeps: which settings to vary, with which values, and the designs that result.
 * A sweep is written as `lr=0.01,0.1,1 batch=10,64`: one setting per word, its values as a list,
 * a linear range `lin:FROM:TO:COUNT` or a logarithmic one `log:FROM:TO:COUNT`. The grid is every
 * combination; a random search draws `budget` points instead (log-uniform within a log range).
 */
import { Rng } from './rng';
import { ACTIVATIONS, OPTIMIZERS, isDense, type ActivationName, type NetworkSpec, type OptimizerName, type TrainSettings } from './spec';

export const SWEEP_SETTINGS = ['lr', 'batch', 'units', 'l2', 'optimizer', 'activation'] as const;
export type SweepSetting = (typeof SWEEP_SETTINGS)[number];

export type SweepValues = { kind: 'list'; values: (number | string)[] } | { kind: 'lin' | 'log'; from: number; to: number; count: number };

export interface SweepAxis {
  setting: SweepSetting;
  /** units: the layer whose units vary, in Nielsen's numbering (2 = the first hidden layer). */
  layer?: number;
  values: SweepValues;
}

/** One point of a sweep: a value for every axis, keyed by the axis's name as written (`lr`, `units2`). */
export type SweepPoint = Record<string, number | string>;

export class SweepError extends Error {}

const NUMERIC: Record<SweepSetting, boolean> = { lr: true, batch: true, units: true, l2: true, optimizer: false, activation: false };

/** Parses `lr=0.01,0.1,1 batch=10,64 units2=30,100`; throws SweepError naming the word that is wrong. */
export function parseSweep(text: string): SweepAxis[] {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) throw new SweepError('a sweep needs at least one setting, like lr=0.1,1,3');
  const axes = words.map(parseAxis);
  const names = axes.map(axisName);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw new SweepError(`${twice} is varied twice`);
  return axes;
}

function parseAxis(word: string): SweepAxis {
  const match = /^([a-z]+)(\d*)=(.+)$/.exec(word);
  if (!match) throw new SweepError(`"${word}": expected SETTING=VALUES, like lr=0.1,1,3`);
  const [, letters, number, valueText] = match as unknown as [string, string, string, string];
  // l2 is a name, not "l" of layer 2.
  const whole = (SWEEP_SETTINGS as readonly string[]).includes(letters + number);
  const [name, digits] = whole ? [letters + number, ''] : [letters, number];
  if (!(SWEEP_SETTINGS as readonly string[]).includes(name))
    throw new SweepError(`"${name}" cannot be swept; choose one of ${SWEEP_SETTINGS.join(', ')}`);
  const setting = name as SweepSetting;
  if ((setting === 'units') !== (digits !== ''))
    throw new SweepError(`"${word}": units takes its layer, like units2=30,100 (layer 2 is the first hidden one)`);
  const axis: SweepAxis = { setting, values: parseValues(word, setting, valueText) };
  if (digits) axis.layer = Number(digits);
  return axis;
}

function parseValues(word: string, setting: SweepSetting, text: string): SweepValues {
  const range = /^(lin|log):([^:]+):([^:]+):([^:]+)$/.exec(text);
  if (range) {
    const [, kind, a, b, c] = range as unknown as [string, 'lin' | 'log', string, string, string];
    const [from, to, count] = [Number(a), Number(b), Number(c)];
    if (!NUMERIC[setting]) throw new SweepError(`"${word}": ${setting} takes a list of names, not a range`);
    if (![from, to].every(Number.isFinite) || !(Number.isInteger(count) && count >= 2 && count <= 1000))
      throw new SweepError(`"${word}": a range is ${kind}:FROM:TO:COUNT with numbers and a whole COUNT from 2 to 1000`);
    if (kind === 'log' && !(from > 0 && to > 0)) throw new SweepError(`"${word}": a log range needs positive ends`);
    return { kind, from, to, count };
  }
  const parts = text.split(',');
  if (parts.some((p) => p === '')) throw new SweepError(`"${word}": an empty value`);
  if (!NUMERIC[setting]) {
    const allowed: readonly string[] = setting === 'optimizer' ? OPTIMIZERS : ACTIVATIONS;
    const bad = parts.find((p) => !allowed.includes(p));
    if (bad) throw new SweepError(`"${word}": "${bad}" is not one of ${allowed.join(', ')}`);
    return { kind: 'list', values: parts };
  }
  const values = parts.map(Number);
  const bad = parts.find((_, i) => !Number.isFinite(values[i]));
  if (bad !== undefined) throw new SweepError(`"${word}": "${bad}" is not a number`);
  return { kind: 'list', values };
}

export const axisName = (axis: SweepAxis): string => `${axis.setting}${axis.layer ?? ''}`;

const isWhole = (axis: SweepAxis): boolean => axis.setting === 'batch' || axis.setting === 'units';

/** The point a fraction t ∈ [0, 1] along a range, on its own scale (linear or logarithmic). */
function along(v: Extract<SweepValues, { kind: 'lin' | 'log' }>, t: number): number {
  return v.kind === 'lin' ? v.from + t * (v.to - v.from) : v.from * (v.to / v.from) ** t;
}

/** The values of one axis, in order; whole-number settings are rounded (a batch of 31.6 is 32). */
export function axisValues(axis: SweepAxis): (number | string)[] {
  const v = axis.values;
  if (v.kind === 'list') return v.values;
  const whole = isWhole(axis);
  const out: number[] = [];
  for (let i = 0; i < v.count; i++) {
    const x = along(v, i / (v.count - 1));
    out.push(whole ? Math.round(x) : +x.toPrecision(6));
  }
  return whole ? [...new Set(out)] : out;
}

/** Every combination of the axes' values, the first axis varying slowest. */
export function gridPoints(axes: readonly SweepAxis[]): SweepPoint[] {
  let points: SweepPoint[] = [{}];
  for (const axis of axes) points = points.flatMap((p) => axisValues(axis).map((value) => ({ ...p, [axisName(axis)]: value })));
  return points;
}

/** `budget` points drawn at random (seeded): a list's values uniformly, a range uniformly on its own scale. */
export function randomPoints(axes: readonly SweepAxis[], budget: number, seed: number): SweepPoint[] {
  const rng = new Rng(seed ^ 0x5ee9);
  return Array.from({ length: budget }, () => {
    const point: SweepPoint = {};
    for (const axis of axes) {
      const v = axis.values;
      let value: number | string;
      if (v.kind === 'list') value = v.values[Math.min(v.values.length - 1, Math.floor(rng.uniform() * v.values.length))]!;
      else {
        const x = along(v, rng.uniform());
        value = isWhole(axis) ? Math.round(x) : +x.toPrecision(4);
      }
      point[axisName(axis)] = value;
    }
    return point;
  });
}

/** The design of one sweep point: the base design with the point's values put in. */
export function applyPoint(
  axes: readonly SweepAxis[],
  point: SweepPoint,
  spec: NetworkSpec,
  settings: TrainSettings,
): { spec: NetworkSpec; settings: TrainSettings } {
  const s = { ...settings };
  const layers = spec.layers.map((l) => ({ ...l }));
  for (const axis of axes) {
    const value = point[axisName(axis)]!;
    switch (axis.setting) {
      case 'lr':
        s.learningRate = value as number;
        break;
      case 'batch':
        s.batchSize = value as number;
        break;
      case 'l2':
        s.l2 = value as number;
        break;
      case 'optimizer':
        s.optimizer = value as OptimizerName;
        break;
      case 'units': {
        // Layer l of Nielsen's numbering is spec.layers[l − 2]; the output layer's size is the data's.
        const index = axis.layer! - 2;
        if (index < 0 || index >= layers.length - 1)
          throw new SweepError(`units${axis.layer}: the hidden layers of this network are ${hiddenRange(layers.length)}`);
        const layer = layers[index]!;
        if (!isDense(layer)) throw new SweepError(`units${axis.layer}: layer ${axis.layer} is ${layer.kind}, which has no units`);
        layer.units = value as number;
        break;
      }
      case 'activation':
        // The hidden layers' activation; the output keeps its own (it belongs with the loss).
        for (let i = 0; i < layers.length - 1; i++) {
          const layer = layers[i]!;
          if (isDense(layer) || layer.kind === 'conv') layer.activation = value as ActivationName;
        }
        break;
    }
  }
  return { spec: { ...spec, layers }, settings: s };
}

const hiddenRange = (layerCount: number): string =>
  layerCount <= 1 ? 'none (it has no hidden layer)' : layerCount === 2 ? 'layer 2' : `layers 2–${layerCount}`;
