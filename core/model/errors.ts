/** Errors raised while reading, checking or writing model files; `code` lets callers react without parsing text. */
import { escapeForMessage } from '../files/quote';

export const MODEL_FILE_ERROR_CODES = [
  /** The text is not JSON at all. */
  'not-json',
  /** The JSON stops in the middle of a value: the file was cut short (or is empty). */
  'truncated',
  /** Valid JSON, but not a Fathom model (no or another `format`). */
  'wrong-format',
  /** A Fathom model of a format version newer than this code reads. */
  'newer-version',
  /** A field is missing or has the wrong type or range. */
  'schema',
  /** A weights or biases string is not valid base64 of whole float32 values. */
  'bad-base64',
  /** Arrays whose sizes do not fit the spec (weights, biases, scaling, dataset shape, history). */
  'shape-mismatch',
  /** A weight or bias is NaN or ±Infinity. */
  'non-finite',
  /** The spec is well formed but describes a network that cannot be built (softmax on a hidden layer…). */
  'bad-spec',
  /** The file could not be read (missing, permissions, a directory…). */
  'unreadable',
  /** The path names a FIFO, a device or a socket, not a regular file; nothing is read from it. */
  'not-a-file',
  /** The file is larger than any model Fathom can hold (MAX_MODEL_FILE_BYTES), or than its own spec needs. */
  'too-large',
  /** The file could not be written (folder missing, permissions, disk full…); any older file is left as it was. */
  'unwritable',
] as const;
export type ModelFileErrorCode = (typeof MODEL_FILE_ERROR_CODES)[number];

export class ModelFileError extends Error {
  constructor(
    readonly code: ModelFileErrorCode,
    /** The file (or 'model file', 'network'…) at fault; it starts the message. */
    readonly source: string,
    /** One sentence saying what was expected and what was found. */
    detail: string,
    /** The JSON path at fault, e.g. 'settings.learningRate' or 'parameters[1].weights'. */
    readonly path?: string,
    options?: { cause?: unknown },
  ) {
    // The source is a path and the detail may quote the file: control characters are escaped.
    super(escapeForMessage(`${source}: ${detail}`), options);
    this.name = 'ModelFileError';
  }
}
