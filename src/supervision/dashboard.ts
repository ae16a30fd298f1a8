/**
 * The supervision dashboard (督查看板, issue 6): for each agency of a supervisor's subtree, the
 * figures that show whether its 政府信息公开 work is on time, and the monthly trends of the whole
 * subtree. Computed from the records with a fixed number of grouped statements (queries.ts),
 * whatever the number of agencies; shared by the page, the exports and the e-mail reminders.
 *
 * Figures per agency:
 * - 逾期未答复申请 / 5个工作日内到期: open applications past their reply date / due from today to
 *   the DUE_SOON_WORKING_DAYS-th working day after it (the clock's 即将到期; working days from
 *   the official calendar, weekdays beyond its data);
 * - 超期未发布信息: catalogue items still unpublished past their 20 working days (条例第26条);
 * - 专栏最近更新: the last day something was published to the public (主动公开) — for an
 *   administrative organ, in its column (its own items and those of its villages and communities,
 *   as the portal shows them); for a village or community, its own items. An organ's column not
 *   updated for more than `staleDays` days (or never) is flagged;
 * - 年度报告: the state of last year's report against its deadline (条例第49条: 31 January; a
 *   government's own 31 March), administrative organs only (villages do not report);
 * - 未答复投诉: complaints of the public not answered yet.
 */
import { DUE_SOON_WORKING_DAYS } from '../applications/application.js';
import { chinaDate } from '../applications/application.service.js';
import type { WorkCalendar } from '../calendar/calendar.js';
import { civil, formatIsoDate, parseIsoDate } from '../calendar/date.js';
import type { Db } from '../db/database.js';
import type { AgencyKind } from '../db/schema.js';
import { REPORT_STATUS_LABELS, reportDeadline, reportStatus, type ReportStatus } from '../reports/store/annual-report.service.js';
import * as q from './queries.js';
import type { ScopedAgency } from './scope.js';

export interface SupervisionDeps {
  calendar: WorkCalendar;
  /** The current time (tests fix it); default the system clock. */
  now?: () => Date;
}

/** The kinds of problem a row can have (the page's filter, the reminders). */
export const PROBLEMS = {
  overdue: '有逾期申请',
  due_soon: '有即将到期申请',
  catalogue: '有超期未发布信息',
  stale: '专栏更新滞后',
  report: '年度报告逾期或被退回',
  complaints: '有未答复投诉',
} as const;
export type Problem = keyof typeof PROBLEMS;
export const PROBLEM_KEYS = Object.keys(PROBLEMS) as Problem[];

export interface ReportCell {
  year: number;
  status: ReportStatus;
  label: string;
  deadline: string;
  reportId: number | null;
  publishedOn: string | null;
  /** Published, but after the deadline. */
  publishedLate: boolean;
}

export interface AgencyFigures {
  agencyId: number;
  name: string;
  kind: AgencyKind;
  parentId: number | null;
  level: number;
  organ: boolean;
  overdue: number;
  dueSoon: number;
  catalogueOverdue: number;
  /** The last public publication (see the module comment); null: never. */
  lastPublishedOn: string | null;
  daysSinceUpdate: number | null;
  /** The column is not updated for more than staleDays days, or never (organs only). */
  stale: boolean;
  /** Last year's annual report (organs only). */
  report: ReportCell | null;
  complaints: number;
  problems: Problem[];
}

export interface Trends {
  /** The last twelve months, oldest first (YYYY-MM). */
  months: string[];
  received: number[];
  repliedLate: number[];
  published: number[];
  publishedLate: number[];
}

export interface Figures {
  today: string;
  /** Applications due up to this day count as due soon. */
  dueBy: string;
  reportYear: number;
  staleDays: number;
  rows: AgencyFigures[];
  trends: Trends;
}

/** The twelve months ending with today's, oldest first, and the first day of the oldest. */
export function lastTwelveMonths(today: string): { months: string[]; from: string } {
  const { year, month } = civil(parseIsoDate(today));
  const months: string[] = [];
  for (let k = 11; k >= 0; k--) {
    const m = month - k;
    const y = m <= 0 ? year - 1 : year;
    const mm = m <= 0 ? m + 12 : m;
    months.push(`${y}-${String(mm).padStart(2, '0')}`);
  }
  return { months, from: `${months[0]}-01` };
}

function dueByOf(calendar: WorkCalendar, today: string): string {
  return formatIsoDate(calendar.addWorkingDays(parseIsoDate(today), DUE_SOON_WORKING_DAYS, { beyond: 'weekdays' }));
}

/**
 * The figures of the agencies of a scope (scope.ts), in the scope's order. `trends: false` skips
 * the monthly trends (the reminders need none).
 */
