/**
 * The library's own files (Node only): reading a stored manifest as every file is read (a regular
 * file of sane size), and the errors of a library that cannot be found in or written to.
 */
import { join } from 'node:path';
import { refusalOf } from '../../files/safe-read';
import { DataError } from '../errors';
import { readDataFile } from '../files';
import { DATA_LIMITS } from '../limits';
import { MANIFEST, parseManifest } from './manifest';
import type { DatasetManifest } from './manifest';

export function notFound(id: string): DataError {
  return new DataError('not-found', undefined, `expected a dataset with the id '${id}' in the library, found none`);
}

/** Why the library could not be written, from the errno code. */
function whyUnwritable(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC') return 'the disk is full (ENOSPC)';
  if (code === 'EDQUOT') return 'the disk quota is used up (EDQUOT)';
  if (code === 'EROFS') return 'the disk is read-only (EROFS)';
  if (code === 'EACCES' || code === 'EPERM') return `permission denied (${code})`;
  return (err as Error).message;
}

/**
 * A write that failed as a DataError 'unwritable' saying why and what was kept; DataErrors and
 * cancellations pass through.
 */
export function unwritable(err: unknown, root: string, kept: string): unknown {
  if (err instanceof DataError || (err as Error).name === 'AbortError') return err;
  return new DataError(
    'unwritable',
    undefined,
    `expected to write to the dataset library in ${root}, found ${whyUnwritable(err)}; ${kept}`,
    {
      cause: err,
    },
  );
}

/**
 * The manifest of a stored dataset folder, read as core/data/files.ts reads every file; 'not-found'
 * when the folder has none, 'damaged' when it is no regular file of sane size or no valid manifest.
 */
export async function readStoredManifest(
  folder: string,
  where: string,
  onBadProfile?: (problem: string) => void,
): Promise<DatasetManifest> {
  let bytes: Buffer;
  try {
    bytes = await readDataFile(join(folder, MANIFEST), MANIFEST, DATA_LIMITS.manifestBytes, `a ${MANIFEST}`, 'damaged');
  } catch (err) {
    if (refusalOf(MANIFEST, (err as Error).cause ?? err).reason === 'missing') throw notFound(where);
    const detail = (err as DataError).message.slice(`${MANIFEST}: `.length);
    throw new DataError('damaged', where, detail, { cause: err });
  }
  return parseManifest(bytes.toString('utf8'), where, onBadProfile);
}
