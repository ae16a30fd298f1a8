/**
 * A report document that cannot be read at all (empty, binary, not text, neither format …).
 * The message is one line in Chinese for the user; the CLI maps it to exit code 2.
 */
export class ReportInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReportInputError';
  }
}
