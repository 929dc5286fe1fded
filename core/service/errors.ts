/** Raised by the lab service when a request cannot be carried out; the message is shown to the user. */
import { escapeForMessage } from '../files/quote';

export const LAB_ERROR_CODES = [
  /** No run or dataset with that id. */
  'not-found',
  /** The run is not in a state that allows the action (e.g. stepping a running run). */
  'bad-state',
  /** The request is well formed but cannot work (a spec that does not fit the dataset…). */
  'invalid',
  /** The run has no weights to save yet. */
  'no-weights',
  /** The service was disposed. */
  'disposed',
] as const;
export type LabErrorCode = (typeof LAB_ERROR_CODES)[number];

export class LabError extends Error {
  constructor(
    readonly code: LabErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    // Messages name runs and datasets read back from disk (a hand-edited manifest, an old run file): control characters are escaped.
    super(escapeForMessage(message), options);
    this.name = 'LabError';
  }
}
