/**
 * --out and --onnx are checked before anything is loaded or trained, so a long run is not lost to
 * a typo in a folder name: first the name as typed (a usage error, exit 2), then the folder on
 * disk (exit 1). The files themselves are written atomically at the end (model/model-files.ts).
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { basename, dirname, resolve, sep } from 'node:path';
import { CliError } from './args';

/** Most file systems' limit on one name, in bytes. */
const NAME_MAX = 255;
/** What writeFileAtomic adds to a name for its temporary file (`.NAME.PID.HEX12.tmp`). */
const TEMP_EXTRA = '.'.length + '.4194304.'.length + 12 + '.tmp'.length;

/** The name as typed: one that can name a file at all. Throws CliError (exit 2). */
export function checkOutputName(flag: string, path: string): void {
  if (path.trim() === '') throw new CliError(`${flag}: expected a file name, got an empty one`);
  if (path.includes('\0')) throw new CliError(`${flag}: a file name cannot contain a NUL character`);
  if (path.endsWith('/') || path.endsWith(sep)) throw new CliError(`${flag} ${path}: names a folder; give a file name`);
  const name = basename(path);
  if (name === '.' || name === '..') throw new CliError(`${flag} ${path}: names a folder; give a file name`);
  if (Buffer.byteLength(name) + TEMP_EXTRA > NAME_MAX)
    throw new CliError(`${flag}: the file name is too long (at most ${NAME_MAX - TEMP_EXTRA} bytes here)`);
}

const reason = (error: unknown): string => (error as NodeJS.ErrnoException).code ?? (error as Error).message;

/** The folder exists and can be written in, and the path is not a folder or a special file. Throws Error (exit 1). */
export async function checkOutputPlace(flag: string, path: string): Promise<void> {
  const folder = dirname(resolve(path));
  let info;
  try {
    info = await stat(folder);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`${flag} ${path}: the folder ${folder} does not exist`, { cause: error });
    if (code === 'ENOTDIR') throw new Error(`${flag} ${path}: ${folder} is not a folder`, { cause: error });
    throw new Error(`${flag} ${path}: cannot look at the folder ${folder} (${reason(error)})`, { cause: error });
  }
  if (!info.isDirectory()) throw new Error(`${flag} ${path}: ${folder} is not a folder`);
  try {
    await access(folder, constants.W_OK);
  } catch (error) {
    throw new Error(`${flag} ${path}: cannot write in the folder ${folder} (${reason(error)})`, { cause: error });
  }
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isDirectory()) throw new Error(`${flag} ${path}: is a folder; give a file name`);
  if (existing && !existing.isFile()) throw new Error(`${flag} ${path}: is not a regular file`);
}
