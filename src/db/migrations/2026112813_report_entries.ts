/**
 * The annual report's entered figures and the indexes its generation reads (src/reports/generate):
 *
 * - report_entries: the figures an office enters where the system keeps no records (section 二:
 *   行政许可, 行政处罚, 行政强制, 行政事业性收费, 政府集中采购 …), one per agency, report year and
 *   cell (the DOMAIN.md ids `<row>.<column>`, e.g. `licensing.decisions`), with the source the
 *   figure was taken from (required), who entered it and when. `value` is the canonical decimal
 *   text (exact: amounts are never floats in the database); `unit` only for the 2019 format's
 *   采购总金额, whose unit the format leaves open.
 * - report_entry_history: every setting and clearing of an entry, append-only (the table refuses
 *   UPDATE and DELETE itself), so that what a published report showed can always be traced.
 *
 * Indexes for generation without loading applications (GROUP BY over index-only scans):
 * - applications_report_received (agency_id, received_on, …): the applications received in the
 *   year (row 一) with what their row in the table needs;
 * - applications_report_closed (agency_id, closed_on, …): those received earlier and closed in the
 *   year or still open (closed_on IS NULL). It has the columns of applications_closed (agency_id,
 *   closed_on) as its prefix, which it replaces.
 * - applications_report_long (partial): the few cases that span two New Years or more — the only
 *   ones received before a year and closed after it — so that row 二 never scans the history.
 * - partial indexes on application_events for the two rare event types generation looks up
 *   directly: 'reopened' (section 三 counts a reopened case once, see generate/counting.ts) and
 *   'fee_paid' (information-processing fees collected in the year, by payment date).
 * - catalogue_versions_art20_1: the public versions of category art20.1 (行政法规、规章和规范性文件),
 *   from which 第二十条第（一）项 is counted.
 */
import { sql, type Kysely } from 'kysely';
import { appendOnly, dialectOf, notNull, withId } from './util.js';

const REPORT_COLUMNS = ['applicant_type', 'outcome_row'];

export async function up(db: Kysely<unknown>): Promise<void> {
  const d = await dialectOf(db);

  await withId(db.schema.createTable('report_entries'), d)
    .addColumn('agency_id', 'integer', (c) => c.notNull().references('agencies.id'))
    .addColumn('year', 'integer', notNull)
    .addColumn('cell', 'text', notNull)
    .addColumn('value', 'text', notNull)
    .addColumn('unit', 'text')
    .addColumn('note', 'text', notNull)
    .addColumn('entered_by', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('entered_at', 'text', notNull)
    .addUniqueConstraint('report_entries_cell', ['agency_id', 'year', 'cell'])
    .execute();
  await db.schema.createIndex('report_entries_year').on('report_entries').columns(['year', 'agency_id']).execute();

  await withId(db.schema.createTable('report_entry_history'), d)
    .addColumn('agency_id', 'integer', (c) => c.notNull().references('agencies.id'))
    .addColumn('year', 'integer', notNull)
    .addColumn('cell', 'text', notNull)
    // 'set' | 'cleared'
    .addColumn('action', 'text', notNull)
    .addColumn('value', 'text')
    .addColumn('unit', 'text')
    .addColumn('note', 'text')
    .addColumn('entered_by', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('entered_at', 'text', notNull)
    .execute();
  await db.schema.createIndex('report_entry_history_cell').on('report_entry_history').columns(['agency_id', 'year', 'cell', 'id']).execute();
  await appendOnly(db, d, 'report_entry_history');

  await db.schema
    .createIndex('applications_report_received')
    .on('applications')
    .columns(['agency_id', 'received_on', 'closed_on', ...REPORT_COLUMNS])
    .execute();
  await db.schema
    .createIndex('applications_report_closed')
    .on('applications')
    .columns(['agency_id', 'closed_on', 'received_on', ...REPORT_COLUMNS])
    .execute();
  await db.schema.dropIndex('applications_closed').execute();
  // Cases received in one year and closed two or more New Years later (generate/queries.ts
  // LONG_CASE_PREDICATE, the same text): the only ones carried over into a year and beyond it.
  await sql
    .raw(
      `CREATE INDEX applications_report_long ON applications (agency_id, closed_on, received_on, ${REPORT_COLUMNS.join(', ')}) ` +
        `WHERE CAST(substr(closed_on, 1, 4) AS INTEGER) - CAST(substr(received_on, 1, 4) AS INTEGER) >= 2`,
    )
    .execute(db);

  await sql`CREATE INDEX application_events_reopened ON application_events (application_id) WHERE type = 'reopened'`.execute(db);
  await sql`CREATE INDEX application_events_fee_paid ON application_events (date) WHERE type = 'fee_paid'`.execute(db);
  await sql`CREATE INDEX catalogue_versions_art20_1 ON catalogue_versions (item_id) WHERE category = 'art20.1' AND state = 'published' AND disclosure = 'active'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('catalogue_versions_art20_1').execute();
  await db.schema.dropIndex('application_events_fee_paid').execute();
  await db.schema.dropIndex('application_events_reopened').execute();
  await db.schema.createIndex('applications_closed').on('applications').columns(['agency_id', 'closed_on']).execute();
  await db.schema.dropIndex('applications_report_long').execute();
  await db.schema.dropIndex('applications_report_closed').execute();
  await db.schema.dropIndex('applications_report_received').execute();
  await db.schema.dropTable('report_entry_history').execute();
  await db.schema.dropTable('report_entries').execute();
}
