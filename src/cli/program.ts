import { Command, CommanderError } from 'commander';
import { CliError, EXIT_USAGE } from './errors.js';

/** Output streams, injectable so that tests can run the CLI in-process. */
export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  /** stderr is a terminal (progress bars redraw in place). */
  errIsTty?: boolean;
}

export const processIo: Io = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  errIsTty: process.stderr.isTTY === true,
};

/**
 * Makes a commander Command that never calls process.exit itself: usage errors surface as
 * CliError(exit 2), help and version as exit 0. Every verb inherits this configuration.
 */
export function configure(cmd: Command, io: Io): Command {
  return cmd
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err, outputError: () => {} })
    .showHelpAfterError(false)
    .helpOption('-h, --help', '显示帮助 (show help)');
}

/** Translates commander's own errors into our exit codes. */
export function fromCommanderError(e: CommanderError): { code: number; message?: string } {
  if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') {
    return { code: 0 };
  }
  // Commander reports unknown options, missing arguments, invalid argument values, ...
  const msg = e.message.replace(/^error: /, '');
  return { code: EXIT_USAGE, message: `用法错误 (usage): ${msg}` };
}

export { CliError };

/** What every verb's action receives: the output streams and the exit code it sets. */
export interface CliContext {
  io: Io;
  /** Set by an action to EXIT_FINDINGS when the task found problems; stays 0 otherwise. */
  exitCode: number;
  /** Environment (for GONGKAI_CALENDAR and the like); process.env by default. */
  env: NodeJS.ProcessEnv;
}

/** Parses a non-negative (min 0) or positive (min 1) integer CLI argument, or throws a usage error. */
export function parseIntArg(value: string, name: string, { min = 0 }: { min?: number } = {}): number {
  const v = value.trim().normalize('NFKC');
  const kind = min >= 1 ? '正整数' : '非负整数';
  const wrong = () => new CliError(`${name}必须是${kind}，收到「${value}」 (${name} must be a ${min >= 1 ? 'positive' : 'non-negative'} integer)`, EXIT_USAGE);
  if (!/^[+-]?\d+$/.test(v)) throw wrong();
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new CliError(`${name}过大：${value} (${name} out of range)`, EXIT_USAGE);
  if (n < min) throw wrong();
  return n;
}
