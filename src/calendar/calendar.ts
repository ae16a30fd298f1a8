/**
 * The official working-day calendar (工作日) of the PRC: Monday–Friday, minus the public holidays,
 * plus the weekend days declared working days (调休上班), as published each year by the State
 * Council General Office (国务院办公厅关于20XX年部分节假日安排的通知).
 *
 * Every time limit of 《政府信息公开条例》 (第26条, 第30–34条) and of 国办函〔2020〕109号 is counted in
 * working days, so this module is the single source of truth for them. The holiday arrangement is
 * data (holidays.cn.json, format in docs/calendar.md) that an administrator extends each year; a
 * date outside the years present in the data is never guessed silently: by default it is an
 * OutsideCalendarError, and with `beyond: 'weekdays'` it is answered from Monday–Friday alone and
 * the caller must mark the result as provisional (推算).
 *
 * Performance: over the range of the data a prefix count of working days and the list of the
 * working days are precomputed, so addWorkingDays and workingDaysBetween are O(1) there, and a
 * closed weekday formula is used beyond it.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import builtinData from './holidays.cn.json' with { type: 'json' };
import {
  DateFormatError,
  WEEKDAY_NAMES,
  civil,
  dayNumber,
  formatChineseDate,
  formatIsoDate,
  parseIsoDate,
  weekday,
  type DayNumber,
} from './date.js';

// ---------------------------------------------------------------------------------------------
// Errors

/** The holiday data (built in or an administrator's file) is unreadable or inconsistent. */
export class CalendarDataError extends Error {
  constructor(
    message: string,
    /** Every problem found, one sentence each (the message joins them). */
    readonly problems: readonly string[] = [message],
  ) {
    super(message);
    this.name = 'CalendarDataError';
  }
}

/** A computation needed a day of a year whose holiday arrangement is not in the data. */
export class OutsideCalendarError extends Error {
  constructor(
    /** The first day (ISO) the computation needed and the data does not cover. */
    readonly date: string,
    readonly year: number,
    readonly firstYear: number,
    readonly lastYear: number,
  ) {
    super(
      `${date}（${year}年）的节假日安排尚未录入（已录入 ${firstYear}–${lastYear} 年），无法确定工作日；` +
        '请管理员按国务院办公厅通知补录该年度节假日安排',
    );
    this.name = 'OutsideCalendarError';
  }
}

/**
 * The warning to show next to any result computed with `beyond: 'weekdays'` (a provisional
 * result, 推算) for the given years that are missing from the data.
 */
export function outsideWarning(years: readonly number[]): string {
  const list = years.map((y) => `${y}年`).join('、');
  return `警告：${list}节假日安排尚未录入，结果按周一至周五推算，可能不准确；请管理员按国务院办公厅通知补录该年度节假日安排`;
}

// ---------------------------------------------------------------------------------------------
// Public types

export type DayKind = 'weekday' | 'weekend' | 'holiday' | 'makeup';

export interface DayInfo {
  /** ISO date. */
  date: string;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
  working: boolean;
  /** weekday: ordinary Mon–Fri; weekend: ordinary Sat/Sun; holiday: official day off; makeup: 调休上班. */
  kind: DayKind;
  /** The holiday's name; for a make-up day, the holiday it makes up for. */
  holiday: string | null;
  /** false: the year is not in the data, the answer comes from Monday–Friday alone. */
  known: boolean;
}

export interface BeyondOption {
  /**
   * What to do when the computation needs a day of a year that is not in the data:
   * 'error' (default) throws OutsideCalendarError; 'weekdays' answers from Monday–Friday and the
   * caller must mark the result provisional (use covers/coversRange to tell).
   */
  beyond?: 'error' | 'weekdays';
}

/** A run of consecutive days with the same reason, in explanations. */
export interface SpanRun {
  /** First and last day of the run (ISO). */
  from: string;
  to: string;
  first: DayNumber;
  last: DayNumber;
  days: number;
  kind: 'weekend' | 'holiday' | 'makeup';
  holiday: string | null;
  /** false for a make-up day (it is a working day that would otherwise be a weekend). */
  working: boolean;
  /** 周末 / 春节假期 / 调休上班（春节）. */
  reason: string;
  /** false when the year is not in the data (weekend assumed, 推算). */
  known: boolean;
}

