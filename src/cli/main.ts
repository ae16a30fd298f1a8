/**
 * The `gongkai` command line. Each verb lives in its own module and registers itself here; the
 * verbs only parse arguments and print results, the work is done by the domain modules.
 */
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { CliError, EXIT_USAGE } from './errors.js';
import { configure, fromCommanderError, processIo, type CliContext, type Io } from './program.js';
import { register as registerWorkdays } from './workdays.js';
import { register as registerFee } from './fee.js';
import { register as registerReport } from './report.js';
import { register as registerDemo } from './demo.js';
import { register as registerServer } from './server.js';
import { register as registerReminders } from './reminders.js';
import { register as registerJobs } from './jobs.js';
import { register as registerKeys } from './keys.js';
import { register as registerBackup } from './backup.js';
import { register as registerSecurity } from './security.js';

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    return pkg.version;
  } catch {
    return 'unknown';
  }
}

export function buildProgram(ctx: CliContext): Command {
  const program = configure(new Command('gongkai'), ctx.io)
    .description('Gongkai 政府信息公开平台命令行工具 (government information disclosure toolkit)')
    .version(version(), '-V, --version', '显示版本 (show version)')
    .addHelpCommand('help [command]', '显示某个命令的帮助 (help for a command)')
    .addHelpText(
      'after',
      '\n退出码 (exit codes): 0 成功; 1 发现问题或任务失败 (findings / task failed); 2 用法错误或输入无法读取 (bad usage / unreadable input)',
    );
  registerWorkdays(program, ctx);
  registerFee(program, ctx);
  registerReport(program, ctx);
  registerDemo(program, ctx);
  registerServer(program, ctx);
  registerReminders(program, ctx);
  registerJobs(program, ctx);
  registerKeys(program, ctx);
  registerBackup(program, ctx);
  registerSecurity(program, ctx);
  return program;
}

/** Runs the CLI on the given arguments (without node and script path); returns the exit code. */
export async function run(args: string[], io: Io = processIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const ctx: CliContext = { io, exitCode: 0, env };
  const program = buildProgram(ctx);
  if (args.length === 0) {
    program.outputHelp();
    return EXIT_USAGE;
  }
  try {
    await program.parseAsync(args, { from: 'user' });
    return ctx.exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      const { code, message } = fromCommanderError(e);
      if (message) io.err(`gongkai: ${message}\n`);
      return code;
    }
    if (e instanceof CliError) {
      io.err(`gongkai: ${e.message}\n`);
      return e.exitCode;
    }
    const err = e as Error;
    io.err(`gongkai: 内部错误 (internal error): ${err?.message ?? String(e)}\n`);
    if (env.GONGKAI_DEBUG) io.err(`${err?.stack ?? ''}\n`);
    return 1;
  }
}
