/**
 * The aggregate queries of report generation: a handful of GROUP BY statements per report, each
 * reading an index range (migration 2026112813_report_entries), never the applications themselves
 * into memory. Each takes the agencies whose records count (one agency, or a subtree for a
 * roll-up) and returns small grouped rows; counting.ts defines what they compute.
 *
 *   countApplications   section 三: four index ranges of `applications`, grouped by agency,
 *                       applicant type, start row (一/二) and end row (outcome row / 四)
 *   reopenedLogs        the closings and reopenings of the (few) reopened cases, via the partial
 *                       index application_events_reopened
 *   countReviews        section 四: review_cases by filing date, joined to their application
 *   countCatalogue      第二十条第（一）项: the art20.1 catalogue items, conditional sums
 *   feePayments         information-processing fees paid in the year (partial index on fee_paid)
 *   listEntries         the entered figures of the year
 *   acceptedUploads     the reports uploaded as files and accepted by the supervisor (reports/uploads)
 *
 * Join order: `CROSS JOIN` fixes it on SQLite (whose planner has no statistics here) so that the
 * narrow side drives — the year's review cases, the fee payments, the reopenings, the art20.1
 * versions — rather than every application or item of a large agency; PostgreSQL reorders it
 * as an inner join by its statistics.
 */
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { Dialect } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import { CATALOGUE_RULES, NO_OUTCOME, type YearBounds } from './counting.js';

type Q = Kysely<Database> | Transaction<Database>;

function agencyIn(column: RawBuilder<unknown>, ids: readonly number[]): RawBuilder<unknown> {
  if (ids.length === 0) return sql`1 = 0`;
  if (ids.length === 1) return sql`${column} = ${ids[0]}`;
  return sql`${column} IN (${sql.join(ids)})`;
}

export interface ApplicationCountRow {
  agency_id: number;
  applicant_type: string;
  /** '1' received in the year, '2' carried over. */
  start_row: string;
  /** The outcome row ('?' when none recorded) or '4' (open at 31 December). */
  end_row: string;
  n: number;
}

/**
 * The predicate of the partial index applications_report_long (migration 2026112813): cases
 * whose handling spans two New Years or more (received in year R, closed in year C ≥ R + 2). Only
 * such a case can be received before a year and closed after it. Written exactly as in the index,
 * so that both planners can prove the index applies.
 */
export const LONG_CASE_PREDICATE = 'CAST(substr(closed_on, 1, 4) AS INTEGER) - CAST(substr(received_on, 1, 4) AS INTEGER) >= 2';

/**
 * Section 三 in one statement of four index ranges (UNION ALL), grouped, each covered by its index
 * (no table access) and each bounded by the year, so that the work follows the year's cases, not
 * the agency's whole history:
 *   一  received in the year                           applications_report_received
 *   二  received earlier, closed in the year           applications_report_closed (closed_on range)
 *       received earlier, closed after the year        applications_report_long (rare: spans 2+ New Years)
 *       received earlier, still open                   applications_report_closed (closed_on IS NULL)
 * On SQLite the filters on received_on of the middle two are written `+received_on` so that the
 * planner keeps to the closed_on ranges (it has no statistics); PostgreSQL picks by statistics.
 */
export async function countApplications(db: Q, dialect: Dialect, agencyIds: readonly number[], b: YearBounds): Promise<ApplicationCountRow[]> {
  if (agencyIds.length === 0) return [];
  const r = await applicationCountsQuery(dialect, agencyIds, b).execute(db);
  return r.rows.map((x) => ({ ...x, agency_id: Number(x.agency_id), n: Number(x.n) }));
}

