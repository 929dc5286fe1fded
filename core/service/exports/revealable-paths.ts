/**
 * Which paths the window may ask main to show in the file manager (revealPath): only files the lab
 * wrote itself — what a save or export of this service returned, and the files of its runs folder —
 * never any string the page sends. A renderer taken over by a bad page could otherwise probe the disk
 * or have main open folders of its choosing. The check compares real paths (symbolic links resolved),
 * so `runs/../../etc` or a link out of the runs folder is refused.
 */
import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import type { SaveResult } from '../../lab/contract';
import { LabError } from '../errors';

/** Saves remembered at most (a long session's oldest are forgotten first). */
const MAX_REMEMBERED = 200;

export class RevealablePaths {
  private readonly saved = new Set<string>();

  /** @param roots folders whose files the lab wrote (its runs folder). */
  constructor(private readonly roots: () => string[]) {}

  /** Remembers the path of a save that happened; hands the result on unchanged. */
  async remember(result: Promise<SaveResult>): Promise<SaveResult> {
    const done = await result;
    if (done.saved) {
      this.saved.delete(resolve(done.path));
      this.saved.add(resolve(done.path));
      for (const old of [...this.saved].slice(0, -MAX_REMEMBERED)) this.saved.delete(old);
    }
    return done;
  }

  /** The path to reveal (absolute, real), or a LabError saying why it may not be. */
  async check(path: string): Promise<string> {
    if (!isAbsolute(path))
      throw new LabError('invalid', `Only a file the lab saved can be shown in its folder; "${path}" is not a full path.`);
    const asked = resolve(path);
    const real = await realpath(asked).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') throw new LabError('not-found', `${asked} is no longer there (moved or deleted since it was saved).`);
      throw new LabError('invalid', `${asked} cannot be shown: ${err.message}`);
    });
    if (this.saved.has(asked)) return real;
    for (const root of this.roots()) {
      const realRoot = await realpath(root).catch(() => null);
      if (realRoot === null) continue;
      const inside = relative(realRoot, real);
      if (inside !== '' && !inside.startsWith('..') && !isAbsolute(inside)) return real;
    }
    throw new LabError(
      'invalid',
      `Only a file the lab saved (an export, a model file, a run's files) can be shown in its folder; ${asked} is not one.`,
    );
  }
}
