/**
 * The counting rules of the generated report, as pure functions. The SQL in queries.ts computes
 * the same thing with GROUP BY; these functions are the definition (and what the tests compare
 * the SQL against). All dates are ISO dates in China; a year runs 1 January – 31 December
 * (DOMAIN.md §4: 统计期限).
 *
 * Section 三 (applications), 条例第31条 and DOMAIN.md §4.2:
 * - 一、本年新收: received in the year (received_on, the receipt date of 条例第31条; an online
 *   application not yet confirmed has none and is not counted anywhere).
 * - 二、上年结转: received before the year and not closed before it.
 * - 三、本年度办理结果: closed in the year, in the outcome row recorded on the application (区分处理
 *   counts only as 部分公开; lapses and withdrawals count in （六）).
 * - 四、结转下年度: received by 31 December and not closed by then.
 *   So every column satisfies 一 + 二 = 三（七） + 四 (T1), and this year's 二 is last year's 四 (T5).
 * - An extension (条例第33条) changes nothing here: a case received in December and answered in
 *   January after an extension is carried over like any other (四 this year, 二 next year).
 * - A case reopened after a reconsideration or judgment (结果纠正, 重新答复) is counted once
 *   (effectiveClosing): section 三 of a year shows the cases as they stood on its 31 December. A
 *   closing undone by a reopening in the same calendar year did not stand at year end: the case
 *   counts by its later closing (or as still open, 四, if it is not answered again by 31 December).
 *   A reopening in a later year does not reopen a finished year: the first closing that stood at
 *   its year end is final for section 三 — counted once, in that year and row — and the
 *   correction shows in section 四 (结果纠正) in the year it was decided. So a published report
 *   can always be regenerated unchanged, and the identity T5 holds between years.
 *
 * Section 四 (reconsideration, litigation), DOMAIN.md §4.3 — the rule of
 * src/applications/reconsideration.ts countReviewCases: a case decided in the year counts in its
 * result column (维持 / 纠正 / 其他); a case filed by 31 December and not decided by then counts as
 * 尚未审结. A case pending at the end of one year and decided the next therefore appears twice
 * across the years: as pending, then with its result — as the format asks. Cases decided before
 * the year are not counted.
 *
 * Section 二 第二十条第（一）项 from the catalogue: see CATALOGUE_RULES.
 */
import { closingOutcome, CLOSING_EVENTS } from '../../applications/application.js';
import type { ReviewKind, ReviewResult } from '../../db/schema.js';
import { FORMATS, type FormatId } from '../format.js';

export interface YearBounds {
  year: number;
  /** YYYY-01-01 */
  start: string;
  /** YYYY-12-31 */
  end: string;
}

export function yearBounds(year: number): YearBounds {
  const y = String(year).padStart(4, '0');
  return { year, start: `${y}-01-01`, end: `${y}-12-31` };
}

/** What section 三 needs of an application. */
export interface ApplicationFacts {
  received_on: string | null;
  closed_on: string | null;
  outcome_row: string | null;
}

/** Placeholder for a closed application without an outcome row (counted in （六）, with a warning). */
export const NO_OUTCOME = '?';

/**
 * Where an application counts in section 三 of a year: `start` is row '1' (received in the year) or
 * '2' (carried over); `end` is the outcome row (closed in the year; NO_OUTCOME when none was
 * recorded) or '4' (open at 31 December). null: it is not in that year's table.
 */
export function applicationRows(a: ApplicationFacts, b: YearBounds): { start: '1' | '2'; end: string } | null {
  if (a.received_on === null || a.received_on > b.end) return null;
  if (a.closed_on !== null && a.closed_on < b.start) return null;
  const start = a.received_on >= b.start ? '1' : '2';
  const end = a.closed_on !== null && a.closed_on <= b.end ? (a.outcome_row ?? NO_OUTCOME) : '4';
  return { start, end };
}

/** An event of the log, as effectiveClosing reads it (in log order). */
export interface LogEvent {
  type: string;
  date: string;
  /** application_events.data (JSON text) */
  data: string | null;
}

/** The outcome row of a closing event (the reply's recorded row; the rule of application.ts for lapses and withdrawals). */
export function closingRow(e: LogEvent): string | null {
  if (e.type === 'replied') {
    try {
      const d = JSON.parse(e.data ?? 'null') as { outcomeRow?: unknown } | null;
      return typeof d?.outcomeRow === 'string' ? d.outcomeRow : null;
    } catch {
      return null;
    }
  }
  if (e.type === 'correction_lapsed' || e.type === 'fee_lapsed' || e.type === 'withdrawn') {
    try {
      return closingOutcome(e.type, e.date).row;
    } catch {
      return null;
    }
  }
  return null;
}

/**
 * The closing that counts in section 三 for a case whose log holds a reopening (see the module
 * comment): walking the log, a closing is undone by a reopening in the same calendar year and
 * stands for good once a reopening comes in a later year (or none comes). Returns the closing
 * date and row, or null when the case is open (reopened and not closed again).
 */
