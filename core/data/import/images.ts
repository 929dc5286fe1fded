/**
 * Imports a folder of images: one sub-folder per class holding PNG files (decoded with pngjs),
 * turned grey, all of one size or resized to a given size. A folder holding exactly `train`
 * and `test` sub-folders, each laid out that way, brings its own test split.
 */
import { createHash } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { PNG } from 'pngjs';
import { DataError } from '../errors';
import type { ImportedData, RawPart } from './imported';
import { rgbaToGrey, resizeGrey } from './pixels';
import { Progress, combinedSha256, unreadable } from './read';
import type { ReadOptions, SourceFile } from './read';

export interface ImageSize {
  width: number;
  height: number;
}

export interface ImageFolderSource {
  format: 'image-folder';
  folder: string;
  /** Resize every image that differs to this size; without it, all images must share one size. */
  size?: ImageSize;
}

/** Images in formats we do not decode: refused, since they were clearly meant as data. */
const OTHER_IMAGE_TYPES = new Set(['.jpg', '.jpeg', '.gif', '.bmp', '.webp', '.tif', '.tiff', '.svg']);
const MAX_CLASSES = 65_536;

interface ClassFolder {
  name: string;
  /** Path relative to the source folder, for messages: 'cat/' or 'train/cat/'. */
  relative: string;
  files: string[];
}

interface PartListing {
  classes: ClassFolder[];
  ignored: string[];
}

const byName = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });
const visible = (entry: Dirent) => !entry.name.startsWith('.');

async function entries(path: string, relative: string): Promise<Dirent[]> {
  try {
    return (await readdir(path, { withFileTypes: true })).filter(visible);
  } catch (err) {
    throw unreadable(relative || basename(path), path, err);
  }
}

