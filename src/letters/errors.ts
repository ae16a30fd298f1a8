/**
 * A letter that cannot be produced as asked: an unknown or missing field, a bad value, a template
 * that breaks the rules. The message is Chinese, one line, listing every problem found (not just
 * the first), so that a clerk or an administrator can fix them all at once.
 */
export class LetterError extends Error {
  constructor(
    message: string,
    /** Each problem on its own, in Chinese. */
    readonly problems: readonly string[] = [message],
  ) {
    super(message);
    this.name = 'LetterError';
  }
}
