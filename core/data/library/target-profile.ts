/**
 * A library dataset's target profile (core/engine/target-profile.ts), kept in its manifest so
 * listing the library reads no sample data. Computed at import from the very targets a run's
 * start is checked against (trainTargetsOf), so the designer's warning and the refusal agree.
 * Read back from disk it is untrusted: checked for shape and against the manifest it sits in.
 */
import { z } from 'zod';
import { profileTargets } from '../../engine/target-profile';
import type { TargetProfile } from '../../engine/target-profile';
import { TARGET_RULES } from '../../engine/losses';
import type { TargetRule } from '../../engine/losses';
import type { DatasetKind } from '../import/imported';

/** A training split's labels (classification) or targets (regression), raw as stored. */
export interface TrainRows {
  count: number;
  labels?: ArrayLike<number>;
  targets?: ArrayLike<number>;
}

/**
 * The training targets a run checks against its loss: a regression set's first `limit` target
 * rows, raw; for classes, the one-hot row of the first training sample, which holds every value
 * any row holds (0 and 1) at the place the engine would first meet it.
 */
export function trainTargetsOf(kind: DatasetKind, classCount: number, train: TrainRows, limit?: number): Float32Array {
  if (kind === 'classification') {
    const row = new Float32Array(classCount);
    if (train.count > 0) row[train.labels![0]!] = 1;
    return row;
  }
  const rows = Math.min(train.count, limit ?? train.count);
  return Float32Array.from({ length: rows * classCount }, (_, i) => train.targets![i]!);
}

export function profileOf(kind: DatasetKind, classCount: number, train: TrainRows): TargetProfile {
  return profileTargets(trainTargetsOf(kind, classCount, train), classCount);
}

const finite = z.number().finite();
const witness = z.object({ index: z.number().int().min(0), value: finite }).strict();
const rules = Object.keys(TARGET_RULES) as [TargetRule, ...TargetRule[]];
const profileSchema = z
  .object({
    shape: z.enum(['one-hot', 'binary', 'probabilities', 'real']),
    width: z.number().int().min(1),
    min: finite,
    max: finite,
    firsts: z.partialRecord(z.enum(rules), witness),
  })
  .strict();

/** What a stored profile must agree with: the manifest's kind, target count and training size. */
export interface ProfileContext {
  kind: DatasetKind;
  classes: readonly string[];
  sizes: { train: number };
}

/** A profile read from disk, checked; or why it cannot be used (a sentence naming the field). */
export function checkStoredProfile(raw: unknown, context: ProfileContext): { profile: TargetProfile } | { problem: string } {
  const parsed = profileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const at = issue.path.length > 0 ? ` at targets.${issue.path.join('.')}` : '';
    return { problem: `its target profile is malformed${at}: ${issue.message}` };
  }
  const profile = parsed.data as TargetProfile;
  const width = context.classes.length;
  if (profile.width !== width)
    return { problem: `its target profile has ${profile.width} targets per sample, but the dataset has ${width}` };
  if (profile.min > profile.max) return { problem: `its target profile's min ${profile.min} is above its max ${profile.max}` };
  if (context.kind === 'classification' && profile.shape !== 'one-hot')
    return { problem: `its target profile says '${profile.shape}', but class labels are one-hot` };
  const rows = context.kind === 'classification' ? 1 : context.sizes.train;
  for (const [rule, w] of Object.entries(profile.firsts) as [TargetRule, { index: number; value: number }][]) {
    if (w.index >= rows * width)
      return { problem: `its target profile points at target #${w.index}, past the ${rows * width} training targets` };
    if (!TARGET_RULES[rule](w.value)) return { problem: `its target profile's ${rule} example ${w.value} does not break that rule` };
  }
  return { profile };
}
