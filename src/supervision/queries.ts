/**
 * The supervision dashboard's statements: a handful of GROUP BY queries over index ranges, each
 * for a whole set of agencies at once (never one query per agency). Indexes: see migration
 * 2026112815_supervision.
 *
 * The definitions are those of the lists the figures link to:
 * - overdue application: open (application.ts OPEN_STATES) and its reply due date before today —
 *   the work queue's 只看逾期 (application.repository.ts queryQueue);
 * - due soon: open, reply due today or within the next DUE_SOON_WORKING_DAYS working days (the
 *   clock's 即将到期);
 * - catalogue item late: its open version (draft, in review, returned) past its 20-working-day
 *   limit (条例第26条) — the catalogue list's 超期未发布;
 * - complaint unanswered: a complaint (社会评议 投诉) in state 'new' — /admin/feedback's 待答复.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { OPEN_STATES } from '../applications/application.js';
import { OPEN_VERSION_STATES } from '../catalogue/catalogue.service.js';
import type { AnnualReportVersionState, Database } from '../db/schema.js';
import { OPEN_STATES as REPORT_OPEN_STATES } from '../reports/store/annual-report.service.js';

type Q = Kysely<Database> | Transaction<Database>;

/**
 * Agency ids per statement: IN lists are split so that no statement exceeds the databases'
 * parameter limits (SQLite 32,766; PostgreSQL 65,535) however large the tree.
 */
const CHUNK = 5_000;

async function chunked<T>(ids: readonly number[], run: (part: number[]) => Promise<T[]>): Promise<T[]> {
  if (ids.length === 0) return [];
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) out.push(...(await run(ids.slice(i, i + CHUNK))));
  return out;
}

const num = (v: unknown) => Number(v ?? 0);

/**
 * From how many agencies on a catalogue statement starts from the versions (a date range or the
 * few open versions) rather than from each agency's items: a province's supervisor covers most
 * items, a town's few. On SQLite, CROSS JOIN fixes the order (its planner would otherwise walk
 * every item of the IN list); PostgreSQL plans a cross join with its condition like an inner join.
 */
const VERSIONS_FIRST = 50;

/** catalogue_versions v joined to catalogue_items i, in the order that suits the number of agencies. */
function versionsWithItems(db: Q, agencies: number) {
  return agencies > VERSIONS_FIRST
    ? db.selectFrom('catalogue_versions as v').crossJoin('catalogue_items as i').whereRef('i.id', '=', 'v.item_id')
    : db.selectFrom('catalogue_versions as v').innerJoin('catalogue_items as i', 'i.id', 'v.item_id');
}

/** Per agency: open applications past their reply date, and due from today to `dueBy`. */
export async function applicationDeadlines(db: Q, agencyIds: readonly number[], today: string, dueBy: string): Promise<Map<number, { overdue: number; dueSoon: number }>> {
  const rows = await chunked(agencyIds, (part) =>
    db
      .selectFrom('applications')
      .select((eb) => [
        'agency_id',
        eb.fn.sum<number>(eb.case().when('reply_due_on', '<', today).then(1).else(0).end()).as('overdue'),
        eb.fn.sum<number>(eb.case().when('reply_due_on', '>=', today).then(1).else(0).end()).as('due_soon'),
      ])
      // (agency_id, state, reply_due_on): applications_queue, read from the index alone.
      .where('agency_id', 'in', part)
      .where('state', 'in', [...OPEN_STATES])
      .where('reply_due_on', '<=', dueBy)
      .groupBy('agency_id')
      .execute(),
  );
  return new Map(rows.map((r) => [r.agency_id, { overdue: num(r.overdue), dueSoon: num(r.due_soon) }]));
}

/** Per agency: catalogue items whose open version is past its publication limit. */
export async function catalogueOverdue(db: Q, agencyIds: readonly number[], today: string): Promise<Map<number, number>> {
  const rows = await chunked(agencyIds, (part) =>
    versionsWithItems(db, agencyIds.length)
      .select((eb) => ['i.agency_id', eb.fn.countAll<number>().as('n')])
      // catalogue_versions_state (state, due_on): the open versions past their date only.
      .where('v.state', 'in', [...OPEN_VERSION_STATES])
      .where('v.due_on', '<', today)
      .where('i.agency_id', 'in', part)
      .groupBy('i.agency_id')
      .execute(),
  );
  return new Map(rows.map((r) => [r.agency_id, num(r.n)]));
}

export interface PublicationMonth {
  agencyId: number;
  /** YYYY-MM */
  month: string;
  /** Versions published in the month (new items and new versions; any 公开属性). */
  published: number;
  /** Of them, published after their 20-working-day limit. */
  late: number;
  /** The month's last publication the public sees (主动公开), or null. */
  lastPublic: string | null;
}

/**
 * Publications per agency and month from `from` (a month's first day) on: the trend, and each
 * agency's last public publication within the window. One range of catalogue_versions_published.
 */
