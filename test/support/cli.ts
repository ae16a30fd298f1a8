/** Runs the `gongkai` CLI in-process (the same `run` the binary calls) and captures its output. */
import { run } from '../../src/cli/main.js';

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

export async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  let out = '';
  let err = '';
  const code = await run(args, { out: (s) => void (out += s), err: (s) => void (err += s) }, env);
  return { code, out, err };
}