export function effectiveClosing(events: readonly LogEvent[]): { closed_on: string; outcome_row: string | null } | null {
  let current: LogEvent | null = null;
  for (const e of events) {
    if ((CLOSING_EVENTS as readonly string[]).includes(e.type)) {
      current = e;
    } else if (e.type === 'reopened' && current !== null) {
      if (e.date.slice(0, 4) !== current.date.slice(0, 4)) break;
      current = null;
    }
  }
  return current === null ? null : { closed_on: current.date, outcome_row: closingRow(current) };
}

/**
 * The outcome row an application counts in for a format: the recorded row when the format has
 * it; the 2019 （六） row 3.6 and the 2021 sub-rows 3.6.1–3.6.3 translated into each other (a row
 * recorded under the other format); anything else (none recorded, unknown) in （六） / 3.6.3 其他,
 * flagged so that generation reports it.
 */
export function outcomeRowIn(format: FormatId, row: string): { row: string; flagged: boolean } {
  const f = FORMATS[format];
  if (f.applicationRows.some((r) => r.outcome && r.id === row)) return { row, flagged: false };
  const other = format === '2019' ? '3.6' : '3.6.3';
  if (format === '2019' && row.startsWith('3.6.')) return { row: '3.6', flagged: false };
  if (format === '2021' && row === '3.6') return { row: '3.6.3', flagged: false };
  return { row: other, flagged: true };
}

/** What section 四 needs of a review case. */
export interface ReviewFacts {
  kind: ReviewKind;
  filed_on: string;
  result: ReviewResult | null;
  decided_on: string | null;
}

/** Where a review case counts in section 四 of a year, or null (the SQL of queries.ts countReviews). */
export function reviewColumn(c: ReviewFacts, b: YearBounds): ReviewResult | 'pending' | null {
  if (c.filed_on > b.end) return null;
  if (c.result !== null && c.decided_on !== null && c.decided_on <= b.end) return c.decided_on < b.start ? null : c.result;
  return 'pending';
}

/**
 * 第二十条第（一）项 from the catalogue (marked verify where the law leaves room):
 * - Documents: the agency's catalogue items of category art20.1 (行政法规、规章和规范性文件) whose
 *   current public version is 主动公开 (a 规范性文件 must be published to have effect). An item
 *   withdrawn from the public site counts only in years that ended before its withdrawal.
 * - 规章 or 规范性文件: a 文号 containing 令 (政府令, 第N号令) marks a 规章 (verify: the catalogue keeps
 *   no document type; only provincial and 设区的市 governments make 规章, so a county, town or
 *   department has none). Everything else counts as 规范性文件.
 * - Made / issued in the year (2019 本年新制作数量, 2021 本年制发件数): 成文日期 in the year (the
 *   first publication date when the 成文日期 is missing).
 * - 2019 本年新公开数量: first published in the year. 对外公开总数量: published by 31 December.
 * - 2021 本年废止件数: 有效性 废止 with its date in the year. 现行有效件数: made by 31 December and
 *   not 废止 or 失效 by then. 失效 (expired) is not 废止: such a document lowers 现行有效件数 without
 *   counting as repealed (check T6 then warns; generation says why).
 */
export const CATALOGUE_RULES = {
  category: 'art20.1',
  ruleMark: '令',
} as const;

/** Chinese descriptions of each counting rule, for the sources shown beside each figure. */
export const RULE_TEXT = {
  received: (y: number) => `收到申请之日（条例第31条）在${y}年1月1日至12月31日之间的申请`,
  carried: (y: number) => `收到申请之日早于${y}年1月1日、且在该日之前尚未办结的申请`,
  closed: (y: number, label: string) =>
    `${y}年内办结、办理结果为「${label}」的申请（按办结日期；复议或诉讼后重新办理的申请只计一次：计入当年12月31日仍然有效的那次办结）`,
  open: (y: number) => `截至${y}年12月31日尚未办结的申请（含延长答复期限跨年度办理的申请）`,
  totalRow: '（一）至（六）各项办理结果之和',
  totalColumn: '六类申请人之和',
  review: (y: number, group: string, result: string) => `${y}年内审结、结果为「${result}」的${group}案件`,
  reviewPending: (y: number, group: string) => `${y}年12月31日前提起、截至该日尚未审结的${group}案件`,
  reviewTotal: '结果维持、结果纠正、其他结果、尚未审结四项之和',
  catalogue: {
    made: (y: number) => `成文日期在${y}年内的文件（政府信息公开目录“第二十条第（一）项”类别、主动公开；文号含“令”的计为规章）`,
    published: (y: number) => `${y}年内首次在公开平台发布的文件（同一目录类别）`,
    total_published: (y: number) => `截至${y}年12月31日已在公开平台发布的文件（同一目录类别；此前已撤下的不计）`,
    issued: (y: number) => `成文日期在${y}年内的文件（政府信息公开目录“第二十条第（一）项”类别、主动公开；文号含“令”的计为规章）`,
    repealed: (y: number) => `有效性为“废止”、废止日期在${y}年内的文件`,
    in_force: (y: number) => `截至${y}年12月31日已制发、且当日未废止或失效的文件`,
  } as Record<string, (y: number) => string>,
  entered: '本机关录入的数字（系统中没有相应记录）',
  notEntered: '尚未录入：系统中没有相应记录，须由本机关录入并注明来源',
} as const;
