/**
 * `gongkai report export --agency NAME --year YYYY --to json|docx|pdf|html|xlsx [-o FILE]`: an
 * agency's annual report generated from the records of the configured database, in one format.
 *
 * - NAME is the agency's full name or a unique part of it.
 * - The tables come from the records (src/reports/generate); the prose sections from the report
 *   kept in the system for that agency and year (its version being worked on, else the published
 *   one), when there is one. `--published` exports the published version exactly as published.
 *   A government's tables cover its region (the roll-up, as in the back office); `--rollup` sums
 *   any agency's subordinate agencies; both list on stderr the agencies included and missing.
 * - Without -o, JSON and HTML go to stdout; .docx, .pdf and .xlsx are written to the report's
 *   file name in the current folder. A file is written whole or not at all (temporary name, then
 *   renamed).
 * Exit codes: 0 written; 1 the export failed (no published version, Chromium missing for PDF, a
 * database that cannot be opened); 2 bad usage (unknown agency, ambiguous name, bad year/format).
 */
import type { Command } from 'commander';
import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { chinaDate } from '../applications/application.service.js';
import { closePdfRenderer, EXPORT_FORMATS, exportReport, isExportFormat, PdfBusyError, PdfUnavailableError, ReportExportError, reportFileName } from '../reports/export/index.js';
import { generateRollup } from '../reports/generate/index.js';
import { generateFor } from '../reports/store/annual-report.service.js';
import { validateReportJson, type Report } from '../reports/report.js';
import { FIRST_REPORT_YEAR } from '../reports/store/annual-report.schema.js';
import { CliError, EXIT_FINDINGS, usageError } from './errors.js';
import { parseIntArg, type CliContext } from './program.js';
import { resolveAgency, withDb } from './server.js';

interface ExportOptions {
  agency: string;
  year: string;
  to: string;
  output?: string;
  published?: boolean;
  rollup?: boolean;
}

export function registerExport(report: Command, ctx: CliContext): void {
  report
    .command('export')
    .description('由系统中的记录生成年度报告并导出 (generate an agency\'s report from the records and export it)')
    .requiredOption('--agency <NAME>', '机关全称或唯一的部分名称 (full name or a unique part)')
    .requiredOption('--year <YYYY>', '报告年度 (report year)')
    .requiredOption('--to <FORMAT>', `导出格式：${EXPORT_FORMATS.join(' | ')}`)
    .option('-o, --output <FILE>', '输出文件；不写时 JSON、HTML 输出到标准输出，其余写入当前目录 (output file)')
    .option('--published', '导出已公布的版本（原样） (export the published version as published)')
    .option('--rollup', '汇总本机关及所属下级机关 (sum the agency and its subordinate agencies)')
    .action(async (opts: ExportOptions) => {
      const year = parseIntArg(opts.year, '--year', { min: 1 });
      const thisYear = Number(chinaDate(new Date()).slice(0, 4));
      if (year < FIRST_REPORT_YEAR || year > thisYear) throw usageError(`--year 应在 ${FIRST_REPORT_YEAR} 到 ${thisYear} 之间，收到 ${opts.year}`);
      const to = opts.to.trim().toLowerCase();
      if (!isExportFormat(to)) throw usageError(`--to 必须是 ${EXPORT_FORMATS.join(' | ')} 之一，收到「${opts.to}」`);
      if (opts.published && opts.rollup) throw usageError('--published 与 --rollup 不能同时使用');
      if (opts.output !== undefined && !opts.output.trim()) throw usageError('-o 不能为空');

      await withDb(ctx, async (db) => {
        const agency = await resolveAgency(db.kysely, opts.agency);
        let content: Report;
        if (opts.published) {
          const row = await db.kysely
            .selectFrom('annual_reports as r')
            .innerJoin('annual_report_versions as v', 'v.id', 'r.published_version_id')
            .select('v.content')
            .where('r.agency_id', '=', agency.id)
            .where('r.year', '=', year)
            .executeTakeFirst();
          if (!row) throw new CliError(`${agency.name}${year}年度的报告尚未公布`, EXIT_FINDINGS);
          content = validateReportJson(JSON.parse(row.content));
        } else {
          const generated = opts.rollup ? await generateRollup(db, { agencyId: agency.id, year }) : await generateFor(db, agency.id, year);
          content = generated.report;
          const kept = await db.kysely
            .selectFrom('annual_reports as r')
            .innerJoin('annual_report_versions as v', 'v.report_id', 'r.id')
            .select(['v.content', 'v.number'])
            .where('r.agency_id', '=', agency.id)
            .where('r.year', '=', year)
            .where('v.state', 'in', ['draft', 'in_review', 'returned', 'published'])
            .orderBy('v.number', 'desc')
            .executeTakeFirst();
          if (kept && !opts.rollup) {
            content = { ...content, sections: validateReportJson(JSON.parse(kept.content)).sections };
            ctx.io.err(`正文（一、五、六）取自系统中该报告的第${kept.number}版\n`);
          }
          for (const w of generated.warnings) ctx.io.err(`注意：${w}\n`);
          const scope = 'missing' in generated ? generated : 'rollup' in generated ? generated.rollup : null;
          if (scope) {
            // (The agencies missing are among the generation's warnings, printed above.)
            ctx.io.err(`汇总了 ${scope.included.length} 个机关：${scope.included.map((a) => a.name).join('、') || '无'}\n`);
          }
        }
        let out;
        try {
          out = await exportReport(content, to);
        } catch (e) {
          if (e instanceof PdfUnavailableError || e instanceof PdfBusyError || e instanceof ReportExportError) throw new CliError(e.message, EXIT_FINDINGS);
          throw e;
        } finally {
          if (to === 'pdf') await closePdfRenderer();
        }
        const textual = to === 'json' || to === 'html';
        if (opts.output === undefined && textual) {
          ctx.io.out(out.bytes.toString('utf8'));
          return;
        }
        const target = resolve(opts.output ?? reportFileName(content.agency ?? agency.name, year, to));
        await writeWhole(target, out.bytes);
        ctx.io.out(`已写入 ${target}（${out.bytes.length.toLocaleString('en-US')} 字节）\n`);
      });
    });
}

/** Writes a file whole or not at all: a temporary name in the same folder, then a rename. */
async function writeWhole(target: string, bytes: Uint8Array): Promise<void> {
  const tmp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, bytes, { flag: 'wx' });
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { force: true });
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw usageError(`无法写入 ${target}：目录不存在`);
    if (code === 'EACCES' || code === 'EPERM') throw usageError(`无法写入 ${target}：没有权限`);
    if (code === 'EISDIR') throw usageError(`无法写入 ${target}：这是一个目录`);
    throw new CliError(`无法写入 ${target}：${(e as Error).message}`, EXIT_FINDINGS);
  }
}
