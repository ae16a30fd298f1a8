/**
 * `gongkai workdays add|between|is`: working-day arithmetic on the official calendar
 * (src/calendar, docs/calendar.md). Counting starts the day after the start date (DOMAIN §3).
 *
 * Beyond the years in the data the answer is computed from Monday–Friday, marked （推算） and
 * a warning goes to stderr (exit 0); --strict makes that an error (exit 1). A malformed date or an
 * invalid calendar file is bad usage (exit 2).
 */
import type { Command } from 'commander';
import {
  CalendarDataError,
  OutsideCalendarError,
  WorkCalendar,
  describeRuns,
  outsideWarning,
  type SpanRun,
} from '../calendar/calendar.js';
import { DateFormatError, WEEKDAY_NAMES, formatChineseDate, formatIsoDate, parseUserDate, weekday, type DayNumber } from '../calendar/date.js';
import { CliError, EXIT_FINDINGS, usageError } from './errors.js';
import type { CliContext } from './program.js';

interface CommonOptions {
  json?: boolean;
  strict?: boolean;
  calendar?: string;
}

/** The largest N accepted by `workdays add` (about 400 years of working days). */
export const MAX_ADD_DAYS = 100_000;

/** Ranges listed per reason in the text explanation before abbreviating (JSON lists them all). */
const MAX_LISTED = 12;

/** The calendar for a CLI verb: built-in + GONGKAI_CALENDAR + --calendar; a bad file is exit 2. */
export function loadCalendar(ctx: CliContext, file?: string): WorkCalendar {
  try {
    return WorkCalendar.load(ctx.env, file ? [file] : []);
  } catch (e) {
    if (e instanceof CalendarDataError) throw usageError(e.message);
    throw e;
  }
}

function parseDate(value: string, name: string): DayNumber {
  try {
    return parseUserDate(value);
  } catch (e) {
    if (e instanceof DateFormatError) throw usageError(`${name}：${e.message}`);
    throw e;
  }
}

/**
 * When the span needs years missing from the data: the warning on stderr, or with --strict the
 * OutsideCalendarError as a CliError (exit 1). Returns whether the result is provisional.
 */
function handleBeyond(ctx: CliContext, cal: WorkCalendar, opts: CommonOptions, from: DayNumber, to: DayNumber, strictCheck: () => void): boolean {
  if (cal.coversRange(from, to)) return false;
  if (opts.strict) {
    try {
      strictCheck();
    } catch (e) {
      if (e instanceof OutsideCalendarError) throw new CliError(e.message, EXIT_FINDINGS);
      throw e;
    }
  }
  ctx.io.err(`${outsideWarning(cal.uncoveredYears(from, to))}（warning: holidays of these years are not in the calendar data）\n`);
  return true;
}

/** N of `workdays add`: a positive integer (full-width digits accepted), at most MAX_ADD_DAYS. */
function parseDays(value: string): number {
  const v = value.normalize('NFKC').trim();
  if (!/^[+-]?\d+$/.test(v)) throw usageError(`N（工作日数）必须是正整数，收到「${value}」 (N must be a positive integer)`);
  const n = Number(v);
  if (n < 1) throw usageError(`N（工作日数）必须是正整数，收到 ${value} (N must be a positive integer)`);
  if (n > MAX_ADD_DAYS) throw usageError(`N（工作日数）过大：${value}，最大 ${MAX_ADD_DAYS} (N too large)`);
  return n;
}

function runLines(runs: readonly SpanRun[]): string[] {
  const { skipped, makeup } = describeRuns(runs, { maxRangesPerReason: MAX_LISTED });
  const lines: string[] = [];
  lines.push(skipped ? `期间不计：${skipped}` : '期间没有休息日');
  if (makeup) lines.push(`调休上班计入：${makeup}`);
  return lines;
}

function runJson(r: SpanRun) {
  return { from: r.from, to: r.to, days: r.days, kind: r.kind, holiday: r.holiday, reason: r.reason, known: r.known };
}

const dayLabel = (d: DayNumber) => `${formatChineseDate(d)}（${WEEKDAY_NAMES[weekday(d)]}）`;

function withCommonOptions(cmd: Command): Command {
  return cmd
    .option('--json', '输出 JSON 对象 (print a JSON object)')
    .option('--strict', '日期超出已录入的节假日年度时报错（退出码 1），而不是按周一至周五推算 (fail beyond the known years)')
    .option('--calendar <file>', '补充的节假日数据文件（格式见 docs/calendar.md），其年度补充或替换内置数据；也可用环境变量 GONGKAI_CALENDAR (extra holiday data file)');
}

function print(ctx: CliContext, opts: CommonOptions, json: unknown, lines: string[]): void {
  if (opts.json) ctx.io.out(`${JSON.stringify(json, null, 2)}\n`);
  else ctx.io.out(`${lines.join('\n')}\n`);
}