/** The statement of countApplications (exported for EXPLAIN in tests and for benchmarks). */
export function applicationCountsQuery(dialect: Dialect, agencyIds: readonly number[], b: YearBounds): RawBuilder<ApplicationCountRow> {
  const agency = agencyIn(sql.ref('agency_id'), agencyIds);
  const end = sql`CASE WHEN closed_on <= ${b.end} THEN coalesce(outcome_row, ${sql.lit(NO_OUTCOME)}) ELSE '4' END`;
  const receivedBefore = dialect === 'sqlite' ? sql`+received_on < ${b.start}` : sql`received_on < ${b.start}`;
  return sql<ApplicationCountRow>`
    SELECT agency_id, applicant_type, '1' AS start_row, ${end} AS end_row, count(*) AS n
      FROM applications
     WHERE ${agency} AND received_on >= ${b.start} AND received_on <= ${b.end}
     GROUP BY 1, 2, 3, 4
    UNION ALL
    SELECT agency_id, applicant_type, '2' AS start_row, coalesce(outcome_row, ${sql.lit(NO_OUTCOME)}) AS end_row, count(*) AS n
      FROM applications
     WHERE ${agency} AND closed_on >= ${b.start} AND closed_on <= ${b.end} AND ${receivedBefore}
     GROUP BY 1, 2, 3, 4
    UNION ALL
    SELECT agency_id, applicant_type, '2' AS start_row, '4' AS end_row, count(*) AS n
      FROM applications
     WHERE ${agency} AND closed_on > ${b.end} AND ${receivedBefore} AND ${sql.raw(LONG_CASE_PREDICATE)}
     GROUP BY 1, 2, 3, 4
    UNION ALL
    SELECT agency_id, applicant_type, '2' AS start_row, '4' AS end_row, count(*) AS n
      FROM applications
     WHERE ${agency} AND closed_on IS NULL AND received_on < ${b.start}
     GROUP BY 1, 2, 3, 4`;
}

export interface ReopenedLogRow {
  application_id: number;
  agency_id: number;
  applicant_type: string;
  received_on: string | null;
  closed_on: string | null;
  outcome_row: string | null;
  type: string;
  date: string;
  data: string | null;
}

/**
 * The closing and reopening events of every reopened case of the agencies, in log order, with
 * the case's stored columns (a handful of rows: reopenings are rare).
 */
export async function reopenedLogs(db: Q, agencyIds: readonly number[]): Promise<ReopenedLogRow[]> {
  if (agencyIds.length === 0) return [];
  const r = await reopenedLogsQuery(agencyIds).execute(db);
  return r.rows.map((x) => ({ ...x, application_id: Number(x.application_id), agency_id: Number(x.agency_id) }));
}

/** The statement of reopenedLogs. */
export function reopenedLogsQuery(agencyIds: readonly number[]): RawBuilder<ReopenedLogRow> {
  return sql<ReopenedLogRow>`
    SELECT e.application_id, a.agency_id, a.applicant_type, a.received_on, a.closed_on, a.outcome_row, e.type, e.date, e.data
      FROM (SELECT DISTINCT application_id FROM application_events WHERE type = 'reopened') r
     CROSS JOIN applications a
     CROSS JOIN application_events e
     WHERE a.id = r.application_id AND e.application_id = r.application_id
       AND ${agencyIn(sql.ref('a.agency_id'), agencyIds)}
       AND e.type IN ('replied', 'withdrawn', 'correction_lapsed', 'fee_lapsed', 'reopened')
     ORDER BY e.application_id, e.id`;
}

export interface ReviewCountRow {
  agency_id: number;
  kind: string;
  /** upheld | corrected | other | pending */
  col: string;
  n: number;
}

/** Section 四, grouped (counting.ts reviewColumn). */
export async function countReviews(db: Q, agencyIds: readonly number[], b: YearBounds): Promise<ReviewCountRow[]> {
  if (agencyIds.length === 0) return [];
  const r = await reviewCountsQuery(agencyIds, b).execute(db);
  return r.rows.map((x) => ({ ...x, agency_id: Number(x.agency_id), n: Number(x.n) }));
}

