/**
 * Annual reports uploaded as files (src/reports/uploads/): a subordinate agency's report, or the
 * supervising office's upload on its behalf, imported and checked, then accepted into the
 * supervisor's roll-up or returned to the agency with a note.
 *
 * - report_uploads: one row per uploaded file: the agency and year it is the report of, the file
 *   (in the file store, by SHA-256), what the importer read (the report JSON) and the findings,
 *   and where it stands — submitted (awaiting the supervisor), accepted, returned, or superseded
 *   by a later upload for the same agency and year. At most one is accepted per agency and year.
 *   The decision (who, when, the note; for an acceptance despite error-level findings its written
 *   reason) is kept on the row, and every step in the audit log.
 */
import type { Kysely } from 'kysely';
import { dialectOf, notNull, withId } from './util.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const d = await dialectOf(db);
  await withId(db.schema.createTable('report_uploads'), d)
    .addColumn('agency_id', 'integer', (c) => c.notNull().references('agencies.id'))
    .addColumn('year', 'integer', notNull)
    .addColumn('state', 'text', notNull)
    .addColumn('file_name', 'text', notNull)
    .addColumn('file_type', 'text', notNull)
    .addColumn('media_type', 'text', notNull)
    .addColumn('size', 'integer', notNull)
    .addColumn('sha256', 'text', notNull)
    .addColumn('content', 'text', notNull)
    .addColumn('findings', 'text', notNull)
    .addColumn('notes', 'text', notNull)
    .addColumn('errors', 'integer', notNull)
    .addColumn('warnings', 'integer', notNull)
    .addColumn('uploaded_by', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('uploaded_at', 'text', notNull)
    .addColumn('decided_by', 'integer', (c) => c.references('users.id'))
    .addColumn('decided_at', 'text')
    .addColumn('decision_note', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.createIndex('report_uploads_agency_year').on('report_uploads').columns(['agency_id', 'year', 'state']).execute();
  await db.schema.createIndex('report_uploads_year_state').on('report_uploads').columns(['year', 'state', 'agency_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('report_uploads').execute();
}