export async function computeFigures(db: Db, deps: SupervisionDeps, scope: readonly ScopedAgency[], opts: { staleDays: number; trends?: boolean }): Promise<Figures> {
  const now = deps.now?.() ?? new Date();
  const today = chinaDate(now);
  const dueBy = dueByOf(deps.calendar, today);
  const reportYear = Number(today.slice(0, 4)) - 1;
  const { months, from } = lastTwelveMonths(today);
  const ids = scope.map((a) => a.id);
  const organIds = scope.filter((a) => a.organ).map((a) => a.id);
  const k = db.kysely;
  const wantTrends = opts.trends ?? true;
  const [deadlines, catalogue, publications, complaints, reports, received, repliedLate] = await Promise.all([
    q.applicationDeadlines(k, organIds, today, dueBy),
    q.catalogueOverdue(k, ids, today),
    q.publicationsByMonth(k, ids, from),
    q.openComplaints(k, ids),
    q.reportsOfYear(k, organIds, reportYear),
    wantTrends ? q.receivedByMonth(k, organIds, from) : Promise.resolve(new Map<string, number>()),
    wantTrends ? q.repliedLateByMonth(k, organIds, from) : Promise.resolve(new Map<string, number>()),
  ]);

  // Each agency's own last public publication: in the window, else before it.
  const own = new Map<number, string>();
  for (const p of publications) if (p.lastPublic && (own.get(p.agencyId) ?? '') < p.lastPublic) own.set(p.agencyId, p.lastPublic);
  const older = await q.lastPublicPublication(
    k,
    ids.filter((id) => !own.has(id)),
  );
  for (const [id, day] of older) own.set(id, day);

  // A column holds the organ's items and those of the villages and communities below it (down to
  // the next organ): portal/columns.ts.
  const nonOrganChildren = new Map<number, ScopedAgency[]>();
  for (const a of scope) {
    if (a.organ || a.parentId === null) continue;
    const list = nonOrganChildren.get(a.parentId);
    if (list) list.push(a);
    else nonOrganChildren.set(a.parentId, [a]);
  }
  const columnLast = new Map<number, string | null>();
  for (const a of scope) {
    if (!a.organ) continue;
    let last = own.get(a.id) ?? null;
    const stack = [...(nonOrganChildren.get(a.id) ?? [])];
    const seen = new Set<number>();
    while (stack.length) {
      const c = stack.pop()!;
      if (seen.has(c.id)) continue;
      seen.add(c.id);
      const d = own.get(c.id);
      if (d && (last === null || d > last)) last = d;
      stack.push(...(nonOrganChildren.get(c.id) ?? []));
    }
    columnLast.set(a.id, last);
  }

  const todayN = parseIsoDate(today);
  const rows = scope.map((a): AgencyFigures => {
    const d = deadlines.get(a.id);
    const last = a.organ ? (columnLast.get(a.id) ?? null) : (own.get(a.id) ?? null);
    // A date after today (a clock set wrong somewhere) counts as today.
    const days = last === null ? null : Math.max(0, todayN - parseIsoDate(last));
    const stale = a.organ && (days === null || days > opts.staleDays);
    let report: ReportCell | null = null;
    if (a.organ) {
      const r = reports.get(a.id);
      const deadline = reportDeadline(a.kind, reportYear);
      const status = reportStatus({ published: !!r?.publishedOn, open: r?.open ?? null, deadline, today });
      report = { year: reportYear, status, label: REPORT_STATUS_LABELS[status], deadline, reportId: r?.reportId ?? null, publishedOn: r?.publishedOn ?? null, publishedLate: r?.publishedLate ?? false };
    }
    const row: AgencyFigures = {
      agencyId: a.id,
      name: a.name,
      kind: a.kind,
      parentId: a.parentId,
      level: a.level,
      organ: a.organ,
      overdue: d?.overdue ?? 0,
      dueSoon: d?.dueSoon ?? 0,
      catalogueOverdue: catalogue.get(a.id) ?? 0,
      lastPublishedOn: last,
      daysSinceUpdate: days,
      stale,
      report,
      complaints: complaints.get(a.id) ?? 0,
      problems: [],
    };
    row.problems = problemsOf(row);
    return row;
  });

  const published = new Map<string, number>();
  const publishedLate = new Map<string, number>();
  for (const p of publications) {
    published.set(p.month, (published.get(p.month) ?? 0) + p.published);
    publishedLate.set(p.month, (publishedLate.get(p.month) ?? 0) + p.late);
  }
  const series = (m: Map<string, number>) => months.map((x) => m.get(x) ?? 0);
  return {
    today,
    dueBy,
    reportYear,
    staleDays: opts.staleDays,
    rows,
    trends: { months, received: series(received), repliedLate: series(repliedLate), published: series(published), publishedLate: series(publishedLate) },
  };
}