export async function publicationsByMonth(db: Q, agencyIds: readonly number[], from: string): Promise<PublicationMonth[]> {
  const month = sql<string>`substr(${sql.ref('v.published_on')}, 1, 7)`;
  const rows = await chunked(agencyIds, (part) =>
    // catalogue_versions_published (published_on, …): the window's publications only.
    versionsWithItems(db, agencyIds.length)
      .select((eb) => [
        'i.agency_id',
        month.as('month'),
        eb.fn.countAll<number>().as('published'),
        eb.fn.sum<number>('v.published_late').as('late'),
        eb.fn.max(eb.case().when('v.disclosure', '=', 'active').then(eb.ref('v.published_on')).end()).as('last_public'),
      ])
      .where('v.published_on', '>=', from)
      .where('i.agency_id', 'in', part)
      .groupBy(['i.agency_id', month])
      .execute(),
  );
  return rows.map((r) => ({ agencyId: r.agency_id, month: r.month, published: num(r.published), late: num(r.late), lastPublic: (r.last_public as string | null) ?? null }));
}

/**
 * The last public publication of agencies that had none in the window: their public versions
 * (the partial index catalogue_versions_public_item of 2026112812, reached per item of the
 * agency). The state and 公开属性 are written as literals so that SQLite uses the partial index.
 */
export async function lastPublicPublication(db: Q, agencyIds: readonly number[]): Promise<Map<number, string>> {
  const rows = await chunked(agencyIds, (part) =>
    db
      .selectFrom('catalogue_items as i')
      .innerJoin('catalogue_versions as v', 'v.item_id', 'i.id')
      .select((eb) => ['i.agency_id', eb.fn.max('v.published_on').as('last')])
      .where('i.agency_id', 'in', part)
      .where(sql<boolean>`${sql.ref('v.state')} = 'published' and ${sql.ref('v.disclosure')} = 'active'`)
      .groupBy('i.agency_id')
      .execute(),
  );
  const out = new Map<number, string>();
  for (const r of rows) if (r.last) out.set(r.agency_id, r.last as string);
  return out;
}

/** Per agency: complaints not answered yet. */
export async function openComplaints(db: Q, agencyIds: readonly number[]): Promise<Map<number, number>> {
  const rows = await chunked(agencyIds, (part) =>
    db
      .selectFrom('feedback')
      .select((eb) => ['agency_id', eb.fn.countAll<number>().as('n')])
      // feedback_complaints (kind, state, agency_id): the index alone.
      .where('kind', '=', 'complaint')
      .where('state', '=', 'new')
      .where('agency_id', 'in', part)
      .groupBy('agency_id')
      .execute(),
  );
  return new Map(rows.map((r) => [r.agency_id, num(r.n)]));
}

export interface ReportRow {
  agencyId: number;
  reportId: number;
  publishedOn: string | null;
  publishedLate: boolean;
  /** The open version's state (draft, in review, returned), if any. */
  open: AnnualReportVersionState | null;
}

/** The annual reports of a year for the agencies, with their published and open versions. */
export async function reportsOfYear(db: Q, agencyIds: readonly number[], year: number): Promise<Map<number, ReportRow>> {
  const rows = await chunked(agencyIds, (part) =>
    db
      .selectFrom('annual_reports as r')
      .leftJoin('annual_report_versions as p', 'p.id', 'r.published_version_id')
      .leftJoin('annual_report_versions as o', (j) => j.onRef('o.report_id', '=', 'r.id').on('o.state', 'in', [...REPORT_OPEN_STATES]))
      .select(['r.id', 'r.agency_id', 'p.published_on', 'p.published_late', 'o.state as open'])
      .where('r.year', '=', year)
      .where('r.agency_id', 'in', part)
      .execute(),
  );
  return new Map(
    rows.map((r) => [r.agency_id, { agencyId: r.agency_id, reportId: r.id, publishedOn: r.published_on ?? null, publishedLate: r.published_late === 1, open: r.open ?? null }]),
  );
}

/** Applications received per month from `from` on (the whole set of agencies). */
export async function receivedByMonth(db: Q, agencyIds: readonly number[], from: string): Promise<Map<string, number>> {
  const month = sql<string>`substr(received_on, 1, 7)`;
  const rows = await chunked(agencyIds, (part) =>
    db
      .selectFrom('applications')
      .select((eb) => [month.as('month'), eb.fn.countAll<number>().as('n')])
      // applications_report_received (agency_id, received_on, …): a range per agency.
      .where('agency_id', 'in', part)
      .where('received_on', '>=', from)
      .groupBy(month)
      .execute(),
  );
  return sumByMonth(rows);
}

/** Replies given after their due date, per month of the reply, from `from` on. */
export async function repliedLateByMonth(db: Q, agencyIds: readonly number[], from: string): Promise<Map<string, number>> {
  const month = sql<string>`substr(closed_on, 1, 7)`;
  const rows = await chunked(agencyIds, (part) =>
    db
      .selectFrom('applications')
      .select((eb) => [month.as('month'), eb.fn.countAll<number>().as('n')])
      // applications_replied_late (clock_status, closed_on, agency_id): the late replies only.
      .where('clock_status', '=', 'replied_late')
      .where('closed_on', '>=', from)
      .where('agency_id', 'in', part)
      .groupBy(month)
      .execute(),
  );
  return sumByMonth(rows);
}

function sumByMonth(rows: readonly { month: string; n: unknown }[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of rows) out.set(r.month, (out.get(r.month) ?? 0) + num(r.n));
  return out;
}
