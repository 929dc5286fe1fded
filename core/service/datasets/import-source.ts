/**
 * Turns what the person picked in the main process's import dialog (one folder, or some files)
 * plus the options the window sent into an ImportSource for the dataset library. The kind they
 * chose is enforced: asking for IDX files and picking a CSV file is an 'unknown-format' error.
 */
import { basename } from 'node:path';
import { DataError } from '../../data/errors';
import { detectSource } from '../../data/import/source';
import type { ImportSource, PathSource } from '../../data/import/source';
import type { ImportDatasetRequest, ImportKind } from '../../lab/contract';

const KIND_TEXT: Record<Exclude<ImportKind, 'auto'>, string> = {
  idx: 'IDX image and label files',
  csv: 'a CSV file',
  'image-folder': 'a folder with one sub-folder of PNG images per class',
};

const IMAGES = /images|idx3/i;
const LABELS = /labels|idx1/i;
const TEST = /(^|[^a-z])(test|t10k)([^a-z]|$)/i;

/** The format hints of a request, as the library's path source takes them. */
export function hintsOf(request: ImportDatasetRequest): Omit<PathSource, 'format' | 'path'> {
  const hints: Omit<PathSource, 'format' | 'path'> = {};
  if (request.targets) hints.targets = [...request.targets];
  if (request.label !== undefined) hints.label = request.label;
  if (request.header !== undefined) hints.header = request.header;
  if (request.classes) hints.classes = [...request.classes];
  if (request.size) hints.size = { ...request.size };
  return hints;
}

/** Two or four picked IDX files, paired by their names (images/labels, train/test). */
function idxFromFiles(paths: string[], classes: string[] | undefined): ImportSource {
  const role = (path: string): string => {
    const name = basename(path);
    const kind = IMAGES.test(name) ? 'images' : LABELS.test(name) ? 'labels' : undefined;
    if (!kind)
      throw new DataError(
        'unknown-format',
        name,
        'expected an IDX file named like train-images-idx3-ubyte or train-labels-idx1-ubyte, found another name',
      );
    return `${TEST.test(name) ? 'test' : 'train'}-${kind}`;
  };
  const byRole = new Map<string, string>();
  for (const path of paths) {
    const r = role(path);
    const clash = byRole.get(r);
    if (clash)
      throw new DataError(
        'unknown-format',
        basename(path),
        `expected one ${r.replace('-', ' ')} file, found this one and ${basename(clash)}`,
      );
    byRole.set(r, path);
  }
  const trainImages = byRole.get('train-images');
  const trainLabels = byRole.get('train-labels');
  if (!trainImages || !trainLabels) {
    const [missing] = ['train-images', 'train-labels'].filter((r) => !byRole.has(r));
    throw new DataError(
      'count-mismatch',
      basename(paths[0]!),
      `expected a ${missing!.replace('-', ' ')} file among the ${paths.length} picked, found none`,
    );
  }
  const source: ImportSource = { format: 'idx', trainImages, trainLabels, ...(classes ? { classes } : {}) };
  const testImages = byRole.get('test-images');
  const testLabels = byRole.get('test-labels');
  if (testImages) source.testImages = testImages;
  if (testLabels) source.testLabels = testLabels;
  return source;
}

/** What to import from the picked paths; throws a DataError when they cannot be what was asked for. */
export async function importSourceOf(kind: ImportKind, paths: string[], request: ImportDatasetRequest): Promise<ImportSource> {
  const hints = hintsOf(request);
  if (kind === 'idx' && paths.length > 1) return idxFromFiles(paths, hints.classes);
  if (kind === 'csv' && paths.length === 2) {
    const [a, b] = paths as [string, string];
    const [file, testFile] = TEST.test(basename(a)) && !TEST.test(basename(b)) ? [b, a] : [a, b];
    const { classes: _c, size: _s, ...csv } = hints;
    return { format: 'csv', file, testFile, ...csv };
  }
  if (paths.length !== 1) {
    throw new DataError(
      'bad-option',
      undefined,
      `expected one ${kind === 'csv' ? 'file (or a train and a test file)' : 'file or folder'}, found ${paths.length} picked`,
    );
  }
  const path = paths[0]!;
  const detected = await detectSource({ ...hints, format: 'auto', path });
  if (kind !== 'auto' && detected.format !== kind) {
    throw new DataError('unknown-format', basename(path), `expected ${KIND_TEXT[kind]}, found ${KIND_TEXT[detected.format]}`);
  }
  return detected;
}

/** A name for a new dataset from what was picked: the folder or file name without extensions. */
export function nameFromPaths(paths: string[]): string {
  const first = paths[0] ?? 'dataset';
  const name = paths.length > 1 ? basename(first.slice(0, first.length - basename(first).length)) : basename(first);
  return name.replace(/(\.(csv|tsv|txt|gz))+$/i, '').trim() || 'dataset';
}
