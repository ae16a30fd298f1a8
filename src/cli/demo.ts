/**
 * `gongkai demo` (what `npm start` runs until the web application exists): checks the real 2020
 * report of 永安镇 that ships with the project, computes the clocks of an application received
 * today, and prices a fee example — each through the same functions as the other verbs.
 */
import type { Command } from 'commander';
import { computeClocks } from '../applications/clock.js';
import { feeByItems } from '../applications/fee.js';
import { formatIsoDate, parseUserDate, DateFormatError } from '../calendar/date.js';
import { checkReport } from '../reports/checks/index.js';
import { importReportFile } from '../reports/import/index.js';
import { usageError } from './errors.js';
import { feeTable } from './fee.js';
import type { CliContext } from './program.js';
import { formatFindings } from './report.js';
import { loadCalendar } from './workdays.js';

/** The seed: a real town report (2020, 2019 format), extracted from .docx to text. */
export const SEED_REPORT = new URL('../../test/fixtures/reports/seed-2020-yongan.txt', import.meta.url);

/** Today's date in China (UTC+8), as a day number. */
function chinaToday(): number {
  return Math.floor((Date.now() + 8 * 3600_000) / 86_400_000);
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('demo')
    .description('演示：检查永安镇2020年度报告、计算今天收到的申请的期限、信息处理费示例 (a tour of the tools)')
    .option('--today <DATE>', '把这一天当作今天 (pretend today is DATE)')
    .action(async (opts: { today?: string }) => {
      let today: number;
      try {
        today = opts.today ? parseUserDate(opts.today) : chinaToday();
      } catch (e) {
        if (e instanceof DateFormatError) throw usageError(`--today：${e.message}`);
        throw e;
      }
      const out = (s = '') => ctx.io.out(`${s}\n`);
      out('Gongkai 政府信息公开平台 · 命令行演示');
      out('='.repeat(40));

      out('\n一、年度报告检查（国办公开办函〔2019〕60号格式，真实报告）\n');
      const seed = await importReportFile(decodeURIComponent(SEED_REPORT.pathname));
      ctx.io.out(formatFindings(seed, checkReport(seed.report, { info: seed.info })));

      const iso = formatIsoDate(today);
      out(`\n二、今天（${iso}）当面收到一件政府信息公开申请\n`);
      const clocks = computeClocks([{ type: 'received', channel: 'in_person', date: iso }], {
        calendar: loadCalendar(ctx),
        today: iso,
      });
      out(`收到申请之日：${clocks.receipt.date}。${clocks.receipt.text}`);
      out(`补正告知期限：${clocks.correction.noticeDue.date}。${clocks.correction.noticeDue.text}`);
      if (clocks.reply.due) out(`答复期限：${clocks.reply.due.date}。${clocks.reply.due.text}`);
      for (const w of clocks.warnings) out(`注意：${w}`);

      out('\n三、信息处理费（国办函〔2020〕109号）：同一申请人一个自然月内第1至45件申请，按件计收\n');
      for (const line of feeTable(feeByItems(45))) out(line);

      out('\n更多用法 (more): npx gongkai --help');
    });
}