export function register(program: Command, ctx: CliContext): void {
  const workdays = program
    .command('workdays')
    .description('工作日计算：按国务院办公厅公布的节假日安排（含调休上班） (working days on the official PRC calendar)')
    .addHelpText(
      'after',
      '\n计算规则：自起算日的次日开始计数，第 N 个工作日即届满之日；起算日本身（即使是节假日）不计。\n' +
        '日期格式：2025-01-20、2025/1/20、20250120、2025年1月20日 均可。\n' +
        '超出已录入年度：按周一至周五推算并标注（推算），同时在标准错误输出警告；加 --strict 则报错（退出码 1）。',
    );

  withCommonOptions(
    workdays
      .command('add')
      .description('计算某日之后的第 N 个工作日 (the N-th working day after DATE)')
      .argument('<date>', '起算日期，例如收到申请之日 (start date)')
      .argument('<n>', '工作日数，正整数 (number of working days, a positive integer)'),
  )
    .addHelpText('after', '\n示例 (example):\n  gongkai workdays add 2025-01-20 20    # 收到申请后20个工作日的答复期限')
    .action((dateArg: string, nArg: string, opts: CommonOptions) => {
      const cal = loadCalendar(ctx, opts.calendar);
      const start = parseDate(dateArg, 'DATE（起算日期）');
      const n = parseDays(nArg);
      const result = cal.addWorkingDays(start, n, { beyond: 'weekdays' });
      const provisional = handleBeyond(ctx, cal, opts, start + 1, result, () => cal.addWorkingDays(start, n));
      const runs = cal.explainSpan(start, result);
      const mark = provisional ? '（推算）' : '';
      const explanation = `自${dayLabel(start)}次日起算，第${n}个工作日为${dayLabel(result)}${mark}`;
      print(
        ctx,
        opts,
        {
          start: formatIsoDate(start),
          workingDays: n,
          date: formatIsoDate(result),
          weekday: weekday(result),
          provisional,
          explanation,
          skipped: runs.filter((r) => !r.working).map(runJson),
          makeup: runs.filter((r) => r.working).map(runJson),
        },
        [`${formatIsoDate(result)}${mark}`, explanation, ...runLines(runs)],
      );
    });

  withCommonOptions(
    workdays
      .command('between')
      .description('计算两日之间的工作日数：A 之后（不含 A）至 B（含 B） (working days in (A, B])')
      .argument('<a>', '起始日期（不计入） (start date, excluded)')
      .argument('<b>', '结束日期（计入）；早于 A 时结果为负数 (end date, included; negative when before A)'),
  )
    .addHelpText('after', '\n示例 (example):\n  gongkai workdays between 2025-01-20 2025-02-21    # 输出 20')
    .action((aArg: string, bArg: string, opts: CommonOptions) => {
      const cal = loadCalendar(ctx, opts.calendar);
      const a = parseDate(aArg, 'A（起始日期）');
      const b = parseDate(bArg, 'B（结束日期）');
      const lo = Math.min(a, b);
      const hi = Math.max(a, b);
      const count = cal.workingDaysBetween(a, b, { beyond: 'weekdays' });
      const provisional = a !== b && handleBeyond(ctx, cal, opts, lo + 1, hi, () => cal.workingDaysBetween(a, b));
      const runs = cal.explainSpan(a, b);
      const mark = provisional ? '（推算）' : '';
      const explanation =
        b >= a
          ? `${dayLabel(a)}之后至${dayLabel(b)}（含）共${count}个工作日${mark}`
          : `B 早于 A：${dayLabel(b)}之后至${dayLabel(a)}（含）共${-count}个工作日，故结果为${count}${mark}`;
      print(
        ctx,
        opts,
        {
          from: formatIsoDate(a),
          to: formatIsoDate(b),
          workingDays: count,
          provisional,
          explanation,
          skipped: runs.filter((r) => !r.working).map(runJson),
          makeup: runs.filter((r) => r.working).map(runJson),
        },
        [`${count}${mark}`, explanation, ...runLines(runs)],
      );
    });

  withCommonOptions(
    workdays
      .command('is')
      .description('判断某日是否为工作日（无论结果，退出码均为 0） (is DATE a working day? exit 0 either way)')
      .argument('<date>', '日期 (date)'),
  )
    .addHelpText('after', '\n示例 (example):\n  gongkai workdays is 2024-02-09    # 2024-02-09 星期五 工作日（除夕不放假）')
    .action((dateArg: string, opts: CommonOptions) => {
      const cal = loadCalendar(ctx, opts.calendar);
      const day = parseDate(dateArg, 'DATE（日期）');
      const provisional = handleBeyond(ctx, cal, opts, day, day, () => cal.workingDaysBetween(day - 1, day));
      const info = cal.info(day);
      const label = cal.describe(day);
      const mark = provisional ? '（推算）' : '';
      print(
        ctx,
        opts,
        { ...info, weekdayName: WEEKDAY_NAMES[info.weekday], label, provisional },
        [`${info.date} ${WEEKDAY_NAMES[info.weekday]} ${label}${mark}`],
      );
    });
}
