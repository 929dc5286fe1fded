/**
 * Every file core/data reads goes through here (Node only): core/files/safe-read.ts's checks (a
 * regular file, opened without blocking, of a size within the limit) with its refusals worded as
 * DataErrors naming the file.
 */
import { formatBytes, openRegularFile, readRegularFile, readRegularFileSync, refusalOf, regularFileSize } from '../files/safe-read';
import type { RegularFile, SafeReadFs } from '../files/safe-read';
import { DataError } from './errors';
import type { DataErrorCode } from './errors';

/**
 * The DataError for a file that was refused or could not be read. `name` starts the message; `what`
 * names the kind of file for the size limit ('a PNG image'); `code` replaces 'unreadable' where a
 * reader has its own (the library says 'damaged').
 */
export function fileError(err: unknown, name: string, what: string, code: DataErrorCode = 'unreadable'): DataError {
  if (err instanceof DataError) return err;
  const refusal = refusalOf(name, err);
  const path = refusal.path;
  const options = { cause: err };
  switch (refusal.reason) {
    case 'special':
      return new DataError(
        'not-a-file',
        name,
        `expected a regular file at ${path}, found ${refusal.why.replace(/^it is /, '')}; nothing was read from it`,
        options,
      );
    case 'too-large':
      return new DataError(
        'too-large',
        name,
        `expected ${what} of at most ${formatBytes(refusal.size!.limit)} (Fathom's limit), found ${formatBytes(refusal.size!.bytes)}`,
        options,
      );
    default:
      return new DataError(code, name, `expected a readable file at ${path}, found it cannot be read: ${refusal.why}`, options);
  }
}

/** The size of a regular file within `maxBytes`, for progress totals. */
export async function dataFileSize(path: string, name: string, maxBytes: number, what: string): Promise<number> {
  try {
    return await regularFileSize(path, maxBytes);
  } catch (err) {
    throw fileError(err, name, what);
  }
}

export async function openDataFile(path: string, name: string, maxBytes: number, what: string, fs?: SafeReadFs): Promise<RegularFile> {
  try {
    return await openRegularFile(path, maxBytes, fs);
  } catch (err) {
    throw fileError(err, name, what);
  }
}

export async function readDataFile(
  path: string,
  name: string,
  maxBytes: number,
  what: string,
  code: DataErrorCode = 'unreadable',
): Promise<Buffer> {
  try {
    return await readRegularFile(path, maxBytes);
  } catch (err) {
    throw fileError(err, name, what, code);
  }
}

export function readDataFileSync(path: string, name: string, maxBytes: number, what: string): Buffer {
  try {
    return readRegularFileSync(path, maxBytes);
  } catch (err) {
    throw fileError(err, name, what);
  }
}
