/**
 * The model file a launch names: `fathom model.fathom.json`, the OS opening a `*.fathom.json`
 * with Fathom, or a second launch whose command line the first instance receives. No Electron here.
 */
import { isAbsolute, resolve } from 'node:path';
import { MODEL_EXTENSION } from '../core/model/format';

/**
 * The last argument that names a model file, made absolute against the launch's working folder;
 * undefined when there is none. argv[0] is the executable; switches (`--no-sandbox`,
 * `--inspect=…`) and the app folder of a development launch (`electron .`) are not files to open.
 */
export function modelPathFromArgv(argv: readonly string[], cwd: string): string | undefined {
  const named = argv.slice(1).filter((arg) => !arg.startsWith('-') && arg.toLowerCase().endsWith(MODEL_EXTENSION));
  const last = named.at(-1);
  if (last === undefined) return undefined;
  return isAbsolute(last) ? last : resolve(cwd, last);
}
