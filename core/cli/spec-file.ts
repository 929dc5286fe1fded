/**
 * --spec FILE: the network from a JSON file instead of --layers/--activation. The file is a Fathom
 * model file (its `spec` is taken, its weights are not), an object with a `spec`, or the spec itself —
 * at least `layers`, with `inputShape` or `inputSize`; `loss` and `init` come from the file, else from
 * --loss/--init. Checked with the schema every request from the window is checked with
 * (core/lab/schemas.ts), then for shapes (specProblems); every refusal is one line naming the file.
 */
import { readFileSync, statSync } from 'node:fs';
import { networkSpecSchema } from '../lab/schemas';
import { MAX_MODEL_FILE_BYTES } from '../model/limits';
import { specProblems } from '../engine/validate';
import { LAYER_KINDS, type InitName, type LossName, type NetworkSpec } from '../engine/spec';
import { CliError } from './errors';

/** --loss and --init as given on the command line (undefined when not given) and their defaults. */
export interface SpecFileDefaults {
  loss: { given?: LossName; fallback: LossName };
  init: { given?: InitName; fallback: InitName };
}

const refuse = (path: string, why: string) => new CliError(`--spec ${path}: ${why}`);

function readJson(path: string): unknown {
  let text: string;
  try {
    const stats = statSync(path);
    if (!stats.isFile()) throw refuse(path, 'expected a JSON file, found a folder or a special file');
    if (stats.size > MAX_MODEL_FILE_BYTES) throw refuse(path, `the file is ${stats.size} bytes, more than any model file Fathom reads`);
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof CliError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw refuse(path, code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? (error as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw refuse(path, `is not JSON: ${(error as Error).message}`);
  }
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** "layers[1].units" from a zod issue path. */
const fieldName = (path: readonly PropertyKey[]): string =>
  path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`)).join('') || '(top level)';

/** The network spec in the file at `path`, or a CliError saying what is wrong with it. */
export function readSpecFile(path: string, defaults: SpecFileDefaults): NetworkSpec {
  const json = readJson(path);
  if (!isObject(json)) throw refuse(path, 'expected a JSON object (a model file, or a spec with "layers")');
  const raw = isObject(json['spec']) ? json['spec'] : json;
  if (!('layers' in raw)) throw refuse(path, 'expected "layers" (or a "spec" holding them), found none');
  const candidate: Record<string, unknown> = { ...raw };
  for (const key of ['loss', 'init'] as const) {
    const given = defaults[key].given;
    if (candidate[key] === undefined) candidate[key] = given ?? defaults[key].fallback;
    else if (given !== undefined && given !== candidate[key])
      throw refuse(path, `the file says "${key}": "${String(candidate[key])}" and the command line --${key} ${given}: give one`);
  }
  const shape = candidate['inputShape'];
  if (candidate['inputSize'] === undefined && isObject(shape)) {
    const { channels, height, width } = shape;
    if ([channels, height, width].every((n) => typeof n === 'number'))
      candidate['inputSize'] = (channels as number) * (height as number) * (width as number);
  }
  const parsed = networkSpecSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more)` : '';
    const message = issue.path.at(-1) === 'kind' ? `expected one of ${LAYER_KINDS.join(', ')}` : issue.message;
    throw refuse(path, `"${fieldName(issue.path)}": ${message}${more}`);
  }
  const spec = parsed.data as NetworkSpec;
  const problem = specProblems(spec)[0];
  if (problem) throw refuse(path, problem.message);
  return spec;
}