/** Where a year's data came from, for display. */
export interface YearSource {
  year: number;
  origin: string;
  notices: readonly string[];
}

// ---------------------------------------------------------------------------------------------
// Data file format (docs/calendar.md), validated with zod

const ISO_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const isoDateSchema = z.string().regex(ISO_PATTERN);

const holidaySchema = z.strictObject({
  $comment: z.string().optional(),
  name: z.string().trim().min(1),
  off: z.tuple([isoDateSchema, isoDateSchema]),
  work: z.array(isoDateSchema),
  note: z.string().optional(),
});

const yearSchema = z.strictObject({
  $comment: z.string().optional(),
  notices: z.array(z.string().trim().min(1)).min(1),
  holidays: z.array(holidaySchema).min(1),
  note: z.string().optional(),
});

const fileSchema = z.strictObject({
  $comment: z.string().optional(),
  years: z.record(z.string(), yearSchema),
});

/** The JSON format of a holiday data file (holidays.cn.json). */
export type CalendarFile = z.infer<typeof fileSchema>;

/** The longest plausible holiday: an off range longer than this is taken for a typing error. */
export const MAX_HOLIDAY_DAYS = 31;

const FIELD_LABELS: Record<string, string> = {
  years: 'years（年度）',
  notices: 'notices（通知名称）',
  holidays: 'holidays（节假日）',
  name: 'name（节日名称）',
  off: 'off（放假起止日期）',
  work: 'work（调休上班日）',
  note: 'note（备注）',
  $comment: '$comment（注释）',
};

const TYPE_LABELS: Record<string, string> = {
  string: '字符串',
  array: '数组',
  tuple: '两个日期组成的数组 [开始, 结束]',
  object: '对象',
  record: '对象',
  number: '数字',
};

interface HolidayEntry {
  year: number;
  origin: string;
  name: string;
  start: DayNumber;
  end: DayNumber;
  work: DayNumber[];
  note?: string;
}

interface YearEntry {
  year: number;
  origin: string;
  notices: string[];
  holidays: HolidayEntry[];
}

function where(origin: string): string {
  return `节假日数据文件 ${origin} 有误`;
}

function fail(origin: string, problems: string[]): never {
  const shown = problems.slice(0, 20);
  const more = problems.length > shown.length ? `；另有 ${problems.length - shown.length} 处问题未列出` : '';
  throw new CalendarDataError(`${where(origin)}：${shown.join('；')}${more}`, problems);
}

/** "2027年 第2个节假日「春节」 off（放假起止日期） 第1项" etc. from a zod issue path. */
function locate(path: readonly PropertyKey[], raw: unknown): string {
  const parts: string[] = [];
  if (path[0] === 'years' && path.length >= 2) {
    parts.push(`${String(path[1])}年`);
    if (path[2] === 'holidays' && typeof path[3] === 'number') {
      const rawName = pick(raw, ['years', String(path[1]), 'holidays', path[3], 'name']);
      const name = typeof rawName === 'string' && rawName.trim() ? `「${rawName.trim()}」` : '';
      parts.push(`第${path[3] + 1}个节假日${name}`);
      if (typeof path[4] === 'string') parts.push(FIELD_LABELS[path[4]] ?? path[4]);
      if (typeof path[5] === 'number') parts.push(`第${path[5] + 1}项`);
    } else if (typeof path[2] === 'string') {
      parts.push(FIELD_LABELS[path[2]] ?? path[2]);
      if (typeof path[3] === 'number') parts.push(`第${path[3] + 1}项`);
    }
  } else {
    for (const p of path) parts.push(typeof p === 'string' ? (FIELD_LABELS[p] ?? p) : `第${String(Number(p) + 1)}项`);
  }
  return parts.length ? parts.join(' ') : '文件顶层';
}

