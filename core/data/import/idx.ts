/**
 * Imports an image-classification set stored as IDX pairs (MNIST, Fashion-MNIST, KMNIST,
 * EMNIST…), raw or gzipped, read as streams: each header is checked against the limits before its
 * data is allocated, and a gzipped file is inflated no further than its header declares. Parsing
 * and checks are core/data/idx.ts's.
 */
import { basename } from 'node:path';
import { DataError } from '../errors';
import { IdxCollector, pairImagesLabels, parseIdxImages, parseIdxLabels } from '../idx';
import type { IdxHeader, IdxImageSet } from '../idx';
import { DatasetBudget, limitsWith } from '../limits';
import type { DataLimits } from '../limits';
import type { ImportedData, RawPart } from './imported';
import { knownIdxSet } from './known-sets';
import { ByteCounter, Progress, fileSize, streamFile } from './read';
import type { ReadOptions, SourceFile } from './read';

export interface IdxSource {
  format: 'idx';
  trainImages: string;
  trainLabels: string;
  /** The test pair, when the set ships one (it then fixes the test split). */
  testImages?: string;
  testLabels?: string;
  /** Class names, index = label; default '0', '1', … up to the largest label found. */
  classes?: string[];
}

/** Largest number of classes a label byte can name. */
const MAX_CLASSES = 256;

/**
 * Streams one IDX file into an IdxCollector: the header is checked (limits, `onHeader`) before its
 * data is allocated, and a stream bringing more than it declares stops at the first byte too many.
 */
async function readIdxStream(
  path: string,
  what: string,
  read: PairReader,
  onHeader: (header: IdxHeader) => void,
): Promise<{ bytes: Uint8Array; file: SourceFile }> {
  const name = basename(path);
  const { limits, counter, signal } = read;
  const raw = await fileSize(path, name, limits.idxFileBytes, 'an IDX file');
  let collector: IdxCollector | undefined;
  const file = await streamFile(
    path,
    name,
    async (source, { gzipped }) => {
      // The size on disk is the stream's size unless the file is gzipped.
      collector = new IdxCollector(name, what, limits, onHeader, gzipped ? undefined : raw);
      for await (const chunk of source) collector.push(chunk);
    },
    (n) => counter.add(n),
    signal,
    // The collector stops a gzipped file at what its header declares, always below this bound.
    { maxBytes: limits.idxFileBytes, what: 'an IDX file' },
  );
  return { bytes: collector?.bytes() ?? new Uint8Array(0), file };
}

interface PairReader {
  limits: DataLimits;
  budget: DatasetBudget;
  counter: ByteCounter;
  signal: AbortSignal | undefined;
}

async function readPair(
  imagesPath: string,
  labelsPath: string,
  classCount: number | undefined,
  read: PairReader,
): Promise<{ set: IdxImageSet; files: SourceFile[] }> {
  const imagesName = basename(imagesPath);
  const labelsName = basename(labelsPath);
  const images = await readIdxStream(
    imagesPath,
    'pixel data',
    read,
    ({ dims, dataBytes }) => read.budget.add(imagesName, dims[0]!, dataBytes / dims[0]!), // a parsed header has at least one dimension
  );
  const parsed = parseIdxImages(images.bytes, imagesName, read.limits);
  // Labels are one byte per image: a labels file declaring another count is refused before it is read.
  const labels = await readIdxStream(labelsPath, 'label data', read, ({ dims }) => {
    if (dims.length === 1 && dims[0] !== parsed.count)
      throw new DataError(
        'count-mismatch',
        labelsName,
        `expected ${parsed.count} labels to match the images in ${imagesName}, found ${dims[0]}`,
      );
  });
  const set = pairImagesLabels(parsed, parseIdxLabels(labels.bytes, labelsName, classCount, read.limits), imagesName, labelsName);
  return { set, files: [images.file, labels.file] };
}

function toPart(set: IdxImageSet): RawPart {
  return { count: set.count, inputs: set.pixels, labels: Int32Array.from(set.labels) };
}

function maxLabel(labels: Uint8Array): number {
  let max = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i]! > max) max = labels[i]!;
  return max;
}

export async function importIdx(source: IdxSource, options: ReadOptions = {}): Promise<ImportedData> {
  const hasTest = source.testImages !== undefined || source.testLabels !== undefined;
  if (hasTest && (source.testImages === undefined || source.testLabels === undefined)) {
    const given = basename(source.testImages ?? source.testLabels ?? '');
    throw new DataError('count-mismatch', given, 'expected a test images file and a test labels file together, found only one of them');
  }
  if (source.classes !== undefined && (source.classes.length < 2 || source.classes.length > MAX_CLASSES)) {
    throw new DataError('bad-option', undefined, `expected 2 to ${MAX_CLASSES} class names, found ${source.classes.length}`);
  }
  const paths = [source.trainImages, source.trainLabels, ...(hasTest ? [source.testImages!, source.testLabels!] : [])];
  const limits = limitsWith(options.limits);
  let total = 0;
  for (const path of paths) total += await fileSize(path, basename(path), limits.idxFileBytes, 'an IDX file');
  const read: PairReader = {
    limits,
    budget: new DatasetBudget(limits),
    counter: new ByteCounter(total, new Progress(options.onProgress)),
    signal: options.signal,
  };
  const classCount = source.classes?.length;

  const train = await readPair(source.trainImages, source.trainLabels, classCount, read);
  const test = hasTest ? await readPair(source.testImages!, source.testLabels!, classCount, read) : undefined;
  if (test && (test.set.rows !== train.set.rows || test.set.cols !== train.set.cols)) {
    throw new DataError(
      'bad-dimensions',
      basename(source.testImages!),
      `expected ${train.set.rows}×${train.set.cols} images like the training set, found ${test.set.rows}×${test.set.cols}`,
    );
  }
  if (train.set.count === 0) throw new DataError('empty', basename(source.trainImages), 'expected at least one image, found none');

  const notes: string[] = [];
  let classes = source.classes;
  const known = classes === undefined ? knownIdxSet(train.set.labels) : undefined;
  if (known) {
    classes = known.classes;
    notes.push(`Recognised ${known.name} by its labels, so its classes have their names (edit them in the dataset's details).`);
  } else if (classes === undefined) {
    const largest = Math.max(maxLabel(train.set.labels), test ? maxLabel(test.set.labels) : 0);
    classes = Array.from({ length: Math.max(2, largest + 1) }, (_, i) => String(i));
    notes.push(`Classes named by their labels, 0 to ${classes.length - 1}.`);
  }
  if (test) notes.push(`The test split is the files' own (${test.set.count.toLocaleString('en')} images).`);
  return {
    format: 'idx',
    kind: 'classification',
    inputShape: [train.set.rows, train.set.cols],
    classes: [...classes],
    parts: test ? { train: toPart(train.set), test: toPart(test.set) } : { train: toPart(train.set) },
    files: [...train.files, ...(test ? test.files : [])],
    notes,
  };
}
