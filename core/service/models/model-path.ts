/** Whether a path the app itself names (never the page) can be a model file to open. */
import { stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { MODEL_EXTENSION } from '../../model/format';
import { fileProblem } from '../file-problem';

/** Why `path` cannot be a model file to open, or undefined when it may be one (loadModelFile checks the content). */
export async function modelPathProblem(path: string): Promise<string | undefined> {
  if (!isAbsolute(path)) return 'expected an absolute path to a model file';
  if (!path.toLowerCase().endsWith(MODEL_EXTENSION)) return `expected a Fathom model file (*${MODEL_EXTENSION})`;
  try {
    // Not a FIFO, device or folder: reading one would hang or fail in confusing ways.
    if (!(await stat(path)).isFile()) return 'expected a file, found a folder or a special file';
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'there is no such file' : `cannot read it: ${fileProblem(err)}`;
  }
  return undefined;
}