function pick(raw: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = raw;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

function translateIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  const loc = locate(issue.path, raw);
  switch (issue.code) {
    case 'invalid_type': {
      // JSON has no undefined: an undefined input is a missing field.
      if ((issue as { input?: unknown }).input === undefined) return `${loc}：缺少此字段`;
      return `${loc}：应为${TYPE_LABELS[issue.expected] ?? issue.expected}`;
    }
    case 'unrecognized_keys':
      return `${loc}：未知字段 ${issue.keys.map((k) => `「${k}」`).join('、')}（字段名拼写有误？）`;
    case 'too_small':
    case 'too_big': {
      const last = issue.path[issue.path.length - 1];
      if (last === 'off') return `${loc}：应恰好包含两个日期 [第一天, 最后一天]`;
      return `${loc}：不能为空`;
    }
    case 'invalid_format':
      return `${loc}：日期格式应为 YYYY-MM-DD，收到「${String((issue as { input?: unknown }).input)}」`;
    default:
      return `${loc}：${issue.message}`;
  }
}

/** Parses and checks one data file's content; returns its year blocks (not yet merged). */
function parseYears(data: unknown, origin: string): Map<number, YearEntry> {
  const parsed = fileSchema.safeParse(data, { reportInput: true });
  if (!parsed.success) fail(origin, parsed.error.issues.map((i) => translateIssue(i, data)));
  const problems: string[] = [];
  const out = new Map<number, YearEntry>();
  const keys = Object.keys(parsed.data.years);
  if (keys.length === 0) fail(origin, ['years（年度）为空，至少应有一个年度']);
  for (const key of keys) {
    const block = parsed.data.years[key]!;
    if (!/^\d{4}$/.test(key)) {
      problems.push(`年度键「${key}」应为4位数字年份，例如 "2027"`);
      continue;
    }
    const year = Number(key);
    if (year < 1901 || year > 2199) {
      problems.push(`年度 ${key} 超出 1901–2199`);
      continue;
    }
    // Dates of a year's block may spill into the adjacent month of the adjacent year (元旦 2019
    // starts 2018-12-30) but no further: anything else is a typing error.
    const windowStart = dayNumber(year - 1, 12, 1);
    const windowEnd = dayNumber(year + 1, 1, 31);
    const entry: YearEntry = { year, origin, notices: block.notices.map((n) => n.trim()), holidays: [] };
    for (const h of block.holidays) {
      const label = `${year}年「${h.name.trim()}」`;
      const date = (s: string, field: string): DayNumber | null => {
        let d: DayNumber;
        try {
          d = parseIsoDate(s);
        } catch (e) {
          if (e instanceof DateFormatError) {
            problems.push(`${label} ${field}：${e.message}`);
            return null;
          }
          throw e;
        }
        if (d < windowStart || d > windowEnd) {
          problems.push(`${label} ${field}：日期 ${s} 与所属年度 ${year} 相距过远（应在 ${year - 1}年12月至 ${year + 1}年1月之间，年度键或日期写错？）`);
          return null;
        }
        return d;
      };
      const start = date(h.off[0], 'off（放假起止日期）');
      const end = date(h.off[1], 'off（放假起止日期）');
      let rangeOk = start !== null && end !== null;
      if (start !== null && end !== null) {
        if (end < start) {
          problems.push(`${label} off（放假起止日期）：起止颠倒，${h.off[0]} 晚于 ${h.off[1]}（应为 [第一天, 最后一天]）`);
          rangeOk = false;
        } else if (end - start + 1 > MAX_HOLIDAY_DAYS) {
          problems.push(`${label} off（放假起止日期）：${h.off[0]} 至 ${h.off[1]} 共 ${end - start + 1} 天，超过 ${MAX_HOLIDAY_DAYS} 天，疑为录入错误`);
          rangeOk = false;
        }
      }
      const work: DayNumber[] = [];
      for (const s of h.work) {
        const d = date(s, 'work（调休上班日）');
        if (d === null) continue;
        const wd = weekday(d);
        if (wd !== 0 && wd !== 6) {
          problems.push(`${label} work（调休上班日）：${s} 是${WEEKDAY_NAMES[wd]}，调休上班日只能是星期六或星期日`);
          continue;
        }
        if (work.includes(d)) {
          problems.push(`${label} work（调休上班日）：${s} 重复列出`);
          continue;
        }
        if (rangeOk && d >= start! && d <= end!) {
          problems.push(`${label}：${s} 既是放假日又是调休上班日`);
          continue;
        }
        work.push(d);
      }
      if (!rangeOk) continue;
      const he: HolidayEntry = { year, origin, name: h.name.trim(), start: start!, end: end!, work: work.sort((a, b) => a - b) };
      if (h.note !== undefined) he.note = h.note;
      entry.holidays.push(he);
    }
    out.set(year, entry);
  }
  if (problems.length) fail(origin, problems);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Weekday arithmetic beyond the data

/** Day number 4 is 1970-01-05, a Monday. */
const MONDAY_ANCHOR = 4;

/** Number of Monday–Friday days in [anchor, d] (a difference function: valid for any d). */
function weekdaysUpTo(d: DayNumber): number {
  const t = d - MONDAY_ANCHOR;
  const q = Math.floor(t / 7);
  const r = t - 7 * q;
  return 5 * q + (r < 5 ? r + 1 : 5);
}

/** The smallest day e with weekdaysUpTo(e) === k (always a Monday–Friday day). */
function weekdayWithCount(k: number): DayNumber {
  const q = Math.floor((k - 1) / 5);
  return MONDAY_ANCHOR + 7 * q + (k - 1 - 5 * q);
}

// ---------------------------------------------------------------------------------------------
// The calendar

const K_WEEKDAY = 0;
const K_WEEKEND = 1;
const K_HOLIDAY = 2;
const K_MAKEUP = 3;
const KIND_NAMES: readonly DayKind[] = ['weekday', 'weekend', 'holiday', 'makeup'];

let builtinCache: WorkCalendar | undefined;

export const BUILTIN_ORIGIN = 'holidays.cn.json（内置）';

export class WorkCalendar {
  /** First and last year present in the data (coverage is contiguous). */
  readonly firstYear: number;
  readonly lastYear: number;
  /** First and last covered day (1 January of firstYear, 31 December of lastYear). */
  readonly firstDay: DayNumber;
  readonly lastDay: DayNumber;

  private readonly yearEntries: ReadonlyMap<number, YearEntry>;
  /** The precomputed range: the covered years plus any spill of the data into adjacent years. */
  private readonly lo: DayNumber;
  private readonly hi: DayNumber;
  private readonly kinds: Uint8Array;
  private readonly holidayIndex: Int16Array;
  private readonly names: string[];
  /** prefix[i] = number of working days in [lo, lo + i - 1]. */
  private readonly prefix: Int32Array;
  /** Day numbers of the working days in [lo, hi], ascending. */
  private readonly workDays: Int32Array;
  private readonly total: number;
  private readonly weekdaysBeforeLo: number;
  private readonly weekdaysToHi: number;

  private constructor(years: ReadonlyMap<number, YearEntry>) {
    this.yearEntries = years;
    const list = [...years.keys()].sort((a, b) => a - b);
    const first = list[0]!;
    const last = list[list.length - 1]!;
    // Coverage by year key must be contiguous: a gap would silently answer a missing year.
    const missing: number[] = [];
    for (let y = first; y <= last; y++) if (!years.has(y)) missing.push(y);
    if (missing.length) {
      const origins = [...new Set(list.map((y) => years.get(y)!.origin))].join('、');
      throw new CalendarDataError(
        `节假日数据不连续：已录入 ${list.join('、')} 年，缺少 ${missing.join('、')} 年（数据来自 ${origins}）；请补录缺少的年度`,
      );
    }
    this.firstYear = first;
    this.lastYear = last;
    this.firstDay = dayNumber(first, 1, 1);
    this.lastDay = dayNumber(last, 12, 31);

    const holidays = list.flatMap((y) => years.get(y)!.holidays);
    crossCheck(holidays);

    let lo = this.firstDay;
    let hi = this.lastDay;
    for (const h of holidays) {
      lo = Math.min(lo, h.start, ...h.work);
      hi = Math.max(hi, h.end, ...h.work);
    }
    this.lo = lo;
    this.hi = hi;
    const size = hi - lo + 1;
    const kinds = new Uint8Array(size);
    const holidayIndex = new Int16Array(size).fill(-1);
    const names: string[] = [];
    for (let i = 0; i < size; i++) {
      const wd = weekday(lo + i);
      kinds[i] = wd === 0 || wd === 6 ? K_WEEKEND : K_WEEKDAY;
    }
    for (const h of holidays) {
      let idx = names.indexOf(h.name);
      if (idx < 0) idx = names.push(h.name) - 1;
      for (let d = h.start; d <= h.end; d++) {
        kinds[d - lo] = K_HOLIDAY;
        holidayIndex[d - lo] = idx;
      }
      for (const d of h.work) {
        kinds[d - lo] = K_MAKEUP;
        holidayIndex[d - lo] = idx;
      }
    }
    const prefix = new Int32Array(size + 1);
    const work: number[] = [];
    for (let i = 0; i < size; i++) {
      const k = kinds[i]!;
      const working = k === K_WEEKDAY || k === K_MAKEUP;
      prefix[i + 1] = prefix[i]! + (working ? 1 : 0);
      if (working) work.push(lo + i);
    }
    this.kinds = kinds;
    this.holidayIndex = holidayIndex;
    this.names = names;
    this.prefix = prefix;
    this.workDays = Int32Array.from(work);
    this.total = work.length;
    this.weekdaysBeforeLo = weekdaysUpTo(lo - 1);
    this.weekdaysToHi = weekdaysUpTo(hi);
  }

  /** Builds a calendar from the content of one data file (format: docs/calendar.md). */
  static fromData(data: unknown, origin: string): WorkCalendar {
    return new WorkCalendar(parseYears(data, origin));
  }

  /** Reads a data file; a missing, unreadable or invalid file is a CalendarDataError. */
  static fromFile(path: string): WorkCalendar {
    return new WorkCalendar(readYears(path));
  }

  /** The bundled official data (src/calendar/holidays.cn.json). */
  static builtin(): WorkCalendar {
    builtinCache ??= WorkCalendar.fromData(builtinData, BUILTIN_ORIGIN);
    return builtinCache;
  }

  /**
   * The built-in data, plus the years of the file named by env.GONGKAI_CALENDAR, plus the years
   * of each extra file (e.g. the CLI's --calendar), later ones adding or replacing whole years.
   */
  static load(env: Readonly<Record<string, string | undefined>> = process.env, extraFiles: readonly string[] = []): WorkCalendar {
    let cal = WorkCalendar.builtin();
    const files = [env.GONGKAI_CALENDAR, ...extraFiles].filter((f): f is string => typeof f === 'string' && f.trim() !== '');
    for (const file of files) cal = cal.withYearsOf(new WorkCalendar(readYears(file)));
    return cal;
  }

  /** A new calendar: this one's years, with the years of `other` added or replacing them. */
  withYearsOf(other: WorkCalendar): WorkCalendar {
    const merged = new Map(this.yearEntries);
    for (const [y, e] of other.yearEntries) merged.set(y, e);
    return new WorkCalendar(merged);
  }

  /** The years present in the data, with their origin and the notices they come from. */
  get sources(): YearSource[] {
    return [...this.yearEntries.values()]
      .sort((a, b) => a.year - b.year)
      .map((e) => ({ year: e.year, origin: e.origin, notices: e.notices }));
  }

  /** Whether the day's year is in the data. */
  covers(day: DayNumber): boolean {
    return day >= this.firstDay && day <= this.lastDay;
  }

  /** Whether every day from min(a, b) to max(a, b), inclusive, is in a year of the data. */
  coversRange(a: DayNumber, b: DayNumber): boolean {
    return Math.min(a, b) >= this.firstDay && Math.max(a, b) <= this.lastDay;
  }

  /** The years between the two days (inclusive) that are not in the data, ascending. */
  uncoveredYears(a: DayNumber, b: DayNumber): number[] {
    const from = civil(Math.min(a, b)).year;
    const to = civil(Math.max(a, b)).year;
    const out: number[] = [];
    for (let y = from; y <= to; y++) if (y < this.firstYear || y > this.lastYear) out.push(y);
    return out;
  }

  isWorkingDay(day: DayNumber): boolean {
    if (day >= this.lo && day <= this.hi) {
      const k = this.kinds[day - this.lo]!;
      return k === K_WEEKDAY || k === K_MAKEUP;
    }
    const wd = weekday(day);
    return wd !== 0 && wd !== 6;
  }

  info(day: DayNumber): DayInfo {
    const wd = weekday(day);
    let kind: number;
    let holiday: string | null = null;
    if (day >= this.lo && day <= this.hi) {
      kind = this.kinds[day - this.lo]!;
      const idx = this.holidayIndex[day - this.lo]!;
      if (idx >= 0) holiday = this.names[idx]!;
    } else {
      kind = wd === 0 || wd === 6 ? K_WEEKEND : K_WEEKDAY;
    }
    return {
      date: formatIsoDate(day),
      weekday: wd,
      working: kind === K_WEEKDAY || kind === K_MAKEUP,
      kind: KIND_NAMES[kind]!,
      holiday,
      known: this.covers(day),
    };
  }

  /**
   * A short Chinese label: 工作日 / 工作日（除夕不放假） / 工作日：调休上班（元旦） /
   * 休息日：春节假期 / 休息日：周末. (Not marked 推算: callers check `covers`.)
   */
  describe(day: DayNumber): string {
    const i = this.info(day);
    switch (i.kind) {
      case 'weekday':
        return isLunarNewYearsEve(day) ? '工作日（除夕不放假）' : '工作日';
      case 'makeup':
        return `工作日：调休上班（${i.holiday}）`;
      case 'holiday':
        return `休息日：${i.holiday}假期`;
      default:
        return '休息日：周末';
    }
  }

  /** Working days in [lo, d] relative to the precomputed range (a difference function). */
  private count(d: DayNumber): number {
    if (d < this.lo) return weekdaysUpTo(d) - this.weekdaysBeforeLo;
    if (d <= this.hi) return this.prefix[d - this.lo + 1]!;
    return this.total + weekdaysUpTo(d) - this.weekdaysToHi;
  }

  /**
   * The n-th working day after `day`: counting starts the day after (DOMAIN §3; 《条例》第30、33条
   * "自收到申请之日起…个工作日内"), so the result is the day on which n working days have passed.
   * n = 0 returns `day` itself.
   */
  addWorkingDays(day: DayNumber, n: number, opts?: BeyondOption): DayNumber {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`工作日数应为非负整数，收到 ${n}`);
    if (!Number.isSafeInteger(day)) throw new RangeError(`日期应为整数日序号，收到 ${day}`);
    if (n === 0) return day;
    const target = this.count(day) + n;
    let result: DayNumber;
    if (target <= 0) result = weekdayWithCount(this.weekdaysBeforeLo + target);
    else if (target <= this.total) result = this.workDays[target - 1]!;
    else result = weekdayWithCount(this.weekdaysToHi + target - this.total);
    if ((day + 1 < this.firstDay || result > this.lastDay) && opts?.beyond !== 'weekdays') {
      this.outside(day + 1);
    }
    return result;
  }

  /** The number of working days in (a, b]; negative when b < a. between(d, add(d, n)) === n. */
  workingDaysBetween(a: DayNumber, b: DayNumber, opts?: BeyondOption): number {
    if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b)) throw new RangeError('日期应为整数日序号');
    if (a === b) return 0;
    const lo = Math.min(a, b);
    const hi = Math.max(a, b);
    if ((lo + 1 < this.firstDay || hi > this.lastDay) && opts?.beyond !== 'weekdays') this.outside(lo + 1);
    return this.count(b) - this.count(a);
  }

  /** Throws for the first uncovered day of a span that starts at `from` and is not covered. */
  private outside(from: DayNumber): never {
    const day = from < this.firstDay ? from : Math.max(from, this.lastDay + 1);
    throw new OutsideCalendarError(formatIsoDate(day), civil(day).year, this.firstYear, this.lastYear);
  }

  /**
   * The non-working days and the make-up working days in (a, b] (in (b, a] when b < a), grouped
   * into runs of consecutive days with the same reason.
   */
  explainSpan(a: DayNumber, b: DayNumber): SpanRun[] {
    const from = Math.min(a, b) + 1;
    const to = Math.max(a, b);
    const runs: SpanRun[] = [];
    let cur: SpanRun | null = null;
    for (let d = from; d <= to; d++) {
      let kind: number;
      let idx = -1;
      if (d >= this.lo && d <= this.hi) {
        kind = this.kinds[d - this.lo]!;
        idx = this.holidayIndex[d - this.lo]!;
      } else {
        const wd = weekday(d);
        kind = wd === 0 || wd === 6 ? K_WEEKEND : K_WEEKDAY;
      }
      if (kind === K_WEEKDAY) {
        cur = null;
        continue;
      }
      const holiday = idx >= 0 ? this.names[idx]! : null;
      const known = this.covers(d);
      if (cur && cur.last === d - 1 && cur.kind === KIND_NAMES[kind] && cur.holiday === holiday && cur.known === known) {
        cur.last = d;
        cur.to = formatIsoDate(d);
        cur.days++;
        continue;
      }
      const k = KIND_NAMES[kind] as SpanRun['kind'];
      cur = {
        from: formatIsoDate(d),
        to: formatIsoDate(d),
        first: d,
        last: d,
        days: 1,
        kind: k,
        holiday,
        working: k === 'makeup',
        reason: k === 'weekend' ? '周末' : k === 'holiday' ? `${holiday}假期` : `调休上班（${holiday}）`,
        known,
      };
      runs.push(cur);
    }
    return runs;
  }
}

