/** Errors raised while reading, checking or scaling data; `code` lets callers react without parsing text. */
import { escapeForMessage } from '../files/quote';

export const DATA_ERROR_CODES = [
  /** The first two bytes of an IDX file are not zero. */
  'bad-magic',
  /** The IDX element type is not one we read (only unsigned bytes). */
  'bad-type',
  /** Wrong number of dimensions, a zero dimension, or images of different sizes. */
  'bad-dimensions',
  /** Fewer bytes than the header announces. */
  'truncated',
  /** More bytes than the header announces. */
  'too-long',
  /** An images file and its labels file hold different numbers of items. */
  'count-mismatch',
  /** A label is not a valid class index. */
  'label-out-of-range',
  /** The file could not be read at all (missing, permissions, a directory…). */
  'unreadable',
  /** A path that names a FIFO, a device or a socket where a regular file was expected; nothing is read from it. */
  'not-a-file',
  /** A file, image, table or dataset over one of Fathom's limits (core/data/limits.ts, the README's "Limits"). */
  'too-large',
  /** The library could not be written (disk full, permissions, read-only); it is left as it was. */
  'unwritable',
  /** The file looks gzipped but does not decompress. */
  'gzip',
  /** In-memory arrays or scaling parameters whose sizes do not fit together. */
  'bad-shape',
  /** A loader option that cannot work (e.g. a validation split larger than the training set). */
  'bad-option',
  /** A path that is none of the formats we import (IDX pair, CSV, folder of class folders of PNGs). */
  'unknown-format',
  /** A CSV row with a different number of cells from the first row. */
  'ragged-row',
  /** A CSV cell that should hold a number and does not. */
  'not-a-number',
  /** A file holds no data rows or images at all. */
  'empty',
  /** A class folder without a single PNG image, or fewer than two classes. */
  'empty-class',
  /** An image file that does not decode as PNG. */
  'bad-image',
  /** No dataset in the library has this id or name. */
  'not-found',
  /** Another dataset in the library already has this name. */
  'name-taken',
  /** A library entry whose manifest or data files are missing, invalid or of the wrong size. */
  'damaged',
] as const;
export type DataErrorCode = (typeof DATA_ERROR_CODES)[number];

export class DataError extends Error {
  constructor(
    readonly code: DataErrorCode,
    /** Name of the file at fault; absent when the problem is in arrays already in memory. */
    readonly file: string | undefined,
    /** One sentence saying what was expected and what was found; the file name is prefixed here. */
    detail: string,
    options?: { cause?: unknown },
  ) {
    // Names and cells come from files: control characters are escaped so a message cannot drive a terminal.
    super(escapeForMessage(file === undefined ? detail : `${file}: ${detail}`), options);
    this.name = 'DataError';
  }
}
