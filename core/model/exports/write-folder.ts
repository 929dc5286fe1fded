/**
 * Writes a set of files as one new folder (Node only): they are written into a hidden sibling
 * folder first and renamed into place at the end, so the folder appears whole or not at all. A
 * folder that already holds files is refused, never merged into or overwritten.
 */
import { chmod, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { ProjectFile } from './pytorch/project';
import { ExportError } from './pytorch/project';

export async function writeFolder(dir: string, files: readonly ProjectFile[]): Promise<void> {
  const target = resolve(dir);
  const existing = await readdir(target).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    if (err.code === 'ENOTDIR') throw new ExportError(`${dir} is a file, not a folder`);
    throw new ExportError(`${dir} cannot be read (${err.code ?? err.message})`);
  });
  if (existing && existing.length > 0)
    throw new ExportError(`${dir} already holds ${existing.length} file${existing.length === 1 ? '' : 's'}: choose a new or empty folder`);
  const partial = await mkdtemp(join(dirname(target), `.${basename(target)}.partial-`)).catch((err: NodeJS.ErrnoException) => {
    throw new ExportError(`cannot create a folder in ${dirname(target)} (${err.code ?? err.message})`);
  });
  try {
    for (const file of files) await writeFile(join(partial, file.name), file.content);
    // rename() replaces an empty folder of that name in one step on POSIX systems.
    await chmod(partial, 0o755); // mkdtemp makes it private; the project is an ordinary folder
    await rename(partial, target);
  } catch (err) {
    await rm(partial, { recursive: true, force: true });
    throw new ExportError(
      `could not write ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}; nothing was left there`,
    );
  }
}
