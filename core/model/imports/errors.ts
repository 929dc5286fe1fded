/** Why a file from another tool cannot be read or used: one line naming the file, what was expected and what was found. */
import { escapeForMessage } from '../../files/quote';

export class ImportError extends Error {
  constructor(
    /** The file (or "the weights") at fault; it starts the message. */
    readonly source: string,
    detail: string,
  ) {
    super(escapeForMessage(`${source}: ${detail}`));
    this.name = 'ImportError';
  }
}
