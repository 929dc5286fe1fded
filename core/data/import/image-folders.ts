/**
 * Listing an image-folder import (Node only): the class folders of a source (or of its train/ and
 * test/ parts) and the PNG files in each. A link to a folder counts as that folder when it leads to
 * a folder inside the source (the import's notes say it was followed); a link leading elsewhere is
 * skipped, and the notes say that too. Nothing is left out in silence.
 */
import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, extname, join, sep } from 'node:path';
import { DataError } from '../errors';
import { unreadable } from './read';

/** Images in formats we do not decode: refused, since they were clearly meant as data. */
const OTHER_IMAGE_TYPES = new Set(['.jpg', '.jpeg', '.gif', '.bmp', '.webp', '.tif', '.tiff', '.svg']);
const MAX_CLASSES = 65_536;

export interface ClassFolder {
  name: string;
  /** Path relative to the source folder, for messages: 'cat/' or 'train/cat/'. */
  relative: string;
  files: string[];
}

export interface PartListing {
  classes: ClassFolder[];
  ignored: string[];
}

/** Where links may lead: the source folder, its real path resolved once. */
export interface SourceRoot {
  real: string;
  /** Class (or train/test) folders reached through a link inside the source, for the notes (a folder may be listed twice). */
  followed: Set<string>;
  /** Links to folders elsewhere, left out. */
  skipped: Set<string>;
}

export const byName = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });
const visible = (entry: Dirent) => !entry.name.startsWith('.');

async function entries(path: string, relative: string): Promise<Dirent[]> {
  try {
    return (await readdir(path, { withFileTypes: true })).filter(visible);
  } catch (err) {
    throw unreadable(relative || basename(path), path, err);
  }
}

/** Whether `path`, a link, leads to a folder, and if so whether that folder is inside the source. */
async function linkedFolder(path: string, source: SourceRoot): Promise<'inside' | 'outside' | 'not-a-folder'> {
  const target = await stat(path).catch(() => undefined);
  if (!target?.isDirectory()) return 'not-a-folder';
  const real = await realpath(path).catch(() => undefined);
  return real !== undefined && (real === source.real || real.startsWith(source.real + sep)) ? 'inside' : 'outside';
}

/** The sub-folders of `path` (links to folders inside the source included), in natural order. */
export async function subFolders(path: string, relative: string, source: SourceRoot): Promise<string[]> {
  const folders: string[] = [];
  for (const entry of await entries(path, relative)) {
    if (entry.isDirectory()) folders.push(entry.name);
    else if (entry.isSymbolicLink()) {
      const where = await linkedFolder(join(path, entry.name), source);
      if (where === 'inside') {
        folders.push(entry.name);
        source.followed.add(`${relative}${entry.name}/`);
      } else if (where === 'outside') source.skipped.add(`${relative}${entry.name}/`);
    }
  }
  return folders.sort(byName);
}

/** The class folders under `path` and the PNG files in each, checked for other image types. */
export async function listPart(path: string, prefix: string, source: SourceRoot): Promise<PartListing> {
  const classes: ClassFolder[] = [];
  const ignored: string[] = [];
  for (const name of await subFolders(path, prefix, source)) {
    const relative = `${prefix}${name}/`;
    const files: string[] = [];
    for (const entry of await entries(join(path, name), relative)) {
      const type = extname(entry.name).toLowerCase();
      // Anything named .png is read as one: a link counts as what it names, and a pipe, device or
      // folder under that name is refused by name when it is opened, never skipped in silence.
      if (type === '.png' && !entry.isDirectory()) files.push(entry.name);
      else if (OTHER_IMAGE_TYPES.has(type) && !entry.isDirectory()) {
        throw new DataError(
          'bad-image',
          `${relative}${entry.name}`,
          `expected PNG images, found a ${type} file (convert it to PNG, or move it out of the folder)`,
        );
      } else ignored.push(`${relative}${entry.name}`);
    }
    files.sort(byName);
    classes.push({ name, relative, files });
  }
  return { classes, ignored };
}

export function checkClasses(listing: PartListing, where: string): void {
  if (listing.classes.length === 0) {
    throw new DataError('unknown-format', where, 'expected one sub-folder per class holding PNG images, found no sub-folders');
  }
  const empty = listing.classes.find((c) => c.files.length === 0);
  if (empty) throw new DataError('empty-class', empty.relative, `expected PNG images in the folder of class '${empty.name}', found none`);
  if (listing.classes.length > MAX_CLASSES) {
    throw new DataError('bad-option', where, `expected at most ${MAX_CLASSES} class folders, found ${listing.classes.length}`);
  }
}

/** The real path of the source folder, where links may lead. */
export async function sourceRoot(root: string): Promise<SourceRoot> {
  try {
    return { real: await realpath(root), followed: new Set(), skipped: new Set() };
  } catch (err) {
    throw unreadable(basename(root), root, err);
  }
}