/** The statement of countReviews. */
export function reviewCountsQuery(agencyIds: readonly number[], b: YearBounds): RawBuilder<ReviewCountRow> {
  return sql<ReviewCountRow>`
    SELECT a.agency_id, r.kind,
           CASE WHEN r.result IS NOT NULL AND r.decided_on IS NOT NULL AND r.decided_on <= ${b.end} THEN r.result ELSE 'pending' END AS col,
           count(*) AS n
      FROM review_cases r
     CROSS JOIN applications a
     WHERE a.id = r.application_id
       AND ${agencyIn(sql.ref('a.agency_id'), agencyIds)}
       AND r.filed_on <= ${b.end}
       AND (r.result IS NULL OR r.decided_on IS NULL OR r.decided_on >= ${b.start})
     GROUP BY 1, 2, 3`;
}

export interface CatalogueCountRow {
  agency_id: number;
  /** rules | normative_documents */
  kind: string;
  made: number;
  published: number;
  total_published: number;
  repealed: number;
  in_force: number;
  /** 失效 in the year (lowers in_force without counting as repealed). */
  expired: number;
  /** 失效 or 废止 without a date (counted as not in force, in no year's repealed). */
  undated: number;
}

/**
 * 第二十条第（一）项 (counting.ts CATALOGUE_RULES): one row per agency and kind, conditional sums
 * over the art20.1 items' public versions.
 */
export async function countCatalogue(db: Q, agencyIds: readonly number[], b: YearBounds): Promise<CatalogueCountRow[]> {
  if (agencyIds.length === 0) return [];
  const r = await catalogueCountsQuery(agencyIds, b).execute(db);
  const n = (v: unknown) => Number(v ?? 0);
  return r.rows.map((x) => ({
    agency_id: n(x.agency_id),
    kind: x.kind,
    made: n(x.made),
    published: n(x.published),
    total_published: n(x.total_published),
    repealed: n(x.repealed),
    in_force: n(x.in_force),
    expired: n(x.expired),
    undated: n(x.undated),
  }));
}

/** The statement of countCatalogue. */
export function catalogueCountsQuery(agencyIds: readonly number[], b: YearBounds): RawBuilder<CatalogueCountRow> {
  // Withdrawn after the year: withdrawn_at (UTC) at or after 1 January 00:00 in China.
  const withdrawnAfter = `${b.end}T16:00:00.000Z`;
  const made = sql`coalesce(v.written_on, i.first_published_on)`;
  return sql<CatalogueCountRow>`
    SELECT i.agency_id,
           CASE WHEN v.doc_number LIKE ${sql.lit(`%${CATALOGUE_RULES.ruleMark}%`)} THEN 'rules' ELSE 'normative_documents' END AS kind,
           sum(CASE WHEN ${made} >= ${b.start} AND ${made} <= ${b.end} THEN 1 ELSE 0 END) AS made,
           sum(CASE WHEN i.first_published_on >= ${b.start} AND i.first_published_on <= ${b.end} THEN 1 ELSE 0 END) AS published,
           sum(CASE WHEN i.first_published_on <= ${b.end} THEN 1 ELSE 0 END) AS total_published,
           sum(CASE WHEN v.validity = 'repealed' AND v.validity_on >= ${b.start} AND v.validity_on <= ${b.end} THEN 1 ELSE 0 END) AS repealed,
           sum(CASE WHEN ${made} <= ${b.end} AND (v.validity = 'valid' OR v.validity_on > ${b.end}) THEN 1 ELSE 0 END) AS in_force,
           sum(CASE WHEN v.validity = 'expired' AND v.validity_on >= ${b.start} AND v.validity_on <= ${b.end} THEN 1 ELSE 0 END) AS expired,
           sum(CASE WHEN ${made} <= ${b.end} AND v.validity <> 'valid' AND v.validity_on IS NULL THEN 1 ELSE 0 END) AS undated
      FROM catalogue_versions v
     CROSS JOIN catalogue_items i
     WHERE i.id = v.item_id AND i.published_version_id = v.id
       AND v.category = ${sql.lit(CATALOGUE_RULES.category)} AND v.state = 'published' AND v.disclosure = 'active'
       AND ${agencyIn(sql.ref('i.agency_id'), agencyIds)}
       AND i.first_published_on IS NOT NULL
       AND (i.withdrawn_at IS NULL OR i.withdrawn_at >= ${withdrawnAfter})
     GROUP BY 1, 2`;
}

