/** Validates `ScalingParams` read back from JSON (a saved model, an IPC payload) before use. */
import { z } from 'zod';
import { DataError } from './errors';
import { SCALING_PERS } from './scaling';
import type { ScalingParams } from './scaling';

const finite = z.array(z.number().refine(Number.isFinite, 'must be finite')).min(1);
const per = z.enum(SCALING_PERS);

/** Statistics arrays must have one value when global, and matching lengths when per feature. */
function consistentLengths(a: number[], b: number[], perValue: 'global' | 'feature'): boolean {
  return a.length === b.length && (perValue === 'feature' || a.length === 1);
}

export const scalingParamsSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  z.object({ kind: z.literal('unit-norm') }),
  z
    .object({ kind: z.literal(['min-max', 'min-max-symmetric']), per, min: finite, max: finite })
    .refine((p) => consistentLengths(p.min, p.max, p.per), 'min and max need one value when global, equal lengths per feature'),
  z
    .object({ kind: z.literal('z-score'), per, mean: finite, std: finite.refine((s) => s.every((v) => v >= 0), 'std must be ≥ 0') })
    .refine((p) => consistentLengths(p.mean, p.std, p.per), 'mean and std need one value when global, equal lengths per feature'),
]) satisfies z.ZodType<ScalingParams>;

/** Parses untrusted JSON into `ScalingParams`, or throws a 'bad-shape' DataError saying what is wrong. */
export function parseScalingParams(json: unknown): ScalingParams {
  const result = scalingParamsSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0]!; // a failed parse has at least one issue
    const where = issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    throw new DataError('bad-shape', undefined, `expected valid scaling parameters, found a problem${where}: ${issue.message}`);
  }
  return result.data;
}
