/**
 * Exit codes and errors shared by every CLI verb.
 *
 *   0  success
 *   1  the task found problems or failed (e.g. error-level findings in a report)
 *   2  bad usage or unreadable input (a one-line reason on stderr)
 */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

/** An error whose message is shown to the user as is, with the given exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_USAGE,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Bad usage or unreadable input: exit 2. */
export function usageError(message: string): CliError {
  return new CliError(message, EXIT_USAGE);
}
