/**
 * A sweep as the window's form holds it (one or two settings, each with a list or a range of
 * values, the whole grid or a random budget) and the axes it stands for, read with the engine's own
 * parser (core/engine/sweep.ts), so the window and the CLI accept the same values and say the same
 * thing about the wrong ones.
 */
import { axisValues, gridPoints, parseSweep, SweepError, type SweepAxis, type SweepSetting } from '@core/engine/sweep';
import { MAX_SWEEP_RUNS } from '@core/lab/contract';

export type ValuesKind = 'list' | 'lin' | 'log';

export interface DraftAxis {
  setting: SweepSetting;
  /** units: the hidden layer, in Nielsen's numbering (2 = the first hidden one). */
  layer: number;
  kind: ValuesKind;
  /** list: "0.1, 1, 3" or "sgd, adam". */
  list: string;
  from: number;
  to: number;
  count: number;
}

export interface SweepDraft {
  axes: DraftAxis[];
  mode: 'grid' | 'random';
  budget: number;
}

export const SETTING_LABELS: Record<SweepSetting, string> = {
  lr: 'Learning rate η',
  batch: 'Batch size',
  units: 'Hidden units of a layer',
  l2: 'L2 λ',
  optimizer: 'Optimiser',
  activation: 'Hidden activation',
};

/** A first guess of values for a setting, so a new axis can run as it is. */
export function newAxis(setting: SweepSetting, layer = 2): DraftAxis {
  const lists: Record<SweepSetting, string> = {
    lr: '0.1, 1, 3',
    batch: '10, 32',
    units: '30, 100',
    l2: '0, 0.0001',
    optimizer: 'sgd, adam',
    activation: 'sigmoid, relu',
  };
  const ranges: Record<SweepSetting, [number, number]> = {
    lr: [0.01, 3],
    batch: [10, 100],
    units: [10, 100],
    l2: [0.00001, 0.01],
    optimizer: [0, 0],
    activation: [0, 0],
  };
  const [from, to] = ranges[setting];
  return { setting, layer, kind: 'list', list: lists[setting], from, to, count: 3 };
}

export const isNumeric = (setting: SweepSetting): boolean => setting !== 'optimizer' && setting !== 'activation';

/** The axis as the CLI writes it: `lr=0.1,1,3`, `units2=log:10:100:3`. */
export function axisWord(axis: DraftAxis): string {
  const name = axis.setting === 'units' ? `units${axis.layer}` : axis.setting;
  const values =
    axis.kind === 'list'
      ? axis.list
          .split(',')
          .map((v) => v.trim())
          .join(',')
      : `${axis.kind}:${axis.from}:${axis.to}:${axis.count}`;
  return `${name}=${values}`;
}

export type ReadDraft = { ok: true; axes: SweepAxis[]; runs: number } | { ok: false; problem: string };

/** The draft's axes and how many runs it makes, or what is wrong with it, in the parser's words. */
export function readDraft(draft: SweepDraft): ReadDraft {
  if (draft.axes.length === 0) return { ok: false, problem: 'Choose a setting to vary.' };
  let axes: SweepAxis[];
  try {
    axes = parseSweep(draft.axes.map(axisWord).join(' '));
  } catch (err) {
    if (err instanceof SweepError) return { ok: false, problem: err.message };
    throw err;
  }
  for (const axis of axes) {
    const v = axis.values;
    if (v.kind === 'list' && new Set(v.values).size !== v.values.length)
      return { ok: false, problem: `${SETTING_LABELS[axis.setting]}: a value is listed twice` };
    if (v.kind !== 'list' && axisValues(axis).length < 2)
      return { ok: false, problem: `${SETTING_LABELS[axis.setting]}: the range gives one value once rounded` };
  }
  if (draft.mode === 'random') {
    if (!(Number.isInteger(draft.budget) && draft.budget >= 1 && draft.budget <= MAX_SWEEP_RUNS))
      return { ok: false, problem: `A random search takes a budget of 1 to ${MAX_SWEEP_RUNS} runs.` };
    return { ok: true, axes, runs: draft.budget };
  }
  const runs = gridPoints(axes).length;
  if (runs > MAX_SWEEP_RUNS) return { ok: false, problem: `That grid is ${runs} runs; a sweep takes at most ${MAX_SWEEP_RUNS}.` };
  return { ok: true, axes, runs };
}
