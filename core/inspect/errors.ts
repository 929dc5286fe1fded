/** Errors raised by the inspection helpers when handed arrays they cannot work with. */

export const INSPECT_ERROR_CODES = [
  /** An image whose width × height does not match its pixels, or with negative / non-finite values. */
  'bad-image',
  /** A confusion matrix that is not square or holds negative / non-integer counts. */
  'bad-matrix',
  /** Weights or values whose length does not fit the sizes given. */
  'bad-shape',
  /** An option that cannot work (e.g. zero histogram bins). */
  'bad-option',
] as const;
export type InspectErrorCode = (typeof INSPECT_ERROR_CODES)[number];

export class InspectError extends Error {
  constructor(
    readonly code: InspectErrorCode,
    /** One sentence saying what was expected and what was found. */
    message: string,
  ) {
    super(message);
    this.name = 'InspectError';
  }
}
