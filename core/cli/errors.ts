/** A mistake in the command line, found from its text alone: printed as one line, exit code 2. */
export class CliError extends Error {
  override name = 'CliError';
}
