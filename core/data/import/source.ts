/**
 * What can be imported, how a bare path is recognised, and the one entry point that reads any
 * of them: `importData(source)` → checked, unscaled `ImportedData`, or a DataError saying which
 * file, row, byte or image is wrong. Nothing is written anywhere.
 */
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { kindOf } from '../../files/safe-read';
import { DataError } from '../errors';
import { importCsv } from './csv';
import type { CsvOptions, CsvSource } from './csv';
import { importIdx } from './idx';
import type { IdxSource } from './idx';
import { importImageFolder } from './images';
import type { ImageFolderSource, ImageSize } from './images';
import type { ImportedData } from './imported';
import { whyUnreadable } from './read';
import type { ReadOptions } from './read';

/** Any path, its format recognised by `detectSource`; the hints apply to the format found. */
export interface PathSource extends CsvOptions {
  format: 'auto';
  path: string;
  /** For image folders: resize every image to this size. */
  size?: ImageSize;
  /** For IDX files: class names, index = label. */
  classes?: string[];
}

export type ImportSource = IdxSource | CsvSource | ImageFolderSource | PathSource;

const IDX_IMAGES = /^(.*?)[-._]?images[-.]idx3[-.]ubyte(\.gz)?$/i;
const IDX_LABELS = /^(.*?)[-._]?labels[-.]idx1[-.]ubyte(\.gz)?$/i;
const CSV = /\.(csv|tsv|txt)(\.gz)?$/i;
const TRAIN = /(^|[-._])train$/i;
const TEST = /(^|[-._])(test|t10k)$/i;

const EXPECTED = 'expected IDX image and label files (raw or .gz), a .csv file, or a folder with one sub-folder of PNG images per class';

function unknownFormat(name: string, found: string): DataError {
  return new DataError('unknown-format', name, `${EXPECTED}, found ${found}`);
}

interface IdxPair {
  images: string;
  labels: string;
}

/** Pairs images and labels files by their common prefix ('train', 't10k', 'emnist-digits-test'…). */
function idxPairs(folder: string, names: string[]): Map<string, IdxPair> {
  const images = new Map<string, string>();
  const labels = new Map<string, string>();
  for (const name of names) {
    const i = IDX_IMAGES.exec(name);
    if (i) images.set(i[1]!.toLowerCase(), join(folder, name));
    const l = IDX_LABELS.exec(name);
    if (l) labels.set(l[1]!.toLowerCase(), join(folder, name));
  }
  const pairs = new Map<string, IdxPair>();
  for (const [prefix, path] of images) {
    const label = labels.get(prefix);
    if (label === undefined)
      throw new DataError(
        'count-mismatch',
        basename(path),
        `expected a labels file beside this images file (${prefix ? `${prefix}-` : ''}labels-idx1-ubyte), found none`,
      );
    pairs.set(prefix, { images: path, labels: label });
  }
  for (const [prefix, path] of labels) {
    if (!images.has(prefix))
      throw new DataError(
        'count-mismatch',
        basename(path),
        `expected an images file beside this labels file (${prefix ? `${prefix}-` : ''}images-idx3-ubyte), found none`,
      );
  }
  return pairs;
}

function idxSource(folder: string, pairs: Map<string, IdxPair>, hints: PathSource): IdxSource {
  const entries = [...pairs.entries()];
  const classes = hints.classes ? { classes: hints.classes } : {};
  const [only] = entries;
  if (only && entries.length === 1) return { format: 'idx', trainImages: only[1].images, trainLabels: only[1].labels, ...classes };
  const train = entries.filter(([p]) => TRAIN.test(p));
  const test = entries.filter(([p]) => TEST.test(p));
  const [trainPair] = train;
  const [testPair] = test;
  if (!trainPair || !testPair || entries.length !== 2 || train.length !== 1 || test.length !== 1) {
    throw new DataError(
      'unknown-format',
      basename(folder),
      `expected one pair of IDX files, or a train pair and a test pair, found ${entries.length} pairs (${entries.map(([p]) => p || '(no prefix)').join(', ')})`,
    );
  }
  return {
    format: 'idx',
    trainImages: trainPair[1].images,
    trainLabels: trainPair[1].labels,
    testImages: testPair[1].images,
    testLabels: testPair[1].labels,
    ...classes,
  };
}

function csvSource(file: string, hints: PathSource, testFile?: string): CsvSource {
  const { format: _format, path: _path, size: _size, classes: _classes, ...csv } = hints;
  return { format: 'csv', file, ...(testFile ? { testFile } : {}), ...csv };
}

async function list(folder: string): Promise<Dirent[]> {
  try {
    return (await readdir(folder, { withFileTypes: true })).filter((e) => !e.name.startsWith('.'));
  } catch (err) {
    throw new DataError(
      'unreadable',
      basename(folder),
      `expected a readable folder at ${folder}, found it cannot be read: ${whyUnreadable(err)}`,
    );
  }
}

/** Recognises what a path holds, from names alone (the importers check the contents). */
export async function detectSource(hints: PathSource): Promise<Exclude<ImportSource, PathSource>> {
  const path = hints.path;
  const name = basename(path);
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    throw new DataError('unreadable', name, `expected a file or folder at ${path}, found it cannot be read: ${whyUnreadable(err)}`);
  }
  if (info.isFile()) {
    if (CSV.test(name)) return csvSource(path, hints);
    if (IDX_IMAGES.test(name) || IDX_LABELS.test(name)) {
      const folder = dirname(path);
      const files = (await list(folder)).filter((e) => e.isFile() || e.isSymbolicLink()).map((e) => e.name);
      return idxSource(folder, idxPairs(folder, files), hints);
    }
    throw unknownFormat(name, `a file of another kind`);
  }
  if (!info.isDirectory())
    throw new DataError('not-a-file', name, `expected a file or folder at ${path}, found ${kindOf(info)}; nothing was read from it`);

  const entries = await list(path);
  // A link counts as what it names: the importers open it as every file is opened, and say if it is no file.
  const files = entries.filter((e) => e.isFile() || e.isSymbolicLink()).map((e) => e.name);
  const pairs = idxPairs(path, files);
  if (pairs.size > 0) return idxSource(path, pairs, hints);
  const csvs = files.filter((f) => CSV.test(f));
  if (csvs.length === 1) return csvSource(join(path, csvs[0]!), hints);
  if (csvs.length === 2) {
    const train = csvs.find((f) => TRAIN.test(f.replace(CSV, '')));
    const test = csvs.find((f) => TEST.test(f.replace(CSV, '')));
    if (train && test) return csvSource(join(path, train), hints, join(path, test));
  }
  if (csvs.length > 1)
    throw new DataError(
      'unknown-format',
      name,
      `expected one .csv file, or a train and a test file, found ${csvs.length}: ${csvs.join(', ')}`,
    );
  if (entries.some((e) => e.isDirectory())) return { format: 'image-folder', folder: path, ...(hints.size ? { size: hints.size } : {}) };
  throw unknownFormat(
    name,
    files.length === 0 ? 'an empty folder' : `a folder of other files (${files.slice(0, 5).join(', ')}${files.length > 5 ? ', …' : ''})`,
  );
}

/** Reads and checks any source; all or nothing. */
export async function importData(source: ImportSource, options: ReadOptions = {}): Promise<ImportedData> {
  const concrete = source.format === 'auto' ? await detectSource(source) : source;
  switch (concrete.format) {
    case 'idx':
      return importIdx(concrete, options);
    case 'csv':
      return importCsv(concrete, options);
    case 'image-folder':
      return importImageFolder(concrete, options);
  }
}