function readYears(path: string): Map<number, YearEntry> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? '文件不存在' : code === 'EISDIR' ? '这是一个目录' : code === 'EACCES' ? '没有读取权限' : (e as Error).message;
    throw new CalendarDataError(`节假日数据文件 ${path} 无法读取：${why}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new CalendarDataError(`${where(path)}：不是有效的 JSON（${(e as Error).message}）`);
  }
  return parseYears(data, path);
}

/** Checks across all holidays of all years: overlaps, a day both off and work, duplicates. */
function crossCheck(holidays: readonly HolidayEntry[]): void {
  const problems: string[] = [];
  const label = (h: HolidayEntry) => `${h.year}年「${h.name}」（${h.origin}）`;
  const byStart = [...holidays].sort((x, y) => x.start - y.start);
  let reach: HolidayEntry | undefined; // the holiday reaching furthest so far
  for (const h of byStart) {
    if (reach && h.start <= reach.end) {
      problems.push(`${label(reach)} 与 ${label(h)} 的放假日期重叠（${formatIsoDate(h.start)} 至 ${formatIsoDate(Math.min(reach.end, h.end))}）`);
    }
    if (!reach || h.end > reach.end) reach = h;
  }
  const workOwner = new Map<DayNumber, HolidayEntry>();
  for (const h of holidays) {
    for (const d of h.work) {
      const other = workOwner.get(d);
      if (other && other !== h) problems.push(`调休上班日 ${formatIsoDate(d)} 同时列在 ${label(other)} 和 ${label(h)} 中`);
      workOwner.set(d, h);
      for (const o of holidays) {
        if (o !== h && d >= o.start && d <= o.end) {
          problems.push(`${formatIsoDate(d)} 既是 ${label(o)} 的放假日，又是 ${label(h)} 的调休上班日`);
        }
      }
    }
  }
  if (problems.length) {
    const shown = problems.slice(0, 20);
    throw new CalendarDataError(`节假日数据有误：${shown.join('；')}`, problems);
  }
}

// ---------------------------------------------------------------------------------------------
// 除夕 (Lunar New Year's Eve), for labels only ("工作日（除夕不放假）").
//
// The dates of 正月初一 1901–2099 as MMDD, one per year (checked in the tests against the lunar
// calendar of the chinese-days package). Not computed with Intl's Chinese calendar: ICU's
// astronomical computation differs from the official calendar in some years (e.g. 2027, 2030).

const LUNAR_NEW_YEAR_FIRST_YEAR = 1901;
const LUNAR_NEW_YEAR: readonly string[] = [
  '0219 0208 0129 0216 0204 0125 0213 0202 0122 0210 0130 0218 0206 0126 0214 0203 0123 0211 0201 0220',
  '0208 0128 0216 0205 0124 0213 0202 0123 0210 0130 0217 0206 0126 0214 0204 0124 0211 0131 0219 0208',
  '0127 0215 0205 0125 0213 0202 0122 0210 0129 0217 0206 0127 0214 0203 0124 0212 0131 0218 0208 0128',
  '0215 0205 0125 0213 0202 0121 0209 0130 0217 0206 0127 0215 0203 0123 0211 0131 0218 0207 0128 0216',
  '0205 0125 0213 0202 0220 0209 0129 0217 0206 0127 0215 0204 0123 0210 0131 0219 0207 0128 0216 0205',
  '0124 0212 0201 0122 0209 0129 0218 0207 0126 0214 0203 0123 0210 0131 0219 0208 0128 0216 0205 0125',
  '0212 0201 0122 0210 0129 0217 0206 0126 0213 0203 0123 0211 0131 0219 0208 0128 0215 0204 0124 0212',
  '0201 0122 0210 0130 0217 0206 0126 0214 0202 0123 0211 0201 0219 0208 0128 0215 0204 0124 0212 0202',
  '0121 0209 0129 0217 0205 0126 0214 0203 0123 0211 0131 0219 0207 0127 0215 0205 0124 0212 0202 0122',
  '0209 0129 0217 0206 0126 0214 0203 0124 0210 0130 0218 0207 0127 0215 0205 0125 0212 0201 0121',
]
  .join(' ')
  .split(' ');

/** 正月初一 of the Gregorian year (1901–2099), or null outside the table. */
export function lunarNewYear(year: number): DayNumber | null {
  const mmdd = LUNAR_NEW_YEAR[year - LUNAR_NEW_YEAR_FIRST_YEAR];
  if (mmdd === undefined) return null;
  return dayNumber(year, Number(mmdd.slice(0, 2)), Number(mmdd.slice(2)));
}

/** Whether the day is 除夕 (the day before 正月初一). false outside 1901–2099. */
export function isLunarNewYearsEve(day: DayNumber): boolean {
  return lunarNewYear(civil(day + 1).year) === day + 1;
}

// ---------------------------------------------------------------------------------------------
// Explanation text shared by the CLI and the application clocks

/** 2025年1月28日至2月4日 / 2025年1月25日至26日 / 2025年1月25日. */
export function formatDayRange(first: DayNumber, last: DayNumber): string {
  if (first === last) return formatChineseDate(first);
  const a = civil(first);
  const b = civil(last);
  const tail = a.year !== b.year ? formatChineseDate(last) : a.month !== b.month ? `${b.month}月${b.day}日` : `${b.day}日`;
  return `${formatChineseDate(first)}至${tail}`;
}

export interface DescribeOptions {
  /** List at most this many ranges per reason, then "…等N段，共M天". Default: all. */
  maxRangesPerReason?: number;
}

/**
 * Two clauses explaining runs: the days not counted, grouped by reason ("周末 …；春节假期 …（8天）"),
 * and the make-up days counted ("2025年1月26日（星期日，春节调休上班）"). Empty strings when none.
 */
export function describeRuns(runs: readonly SpanRun[], opts: DescribeOptions = {}): { skipped: string; makeup: string } {
  const max = opts.maxRangesPerReason ?? Infinity;
  const groups = new Map<string, SpanRun[]>();
  const makeups: string[] = [];
  for (const r of runs) {
    if (r.working) {
      for (let d = r.first; d <= r.last; d++) {
        makeups.push(`${formatChineseDate(d)}（${WEEKDAY_NAMES[weekday(d)]}，${r.holiday}调休上班）`);
      }
      continue;
    }
    const key = r.known ? r.reason : `${r.reason}（推算）`;
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  const skipped = [...groups]
    .map(([reason, rs]) => {
      const shown = rs.slice(0, max);
      let ranges = shown.map((r) => formatDayRange(r.first, r.last) + (r.kind === 'holiday' ? `（${r.days}天）` : '')).join('、');
      if (rs.length > shown.length) {
        ranges += `…等${rs.length}段，共${rs.reduce((n, r) => n + r.days, 0)}天`;
      }
      return `${reason} ${ranges}`;
    })
    .join('；');
  const makeup = makeups.length > max ? `${makeups.slice(0, max).join('、')}…等${makeups.length}天` : makeups.join('、');
  return { skipped, makeup };
}

/** "期间不计：…。调休上班计入：…。" for the runs of a span, or '' when there is nothing to say. */
export function spanSentence(runs: readonly SpanRun[], opts: DescribeOptions = {}): string {
  const { skipped, makeup } = describeRuns(runs, opts);
  let s = '';
  if (skipped) s += `期间不计：${skipped}。`;
  if (makeup) s += `调休上班计入：${makeup}。`;
  return s;
}