/** The class folders under `path` and the PNG files in each, checked for other image types. */
async function listPart(path: string, prefix: string): Promise<PartListing> {
  const classes: ClassFolder[] = [];
  const ignored: string[] = [];
  const folders = (await entries(path, prefix))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort(byName);
  for (const name of folders) {
    const relative = `${prefix}${name}/`;
    const files: string[] = [];
    for (const entry of await entries(join(path, name), relative)) {
      const type = extname(entry.name).toLowerCase();
      // A symbolic link counts as the file it names; reading it says so if it names nothing.
      const file = entry.isFile() || entry.isSymbolicLink();
      if (file && type === '.png') files.push(entry.name);
      else if (file && OTHER_IMAGE_TYPES.has(type)) {
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

function checkClasses(listing: PartListing, where: string): void {
  if (listing.classes.length === 0) {
    throw new DataError('unknown-format', where, 'expected one sub-folder per class holding PNG images, found no sub-folders');
  }
  const empty = listing.classes.find((c) => c.files.length === 0);
  if (empty) throw new DataError('empty-class', empty.relative, `expected PNG images in the folder of class '${empty.name}', found none`);
  if (listing.classes.length > MAX_CLASSES) {
    throw new DataError('bad-option', where, `expected at most ${MAX_CLASSES} class folders, found ${listing.classes.length}`);
  }
}

interface Decoder {
  size: ImageSize | undefined;
  /** Image the size was taken from, for messages. */
  sizeFrom: string | undefined;
  resize: boolean;
  resized: number;
  transparent: number;
}

/** Reads, decodes and greys one PNG, resizing or refusing it when its size differs. */
function decode(bytes: Buffer, relative: string, decoder: Decoder): Uint8Array {
  let png;
  try {
    png = PNG.sync.read(bytes);
  } catch (err) {
    throw new DataError('bad-image', relative, `expected a PNG image, found it does not decode: ${(err as Error).message}`);
  }
  const { grey, transparent } = rgbaToGrey(new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.length));
  if (transparent) decoder.transparent++;
  if (decoder.size === undefined) {
    decoder.size = { width: png.width, height: png.height };
    decoder.sizeFrom = relative;
  }
  const { width, height } = decoder.size;
  if (png.width === width && png.height === height) return grey;
  if (!decoder.resize) {
    throw new DataError(
      'bad-dimensions',
      relative,
      `expected ${width}×${height} pixels like ${decoder.sizeFrom}, found ${png.width}×${png.height} (choose a size to resize every image to it)`,
    );
  }
  decoder.resized++;
  return resizeGrey(grey, png.width, png.height, width, height);
}

async function readPart(
  root: string,
  listing: PartListing,
  classIndex: Map<string, number>,
  decoder: Decoder,
  tick: () => void,
  signal: AbortSignal | undefined,
): Promise<{ images: Uint8Array[]; labels: number[]; files: SourceFile[] }> {
  const images: Uint8Array[] = [];
  const labels: number[] = [];
  const files: SourceFile[] = [];
  for (const folder of listing.classes) {
    const hashes: { name: string; sha256: string }[] = [];
    let bytes = 0;
    for (const file of folder.files) {
      signal?.throwIfAborted();
      const relative = `${folder.relative}${file}`;
      const path = join(root, relative);
      let content: Buffer;
      try {
        content = await readFile(path);
      } catch (err) {
        throw unreadable(relative, path, err);
      }
      hashes.push({ name: file, sha256: createHash('sha256').update(content).digest('hex') });
      bytes += content.length;
      images.push(decode(content, relative, decoder));
      labels.push(classIndex.get(folder.name)!);
      tick();
    }
    files.push({ name: folder.relative, sha256: combinedSha256(hashes), bytes });
  }
  return { images, labels, files };
}

function toPart(images: Uint8Array[], labels: number[], width: number): RawPart {
  const inputs = new Uint8Array(images.length * width);
  images.forEach((image, i) => inputs.set(image, i * width));
  return { count: images.length, inputs, labels: Int32Array.from(labels) };
}

function checkSize(size: ImageSize | undefined, folder: string): void {
  if (size === undefined) return;
  const ok = (n: number) => Number.isInteger(n) && n >= 1 && n <= 4096;
  if (!ok(size.width) || !ok(size.height)) {
    throw new DataError('bad-option', folder, `expected a size of 1 to 4096 pixels each way, found ${size.width}×${size.height}`);
  }
}

export async function importImageFolder(source: ImageFolderSource, options: ReadOptions = {}): Promise<ImportedData> {
  const root = source.folder;
  const rootName = basename(root);
  checkSize(source.size, rootName);
  const top = (await entries(root, '')).filter((e) => e.isDirectory()).map((e) => e.name);
  const split =
    top.length === 2 &&
    top
      .map((n) => n.toLowerCase())
      .sort()
      .join() === 'test,train';
  const trainDir = split ? top.find((n) => n.toLowerCase() === 'train')! : undefined;
  const testDir = split ? top.find((n) => n.toLowerCase() === 'test')! : undefined;

  const train = await listPart(split ? join(root, trainDir!) : root, split ? `${trainDir}/` : '');
  checkClasses(train, split ? `${rootName}/${trainDir}` : rootName);
  if (train.classes.length < 2) {
    throw new DataError('empty-class', rootName, `expected at least 2 class folders, found 1 ('${train.classes[0].name}')`);
  }
  const classes = train.classes.map((c) => c.name);
  const classIndex = new Map(classes.map((name, i) => [name, i]));
  let test: PartListing | undefined;
  if (split) {
    test = await listPart(join(root, testDir!), `${testDir}/`);
    checkClasses(test, `${rootName}/${testDir}`);
    const unknown = test.classes.find((c) => !classIndex.has(c.name));
    if (unknown)
      throw new DataError(
        'empty-class',
        unknown.relative,
        `expected the classes of ${trainDir}/ (${classes.join(', ')}), found class '${unknown.name}' with no training images`,
      );
  }

  const total = [train, ...(test ? [test] : [])].reduce((n, p) => n + p.classes.reduce((m, c) => m + c.files.length, 0), 0);
  const progress = new Progress(options.onProgress);
  let done = 0;
  const tick = () => progress.set(++done / total);
  const decoder: Decoder = {
    size: source.size,
    sizeFrom: source.size ? 'the size chosen' : undefined,
    resize: source.size !== undefined,
    resized: 0,
    transparent: 0,
  };
  const trainRead = await readPart(root, train, classIndex, decoder, tick, options.signal);
  const testRead = test ? await readPart(root, test, classIndex, decoder, tick, options.signal) : undefined;

  const { width, height } = decoder.size!;
  const notes = [`${classes.length} classes from the sub-folder names; images turned grey.`];
  if (decoder.resized > 0) notes.push(`Resized ${decoder.resized} of ${total} images to ${width}×${height} pixels (area averaging).`);
  if (decoder.transparent > 0) notes.push(`${decoder.transparent} images have transparent pixels; transparency was ignored.`);
  const ignored = [...train.ignored, ...(test?.ignored ?? [])];
  if (ignored.length > 0)
    notes.push(
      `Ignored ${ignored.length} entries that are not PNG files: ${ignored.slice(0, 5).join(', ')}${ignored.length > 5 ? ', …' : ''}.`,
    );
  if (testRead) notes.push(`The test split is the folder ${testDir}/ (${testRead.images.length.toLocaleString('en')} images).`);

  const part = (read: { images: Uint8Array[]; labels: number[] }) => toPart(read.images, read.labels, width * height);
  return {
    format: 'image-folder',
    kind: 'classification',
    inputShape: [height, width],
    classes,
    parts: testRead ? { train: part(trainRead), test: part(testRead) } : { train: part(trainRead) },
    files: [...trainRead.files, ...(testRead?.files ?? [])],
    notes,
  };
}
