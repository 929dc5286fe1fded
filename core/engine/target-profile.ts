/**
 * A small summary of a dataset's training targets, small enough to travel with the dataset list,
 * so the designer can say "this loss cannot use these targets" before Train is pressed, in the
 * same words the engine uses (lossTargetProblem) when it refuses the run.
 */
import type { FloatArray } from './activations';
import { lossTargetRule, TARGET_RULES, targetProblemMessage } from './losses';
import type { TargetRule, TargetWitness } from './losses';
import type { LossName } from './spec';

/** one-hot: class labels; binary: 0/1 flags; probabilities: rows in [0, 1] summing to 1; real: anything else. */
export type TargetShape = 'one-hot' | 'binary' | 'probabilities' | 'real';

export interface TargetProfile {
  shape: TargetShape;
  /** Targets per sample. */
  width: number;
  min: number;
  max: number;
  /** For each rule some loss needs, the first target that breaks it (absent when none does). */
  firsts: Partial<Record<TargetRule, TargetWitness>>;
}

const SUM_TOLERANCE = 1e-4;

function shapeOf(targets: FloatArray, width: number): TargetShape {
  let zeroOne = true;
  let unit = true;
  let oneHot = true;
  let sumsToOne = true;
  for (let row = 0; row < targets.length; row += width) {
    let sum = 0;
    let ones = 0;
    for (let i = row; i < row + width; i++) {
      const y = targets[i]!;
      if (y !== 0 && y !== 1) zeroOne = false;
      if (y < 0 || y > 1) unit = false;
      if (y === 1) ones++;
      sum += y;
    }
    if (ones !== 1) oneHot = false;
    if (Math.abs(sum - 1) > SUM_TOLERANCE) sumsToOne = false;
  }
  if (zeroOne && oneHot) return 'one-hot';
  if (zeroOne) return 'binary';
  return unit && sumsToOne ? 'probabilities' : 'real';
}

/** Profiles `targets`, rows of `width` values (the training split as the engine sees it). */
export function profileTargets(targets: FloatArray, width: number): TargetProfile {
  let min = Infinity;
  let max = -Infinity;
  for (const y of targets) {
    if (y < min) min = y;
    if (y > max) max = y;
  }
  const firsts: TargetProfile['firsts'] = {};
  for (const rule of Object.keys(TARGET_RULES) as TargetRule[]) {
    const bad = TARGET_RULES[rule];
    const index = targets.findIndex((y) => bad(y));
    if (index >= 0) firsts[rule] = { index, value: targets[index]! };
  }
  return { shape: shapeOf(targets, width), width, min: targets.length ? min : 0, max: targets.length ? max : 0, firsts };
}

/**
 * Why `loss` cannot train on targets with this profile, or null: lossTargetProblem's answer on
 * the same targets. With `trainLimit` only the first rows are trained on, so a target that
 * breaks the rule further in does not count.
 */
export function profileTargetProblem(loss: LossName, profile: TargetProfile, trainLimit?: number): string | null {
  const rule = lossTargetRule(loss);
  const witness = rule ? profile.firsts[rule] : undefined;
  if (!witness) return null;
  if (trainLimit !== undefined && witness.index >= trainLimit * profile.width) return null;
  return targetProblemMessage(loss, witness);
}

/** A short description for people: "one-hot class labels", "real values from −3 to 12.5". */
export function describeTargets(profile: TargetProfile): string {
  const range = `${round(profile.min)} to ${round(profile.max)}`;
  switch (profile.shape) {
    case 'one-hot':
      return 'one-hot class labels (a 1 for the right class, 0 elsewhere)';
    case 'binary':
      return 'yes/no flags (0 or 1)';
    case 'probabilities':
      return 'probabilities (each row sums to 1)';
    default:
      return `real values from ${range}`;
  }
}

const round = (x: number): string => String(Number(x.toPrecision(4))).replace('-', '−');
