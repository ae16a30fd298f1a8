/**
 * `gongkai report …`: read an annual report (text or JSON), print its JSON, check it, render it
 * back to the official text layout; export an agency's report generated from the records
 * (report-export.ts).
 */
import { stat } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { DEFAULT_TIMEOUT_MS } from '../reports/batch/index.js';
import { checkReport } from '../reports/checks/index.js';
import { ReportInputError } from '../reports/errors.js';
import { hasErrors, type Finding } from '../reports/finding.js';
import { FORMATS, SECTION_IDS } from '../reports/format.js';
import { closePdfImporter, DEFAULT_IMPORT_MAX_BYTES, importReportBytes, importReportFile, type ImportedReport } from '../reports/import/index.js';
import { reportToJson } from '../reports/report.js';
import { renderReportText } from '../reports/text/render.js';
import { CliError, EXIT_FINDINGS, EXIT_USAGE } from './errors.js';
import { parseIntArg, type CliContext } from './program.js';
import { runBatchCheck } from './report-batch.js';
import { registerExport } from './report-export.js';
import { formatTable } from './table.js';

const NUMERALS: Record<string, string> = { '1': '一', '2': '二', '3': '三', '4': '四', '5': '五', '6': '六' };

export function register(program: Command, ctx: CliContext): void {
  const report = program
    .command('report')
    .description('年度报告：解析、检查、按官方版式输出 (annual reports: parse, check, render)')
    .addHelpText(
      'after',
      '\nFILE 可以是 Word 文档（.docx）、网页（HTML）、有文字层的 PDF、文本报告（UTF-8、UTF-16 或 GBK/GB18030）或报告 JSON，按内容识别；"-" 表示标准输入。\n' +
        'report check DIR 检查目录下的全部报告文件（并行，附汇总）。\n' +
        'FILE may be a .docx, an HTML page, a PDF with a text layer, a text report or a report JSON (told by content); "-" reads standard input. `report check DIR` checks every report file under DIR.',
    );

  const maxSize = () =>
    new Option('--max-size <MB>', '文件大小上限，单位 MB (largest file accepted, in MB)').default(String(DEFAULT_IMPORT_MAX_BYTES / 1024 / 1024));

  report
    .command('parse')
    .description('解析报告并输出报告 JSON (print the report JSON, DOMAIN.md §4.4)')
    .argument('<FILE>', '报告文件 (report file)')
    .option('--with-info', '同时输出解析说明（标题、章节、空白单元格等） (also print what the importer saw)')
    .addOption(maxSize())
    .action(async (file: string, opts: { withInfo?: boolean; maxSize: string }) => {
      const r = await load(file, opts.maxSize);
      if (opts.withInfo) {
        ctx.io.out(`${JSON.stringify({ report: JSON.parse(reportToJson(r.report)), info: r.info }, null, 2)}\n`);
      } else {
        ctx.io.out(`${reportToJson(r.report)}\n`);
        for (const line of parseNotes(r)) ctx.io.err(`注意：${line}\n`);
      }
    });

  report
    .command('check')
    .description('检查报告，列出问题；有错误级问题时退出码为 1。PATH 为目录时批量检查其中全部报告文件 (check a report, or every report file under a directory; exit 1 on error-level findings)')
    .argument('<PATH>', '报告文件或目录 (report file or directory)')
    .option('--previous <FILE>', '上一年度报告，用于 T5、T6、P2（单个文件） (last year\'s report, for T5, T6, P2; one file)')
    .option('--json', '以 JSON 输出 (print JSON)')
    .option('-j, --jobs <N>', '批量检查的并行任务数，默认为 CPU 核数 (parallel workers for a directory; default: the CPUs)')
    .option('-o, --output <FILE>', '批量检查结果写入文件，按扩展名：.csv .xlsx .json .html（可重复） (write the batch results: .csv .xlsx .json .html; repeatable)', collect, [])
    .option('--timeout <SECONDS>', `单个文件的读取时限（批量），默认 ${DEFAULT_TIMEOUT_MS / 1000} 秒 (per-file time limit in a batch)`)
    .option('-q, --quiet', '不显示进度 (no progress on stderr)')
    .addOption(maxSize())
    .action(async (path: string, opts: { previous?: string; json?: boolean; jobs?: string; output: string[]; timeout?: string; quiet?: boolean; maxSize: string }) => {
      if (path !== '-' && (await isDirectory(path))) {
        if (opts.previous) throw new CliError('--previous 只用于单个文件；批量检查时自动对照目录中同一机关上一年度的报告 (--previous is for one file)', EXIT_USAGE);
        const maxBytes = parseIntArg(opts.maxSize, '--max-size', { min: 1 }) * 1024 * 1024;
        await runBatchCheck(ctx, path, { ...opts, maxBytes });
        return;
      }
      for (const o of ['jobs', 'timeout'] as const) {
        if (opts[o] !== undefined) throw new CliError(`--${o} 只用于目录的批量检查 (--${o} is for a directory)`, EXIT_USAGE);
      }
      if (opts.output.length) throw new CliError('--output 只用于目录的批量检查 (--output is for a directory)', EXIT_USAGE);
      const r = await load(path, opts.maxSize);
      const previous = opts.previous ? (await load(opts.previous, opts.maxSize)).report : undefined;
      const findings = checkReport(r.report, { info: r.info, ...(previous ? { previous } : {}) });
      for (const line of r.info.notes) ctx.io.err(`注意：${line}\n`);
      if (opts.json) {
        ctx.io.out(`${JSON.stringify(checkResultJson(r, findings), null, 2)}\n`);
      } else {
        ctx.io.out(formatFindings(r, findings));
      }
      if (hasErrors(findings)) ctx.exitCode = EXIT_FINDINGS;
    });

  registerExport(report, ctx);

  report
    .command('render')
    .description('按官方文本版式输出报告 (print the report in the official text layout)')
    .argument('<FILE>', '报告文件或报告 JSON (report file or report JSON)')
    .addOption(maxSize())
    .action(async (file: string, opts: { maxSize: string }) => {
      const r = await load(file, opts.maxSize);
      ctx.io.out(renderReportText(r.report));
    });

  async function load(file: string, maxSizeMb: string): Promise<ReadReport> {
    const maxBytes = parseIntArg(maxSizeMb, '--max-size', { min: 1 }) * 1024 * 1024;
    try {
      if (file === '-') return { path: '-', ...(await importReportBytes(await readStdin(maxBytes), { maxBytes })) };
      return await importReportFile(file, { maxBytes });
    } catch (e) {
      if (e instanceof ReportInputError) throw new CliError(`${file}: ${e.message}`, EXIT_USAGE);
      throw e;
    } finally {
      await closePdfImporter(); // its pdf.js worker would keep the process alive
    }
  }
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false; // the file reader says what is wrong with the path
  }
}

