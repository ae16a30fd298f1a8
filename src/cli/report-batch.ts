/**
 * `gongkai report check DIR`: every report file under DIR (.docx, HTML, PDF, text, JSON), checked
 * in parallel workers, with a progress bar on stderr, a summary on stdout (or the JSON object with
 * --json), and the results written as CSV, XLSX, JSON or an HTML overview (--output, repeatable,
 * by extension). A broken file is reported and skipped; it never stops the batch.
 *
 * Exit code: 0 when every file was read and none has an error-level finding, 1 otherwise (files
 * with errors, or unreadable files), 2 for bad usage (nothing checked, nothing written).
 */
import { open, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ReportInputError } from '../reports/errors.js';
import { batchCsv, batchHtml, batchJson, batchXlsx, checkDirectory, DEFAULT_TIMEOUT_MS, type BatchOutput } from '../reports/batch/index.js';
import { summaryLines } from '../reports/batch/outputs.js';
import { CliError, EXIT_FINDINGS, EXIT_USAGE } from './errors.js';
import { parseIntArg, type CliContext } from './program.js';

export interface BatchCliOptions {
  json?: boolean;
  jobs?: string;
  output?: string[];
  timeout?: string;
  quiet?: boolean;
  maxBytes: number;
}

const WRITERS: Record<string, (out: BatchOutput) => string | Promise<Buffer>> = {
  '.csv': batchCsv,
  '.xlsx': batchXlsx,
  '.json': batchJson,
  '.html': (out) => batchHtml(out),
  '.htm': (out) => batchHtml(out),
};

export async function runBatchCheck(ctx: CliContext, dir: string, opts: BatchCliOptions): Promise<void> {
  const jobs = opts.jobs === undefined ? Math.max(1, availableParallelism()) : parseIntArg(opts.jobs, '--jobs', { min: 1 });
  if (jobs > 256) throw new CliError(`--jobs 过大：${jobs}（最多 256） (--jobs at most 256)`, EXIT_USAGE);
  const timeoutMs = opts.timeout === undefined ? DEFAULT_TIMEOUT_MS : parseIntArg(opts.timeout, '--timeout', { min: 1 }) * 1000;
  const outputs = opts.output ?? [];
  for (const o of outputs) {
    if (!WRITERS[extname(o).toLowerCase()]) {
      throw new CliError(`无法识别输出文件的类型：${o}（应以 .csv、.xlsx、.json 或 .html 结尾） (--output must end in .csv, .xlsx, .json or .html)`, EXIT_USAGE);
    }
  }
  // Every output must be writable before hours of work start.
  for (const o of outputs) {
    try {
      await (await open(o, 'w')).close();
    } catch (e) {
      throw new CliError(`无法写入 ${o}：${(e as Error).message}`, EXIT_USAGE);
    }
  }

  const progress = opts.quiet ? null : new Progress(ctx);
  const t0 = performance.now();
  let out: BatchOutput;
  try {
    out = await checkDirectory(dir, {
      jobs,
      timeoutMs,
      maxBytes: opts.maxBytes,
      onStart: (n) => progress?.start(n),
      onResult: (r, done) => progress?.tick(done, r.error !== null),
    });
  } catch (e) {
    if (e instanceof ReportInputError) throw new CliError(e.message, EXIT_USAGE);
    throw e;
  }
  const seconds = (performance.now() - t0) / 1000;
  progress?.end();

  for (const o of outputs) await writeFile(o, await WRITERS[extname(o).toLowerCase()]!(out));
  const s = out.summary;
  if (opts.json) {
    ctx.io.out(batchJson(out));
  } else {
    ctx.io.out(`${dir}：${s.files} 个文件，用时 ${seconds.toFixed(1)} 秒（${jobs} 个并行任务）\n`);
    for (const [label, n] of summaryLines(s)) ctx.io.out(`  ${label}：${n}\n`);
    const rules = Object.entries(s.byRule);
    if (rules.length) ctx.io.out(`  按规则（文件数）：${rules.map(([r, t]) => `${r} ${t.files}`).join('，')}\n`);
    const broken = out.files.filter((f) => f.error !== null);
    for (const f of broken.slice(0, 20)) ctx.io.out(`  无法读取：${f.path}：${f.error}\n`);
    if (broken.length > 20) ctx.io.out(`  ……另有 ${broken.length - 20} 个无法读取的文件，见输出的汇总文件\n`);
    for (const o of outputs) ctx.io.out(`  已写入 ${o}\n`);
  }
  if (s.withErrors > 0 || s.unreadable > 0) ctx.exitCode = EXIT_FINDINGS;
}

/**
 * Progress on stderr: on a terminal a bar redrawn in place (at most ten times a second); in a log
 * (CI, a pipe) a line every 10 %.
 */
class Progress {
  private total = 0;
  private failed = 0;
  private t0 = 0;
  private lastDraw = 0;
  private lastDecile = 0;
  constructor(private readonly ctx: CliContext) {}

  start(total: number): void {
    this.total = total;
    this.t0 = performance.now();
    this.ctx.io.err(`共 ${total} 个报告文件\n`);
  }

  tick(done: number, failed: boolean): void {
    if (failed) this.failed++;
    const now = performance.now();
    if (this.ctx.io.errIsTty) {
      if (now - this.lastDraw < 100 && done < this.total) return;
      this.lastDraw = now;
      this.ctx.io.err(`\r${this.line(done, now)}`);
    } else {
      const decile = Math.floor((done / Math.max(1, this.total)) * 10);
      if (decile > this.lastDecile || done === this.total) {
        this.lastDecile = decile;
        this.ctx.io.err(`${this.line(done, now)}\n`);
      }
    }
  }

  end(): void {
    if (this.ctx.io.errIsTty && this.total > 0) this.ctx.io.err('\n');
  }

  private line(done: number, now: number): string {
    const width = 30;
    const frac = this.total ? done / this.total : 1;
    const filled = Math.round(frac * width);
    const secs = (now - this.t0) / 1000;
    const rate = secs > 0 ? done / secs : 0;
    const eta = rate > 0 ? (this.total - done) / rate : 0;
    return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${this.total} ${Math.floor(frac * 100)}%  ${rate.toFixed(0)} 个/秒  剩余约 ${eta.toFixed(0)} 秒${this.failed ? `  无法读取 ${this.failed}` : ''}`;
  }
}
