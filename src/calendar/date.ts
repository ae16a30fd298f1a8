/**
 * Calendar dates without time or time zone ("local dates" in China Standard Time), held as day
 * numbers: days since 1970-01-01. ISO text (YYYY-MM-DD) at every boundary.
 */

/** A day number: whole days since 1970-01-01 (negative before). */
export type DayNumber = number;

export class DateFormatError extends Error {
  constructor(
    readonly input: string,
    reason: string,
  ) {
    super(`日期无效：「${input}」${reason}（应为 YYYY-MM-DD，例如 2025-01-20）`);
    this.name = 'DateFormatError';
  }
}

/** Days from civil (proleptic Gregorian), after H. Hinnant's algorithm. */
export function dayNumber(year: number, month: number, day: number): DayNumber {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Civil date of a day number. */
export function civil(n: DayNumber): { year: number; month: number; day: number } {
  const z = n + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

export function daysInMonth(year: number, month: number): number {
  return month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses strict ISO YYYY-MM-DD; throws DateFormatError for anything else or an impossible date. */
export function parseIsoDate(s: string): DayNumber {
  const m = ISO.exec(s);
  if (!m) throw new DateFormatError(s, '格式不对');
  return checkedDayNumber(s, Number(m[1]), Number(m[2]), Number(m[3]));
}

function checkedDayNumber(input: string, y: number, mo: number, d: number): DayNumber {
  if (y < 1900 || y > 2200) throw new DateFormatError(input, '年份超出 1900–2200');
  if (mo < 1 || mo > 12) throw new DateFormatError(input, '月份应在 1–12');
  if (d < 1 || d > daysInMonth(y, mo)) throw new DateFormatError(input, `该月没有第 ${d} 日`);
  return dayNumber(y, mo, d);
}

/**
 * Parses a date as people type it: 2025-01-20, 2025-1-20, 2025/1/20, 2025.1.20, 20250120,
 * 2025年1月20日, full-width digits. Throws DateFormatError otherwise.
 */
export function parseUserDate(input: string): DayNumber {
  const s = input.normalize('NFKC').trim();
  let m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(s);
  if (!m) m = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (!m) throw new DateFormatError(input, '格式不对');
  return checkedDayNumber(input, Number(m[1]), Number(m[2]), Number(m[3]));
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

export function formatIsoDate(n: DayNumber): string {
  const { year, month, day } = civil(n);
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

/** 2025年1月20日 */
export function formatChineseDate(n: DayNumber): string {
  const { year, month, day } = civil(n);
  return `${year}年${month}月${day}日`;
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(n: DayNumber): number {
  return (((n + 4) % 7) + 7) % 7;
}

export const WEEKDAY_NAMES = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'] as const;

export function yearOf(n: DayNumber): number {
  return civil(n).year;
}
