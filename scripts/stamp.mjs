/**
 * Up-to-date checks for generated files: a stamp next to the output records a SHA-256 over its
 * inputs (their paths and contents, plus anything else that shapes the output, such as compiler
 * flags). Contents rather than modification times, so a checkout, a copy or a clock skew neither
 * forces a rebuild nor hides one.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';

/** The SHA-256 (hex) of `extra` (strings) and of each file's path (relative to `root`) and bytes; a missing file counts as such. */
export function hashInputs(root, files, extra = []) {
  const hash = createHash('sha256');
  for (const text of extra) hash.update(`${text}\0`);
  for (const file of [...files].sort()) {
    hash.update(`${relative(root, file)}\0`);
    hash.update(existsSync(file) ? readFileSync(file) : '(missing)');
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** The stamp's JSON, or undefined when it is absent or unreadable (then the output is rebuilt). */
export function readStamp(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

export function writeStamp(path, stamp) {
  writeFileSync(path, `${JSON.stringify(stamp, null, 2)}\n`);
}