async function readStdin(maxBytes: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of process.stdin) {
    const b = chunk as Buffer;
    n += b.length;
    if (n > maxBytes) throw new ReportInputError(`标准输入超过上限 ${maxBytes / 1024 / 1024} MB`);
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/** Short lines about what the importer could not read, for stderr. */
type ReadReport = ImportedReport & { path: string };

function parseNotes(r: ReadReport): string[] {
  const out: string[] = [...r.info.notes];
  if (r.info.truncated) out.push(r.info.truncated.message);
  for (const m of r.info.missingRows) out.push(`缺少第${NUMERALS[m.section]}部分的行「${m.label}」`);
  for (const m of r.info.missingColumns) out.push(`缺少第${NUMERALS[m.section]}部分的列「${m.label}」`);
  const blanks = r.info.cells.length;
  if (blanks > 0) out.push(`有 ${blanks} 个单元格不是数字（空白、占位符或无法识别），在 JSON 中为 null`);
  return out;
}

export function checkResultJson(r: ReadReport, findings: Finding[]) {
  return {
    path: r.path,
    agency: r.report.agency,
    year: r.report.year,
    format: r.report.format,
    findings,
    summary: {
      errors: findings.filter((f) => f.severity === 'error').length,
      warnings: findings.filter((f) => f.severity === 'warning').length,
    },
  };
}

function location(f: Finding): string {
  if (f.section === 'title') return '标题';
  const parts: string[] = [];
  if (f.section && (SECTION_IDS as readonly string[]).includes(f.section)) parts.push(NUMERALS[f.section]!);
  if (f.labels.row) parts.push(f.labels.row);
  if (f.labels.column) parts.push(f.labels.column);
  return parts.join(' · ') || '全文';
}

export function formatFindings(r: ReadReport, findings: Finding[]): string {
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.length - errors;
  const rep = r.report;
  const head =
    `${rep.agency ?? '（机关不详）'} ${rep.year ?? '（年度不详）'}年度报告（${FORMATS[rep.format].id}版格式，${FORMATS[rep.format].source}）\n` +
    `文件：${r.path}\n`;
  if (findings.length === 0) return `${head}\n通过：未发现问题。\n`;
  const rows = findings.map((f) => [
    f.rule,
    f.severity === 'error' ? '错误' : '警告',
    location(f),
    f.message + (f.expected !== undefined || f.actual !== undefined ? `（应为 ${show(f.expected)}，实为 ${show(f.actual)}）` : ''),
  ]);
  const verdict =
    errors > 0
      ? `未通过：${errors} 项错误${warnings ? `，${warnings} 项警告` : ''}。错误须在公布前改正。`
      : `通过：没有错误；${warnings} 项警告需人工查看。`;
  return `${head}\n${formatTable(['规则', '级别', '位置', '说明'], rows)}\n${verdict}\n`;
}

function show(v: number | null | undefined): string {
  return v === null || v === undefined ? '空' : String(v);
}
