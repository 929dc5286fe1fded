/**
 * Imports a folder of images: one sub-folder per class holding PNG files (decoded with pngjs),
 * turned grey, all of one size or resized to a given size. A folder holding exactly `train`
 * and `test` sub-folders, each laid out that way, brings its own test split (image-folders.ts
 * lists them, links included). Each image's size is read from its PNG header and checked against
 * the limits before it is decoded.
 */
import { createHash } from 'node:crypto';
import { basename, join } from 'node:path';
import { PNG } from 'pngjs';
import { escapeForMessage } from '../../files/quote';
import { DataError } from '../errors';
import { readDataFile } from '../files';
import { DatasetBudget, limitsWith } from '../limits';
import type { DataLimits } from '../limits';
import { checkClasses, listPart, sourceRoot, subFolders } from './image-folders';
import type { PartListing } from './image-folders';
import type { ImportedData, RawPart } from './imported';
import { rgbaToGrey, resizeGrey } from './pixels';
import { interlacedDataProblem, readPngHeader } from './png';
import { Progress, combinedSha256 } from './read';
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

/** What reading one import's images shares. */
interface Reading {
  root: string;
  rootName: string;
  /** Images in the whole import. */
  total: number;
  decoder: Decoder;
  budget: DatasetBudget;
  limits: DataLimits;
  tick: () => void;
  signal: AbortSignal | undefined;
}

/**
 * Reads one image file and checks its PNG header against the limits before decoding it: its
 * pixels, the pixels decoded so far, and (for the first image, whose size every other takes) the
 * values the whole dataset will hold.
 */
async function readImage(path: string, relative: string, reading: Reading): Promise<{ content: Buffer; grey: Uint8Array }> {
  const { limits, budget, decoder } = reading;
  const content = await readDataFile(path, relative, limits.imageFileBytes, 'a PNG image');
  const header = readPngHeader(content);
  if (typeof header === 'string') throw new DataError('bad-image', relative, `expected a PNG image, found it does not decode: ${header}`);
  budget.decode(relative, header.width * header.height);
  if (decoder.size === undefined) budget.add(reading.rootName, reading.total, header.width * header.height);
  const problem = header.interlaced ? interlacedDataProblem(content, header) : undefined;
  if (problem) throw new DataError('bad-image', relative, `expected a PNG image, found it does not decode: ${problem}`);
  return { content, grey: decode(content, relative, decoder) };
}

async function readPart(
  listing: PartListing,
  classIndex: Map<string, number>,
  reading: Reading,
): Promise<{ images: Uint8Array[]; labels: number[]; files: SourceFile[] }> {
  const images: Uint8Array[] = [];
  const labels: number[] = [];
  const files: SourceFile[] = [];
  for (const folder of listing.classes) {
    const hashes: { name: string; sha256: string }[] = [];
    let bytes = 0;
    for (const file of folder.files) {
      reading.signal?.throwIfAborted();
      const relative = `${folder.relative}${file}`;
      const { content, grey } = await readImage(join(reading.root, relative), relative, reading);
      hashes.push({ name: file, sha256: createHash('sha256').update(content).digest('hex') });
      bytes += content.length;
      images.push(grey);
      labels.push(classIndex.get(folder.name)!);
      reading.tick();
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

/** The first five of some names, for a note; control characters escaped (names come from the disk). */
function listed(names: string[]): string {
  return escapeForMessage(`${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''}`);
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
  const links = await sourceRoot(root);
  const top = await subFolders(root, '', links);
  const split =
    top.length === 2 &&
    top
      .map((n) => n.toLowerCase())
      .sort()
      .join() === 'test,train';
  const trainDir = split ? top.find((n) => n.toLowerCase() === 'train')! : undefined;
  const testDir = split ? top.find((n) => n.toLowerCase() === 'test')! : undefined;

  const train = await listPart(split ? join(root, trainDir!) : root, split ? `${trainDir}/` : '', links);
  checkClasses(train, split ? `${rootName}/${trainDir}` : rootName);
  if (train.classes.length < 2) {
    throw new DataError('empty-class', rootName, `expected at least 2 class folders, found 1 ('${train.classes[0]!.name}')`);
  }
  const classes = train.classes.map((c) => c.name);
  const classIndex = new Map(classes.map((name, i) => [name, i]));
  let test: PartListing | undefined;
  if (split) {
    test = await listPart(join(root, testDir!), `${testDir}/`, links);
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
  const decoder: Decoder = {
    size: source.size,
    sizeFrom: source.size ? 'the size chosen' : undefined,
    resize: source.size !== undefined,
    resized: 0,
    transparent: 0,
  };
  const limits = limitsWith(options.limits);
  const reading: Reading = {
    root,
    rootName,
    total,
    decoder,
    budget: new DatasetBudget(limits),
    limits,
    tick: () => progress.set(++done / total),
    signal: options.signal,
  };
  if (source.size) reading.budget.add(rootName, total, source.size.width * source.size.height);
  const trainRead = await readPart(train, classIndex, reading);
  const testRead = test ? await readPart(test, classIndex, reading) : undefined;

  const { width, height } = decoder.size!;
  const notes = [`${classes.length} classes from the sub-folder names; images turned grey.`];
  if (decoder.resized > 0) notes.push(`Resized ${decoder.resized} of ${total} images to ${width}×${height} pixels (area averaging).`);
  if (decoder.transparent > 0) notes.push(`${decoder.transparent} images have transparent pixels; transparency was ignored.`);
  const ignored = [...train.ignored, ...(test?.ignored ?? [])];
  if (ignored.length > 0) notes.push(`Ignored ${ignored.length} entries that are not PNG files: ${listed(ignored)}.`);
  if (links.followed.size > 0)
    notes.push(`Followed ${links.followed.size} links to folders inside the source folder: ${listed([...links.followed])}.`);
  if (links.skipped.size > 0)
    notes.push(
      `Skipped ${links.skipped.size} links to folders outside the source folder (copy them in to import them): ${listed([...links.skipped])}.`,
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