export function problemsOf(r: Omit<AgencyFigures, 'problems'>): Problem[] {
  const out: Problem[] = [];
  if (r.overdue > 0) out.push('overdue');
  if (r.dueSoon > 0) out.push('due_soon');
  if (r.catalogueOverdue > 0) out.push('catalogue');
  if (r.stale) out.push('stale');
  if (r.report && (r.report.status === 'late' || r.report.status === 'returned')) out.push('report');
  if (r.complaints > 0) out.push('complaints');
  return out;
}

// ---------------------------------------------------------------------------------------------
// Filtering and sorting (the page and the exports)

export const SORTS = {
  tree: '按机关层级',
  overdue: '逾期申请最多',
  due_soon: '即将到期申请最多',
  catalogue: '超期未发布信息最多',
  stale: '专栏最久未更新',
  report: '年度报告状态',
  complaints: '未答复投诉最多',
  name: '机关名称',
} as const;
export type Sort = keyof typeof SORTS;

/** 'any': rows with at least one problem. */
export type ProblemFilter = Problem | 'any';

/** Report states, most urgent first (the 年度报告 sort). */
const REPORT_ORDER: Record<ReportStatus, number> = { late: 0, returned: 1, not_started: 2, draft: 3, in_review: 4, published: 5 };

export function filterRows(rows: readonly AgencyFigures[], problem: ProblemFilter | undefined): AgencyFigures[] {
  if (!problem) return [...rows];
  return rows.filter((r) => (problem === 'any' ? r.problems.length > 0 : r.problems.includes(problem)));
}

/** Rows in the chosen order; ties keep the tree order. */
export function sortRows(rows: readonly AgencyFigures[], sort: Sort | undefined): AgencyFigures[] {
  const indexed = rows.map((r, i) => [r, i] as const);
  const key = (r: AgencyFigures): number | string => {
    switch (sort) {
      case 'overdue':
        return -r.overdue;
      case 'due_soon':
        return -r.dueSoon;
      case 'catalogue':
        return -r.catalogueOverdue;
      case 'stale':
        // Never updated first, then the longest since the last update; agencies without a flag last.
        return r.organ ? (r.daysSinceUpdate === null ? -Infinity : -r.daysSinceUpdate) : Infinity;
      case 'report':
        return r.report ? REPORT_ORDER[r.report.status] : 9;
      case 'complaints':
        return -r.complaints;
      case 'name':
        return r.name;
      default:
        return 0;
    }
  };
  if (!sort || sort === 'tree') return [...rows];
  const collator = new Intl.Collator('zh-CN');
  return indexed
    .sort(([a, i], [b, j]) => {
      const ka = key(a);
      const kb = key(b);
      const c = typeof ka === 'string' && typeof kb === 'string' ? collator.compare(ka, kb) : (ka as number) < (kb as number) ? -1 : (ka as number) > (kb as number) ? 1 : 0;
      return c !== 0 ? c : i - j;
    })
    .map(([r]) => r);
}

export interface Totals {
  agencies: number;
  withProblems: number;
  overdue: number;
  dueSoon: number;
  catalogueOverdue: number;
  stale: number;
  reportProblems: number;
  complaints: number;
}

export function totalsOf(rows: readonly AgencyFigures[]): Totals {
  const t: Totals = { agencies: rows.length, withProblems: 0, overdue: 0, dueSoon: 0, catalogueOverdue: 0, stale: 0, reportProblems: 0, complaints: 0 };
  for (const r of rows) {
    if (r.problems.length) t.withProblems++;
    t.overdue += r.overdue;
    t.dueSoon += r.dueSoon;
    t.catalogueOverdue += r.catalogueOverdue;
    if (r.stale) t.stale++;
    if (r.problems.includes('report')) t.reportProblems++;
    t.complaints += r.complaints;
  }
  return t;
}

/** Today in China for these deps (for the pages and messages). */
export function todayOf(deps: SupervisionDeps): string {
  return chinaDate(deps.now?.() ?? new Date());
}

/** YYYY-MM-DD → 2026年11月16日. */
export function chineseDate(iso: string): string {
  const { year, month, day } = civil(parseIsoDate(iso));
  return `${year}年${month}月${day}日`;
}

/** 2026-11 → 2026年11月. */
export function chineseMonth(month: string): string {
  return `${month.slice(0, 4)}年${Number(month.slice(5, 7))}月`;
}

