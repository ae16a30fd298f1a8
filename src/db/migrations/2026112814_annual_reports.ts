/**
 * Annual reports kept in the system (src/reports/store/):
 *
 * - annual_reports: one per agency and year (the canonical public page), its format, the version
 *   published (null until the first publication) and an optimistic-lock counter.
 * - annual_report_versions: the report's content (the report JSON of DOMAIN.md §4.4: tables
 *   generated from the records, prose written by staff), where it stands in review (the agency's
 *   review chain, fixed at submission, as for catalogue items), the findings when it was
 *   submitted, an override of error-level findings with its written reason, and for versions after
 *   the first a change note shown publicly (rule D2). Published versions are never changed: a
 *   change is a new version.
 * - annual_report_reviews: each review step (who, when, conclusion, basis); append-only.
 */
import type { Kysely } from 'kysely';
import { appendOnly, dialectOf, notNull, withId } from './util.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const d = await dialectOf(db);
  await withId(db.schema.createTable('annual_reports'), d)
    .addColumn('agency_id', 'integer', (c) => c.notNull().references('agencies.id'))
    .addColumn('year', 'integer', notNull)
    .addColumn('format', 'text', notNull)
    .addColumn('published_version_id', 'integer')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', notNull)
    .addColumn('updated_at', 'text', notNull)
    .addUniqueConstraint('annual_reports_agency_year', ['agency_id', 'year'])
    .execute();
  await db.schema.createIndex('annual_reports_year').on('annual_reports').columns(['year', 'agency_id']).execute();

  await withId(db.schema.createTable('annual_report_versions'), d)
    .addColumn('report_id', 'integer', (c) => c.notNull().references('annual_reports.id'))
    .addColumn('number', 'integer', notNull)
    .addColumn('state', 'text', notNull)
    .addColumn('content', 'text', notNull)
    .addColumn('sources', 'text')
    .addColumn('generated_at', 'text', notNull)
    .addColumn('change_note', 'text')
    .addColumn('findings', 'text')
    .addColumn('override_reason', 'text')
    .addColumn('chain', 'text')
    .addColumn('review_level', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('review_round', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('review_agency_id', 'integer', (c) => c.references('agencies.id'))
    .addColumn('review_role', 'text')
    .addColumn('author_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'text', notNull)
    .addColumn('updated_at', 'text', notNull)
    .addColumn('submitted_at', 'text')
    .addColumn('published_on', 'text')
    .addColumn('published_at', 'text')
    .addColumn('published_late', 'integer', (c) => c.notNull().defaultTo(0))
    .addUniqueConstraint('annual_report_versions_number', ['report_id', 'number'])
    .execute();
  await db.schema.createIndex('annual_report_versions_review').on('annual_report_versions').columns(['review_agency_id', 'review_role', 'state']).execute();

  await withId(db.schema.createTable('annual_report_reviews'), d)
    .addColumn('version_id', 'integer', (c) => c.notNull().references('annual_report_versions.id'))
    .addColumn('round', 'integer', notNull)
    .addColumn('level', 'integer', notNull)
    .addColumn('level_label', 'text', notNull)
    .addColumn('reviewer_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('at', 'text', notNull)
    .addColumn('conclusion', 'text', notNull)
    .addColumn('basis', 'text', notNull)
    .addColumn('comment', 'text')
    .execute();
  await db.schema.createIndex('annual_report_reviews_version').on('annual_report_reviews').columns(['version_id', 'id']).execute();
  await appendOnly(db, d, 'annual_report_reviews');
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['annual_report_reviews', 'annual_report_versions', 'annual_reports']) await db.schema.dropTable(t).execute();
}