export interface FeePaymentRow {
  agency_id: number;
  data: string | null;
}

/** Information-processing fees paid in the year (events fee_paid by their date). */
export async function feePayments(db: Q, agencyIds: readonly number[], b: YearBounds): Promise<FeePaymentRow[]> {
  if (agencyIds.length === 0) return [];
  const r = await feePaymentsQuery(agencyIds, b).execute(db);
  return r.rows.map((x) => ({ agency_id: Number(x.agency_id), data: x.data }));
}

/** The statement of feePayments. */
export function feePaymentsQuery(agencyIds: readonly number[], b: YearBounds): RawBuilder<FeePaymentRow> {
  return sql<FeePaymentRow>`
    SELECT a.agency_id, e.data
      FROM application_events e
     CROSS JOIN applications a
     WHERE a.id = e.application_id
       AND e.type = 'fee_paid' AND e.date >= ${b.start} AND e.date <= ${b.end}
       AND ${agencyIn(sql.ref('a.agency_id'), agencyIds)}`;
}

export interface EntryRow {
  agency_id: number;
  cell: string;
  value: string;
  unit: string | null;
  note: string;
  entered_by: number;
  entered_by_name: string;
  entered_at: string;
}

/** The entered figures of the agencies for the year, with who entered them. */
export async function listEntries(db: Q, agencyIds: readonly number[], year: number): Promise<EntryRow[]> {
  if (agencyIds.length === 0) return [];
  return db
    .selectFrom('report_entries as e')
    .innerJoin('users as u', 'u.id', 'e.entered_by')
    .select(['e.agency_id', 'e.cell', 'e.value', 'e.unit', 'e.note', 'e.entered_by', 'u.display_name as entered_by_name', 'e.entered_at'])
    .where('e.year', '=', year)
    .where('e.agency_id', 'in', [...agencyIds])
    .orderBy('e.agency_id')
    .orderBy('e.cell')
    .execute();
}

export interface AcceptedUploadRow {
  id: number;
  agency_id: number;
  content: string;
  file_name: string;
  decided_by: number;
  decided_by_name: string;
  decided_at: string;
}

/** The uploaded reports of the year accepted into the supervisor's roll-up (at most one per agency). */
export async function acceptedUploads(db: Q, agencyIds: readonly number[], year: number): Promise<AcceptedUploadRow[]> {
  if (agencyIds.length === 0) return [];
  const rows = await db
    .selectFrom('report_uploads as r')
    .innerJoin('users as u', 'u.id', 'r.decided_by')
    .select(['r.id', 'r.agency_id', 'r.content', 'r.file_name', 'r.decided_by', 'u.display_name as decided_by_name', 'r.decided_at'])
    .where('r.year', '=', year)
    .where('r.state', '=', 'accepted')
    .where('r.agency_id', 'in', [...agencyIds])
    .orderBy('r.agency_id')
    .execute();
  return rows.map((r) => ({ ...r, decided_by: r.decided_by!, decided_at: r.decided_at! }));
}

export interface AgencyTreeRow {
  id: number;
  parent_id: number | null;
  name: string;
  kind: Database['agencies']['kind'];
}

/** Every agency (a small table): the tree for roll-ups. */
export function listAgencyTree(db: Q): Promise<AgencyTreeRow[]> {
  return db.selectFrom('agencies').select(['id', 'parent_id', 'name', 'kind']).orderBy('id').execute();
}
