/**
 * Letter settings and document numbers (文号) of letters:
 *
 * - agencies get `doc_prefix` (文号前缀 / 机关代字, e.g. 永政公开), `review_body` (行政复议机关) and
 *   `court` (人民法院), all optional: a letter falls back to the defaults when they are not set;
 * - `letter_numbers` holds the last serial per agency and year (allocated by one upsert);
 * - `issued_letters` records the number a letter got the first time it was issued, so that every
 *   later download of the same letter (application + kind + reply ground) shows the same number.
 */
import type { Kysely } from 'kysely';
import { dialectOf, notNull, withId } from './util.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const d = await dialectOf(db);
  // One column per statement: SQLite's ALTER TABLE adds one column at a time.
  for (const column of ['doc_prefix', 'review_body', 'court']) {
    await db.schema.alterTable('agencies').addColumn(column, 'text').execute();
  }

  await db.schema
    .createTable('letter_numbers')
    .addColumn('agency_id', 'integer', (c) => c.notNull().references('agencies.id'))
    .addColumn('year', 'integer', notNull)
    .addColumn('last_serial', 'integer', notNull)
    .addPrimaryKeyConstraint('letter_numbers_pk', ['agency_id', 'year'])
    .execute();

  await withId(db.schema.createTable('issued_letters'), d)
    .addColumn('application_id', 'integer', (c) => c.notNull().references('applications.id'))
    .addColumn('kind', 'text', notNull)
    /** The reply ground of a reply letter; '' for the other kinds (so that the unique key holds). */
    .addColumn('ground', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('agency_id', 'integer', (c) => c.notNull().references('agencies.id'))
    .addColumn('doc_number', 'text', notNull)
    .addColumn('serial', 'integer', notNull)
    .addColumn('year', 'integer', notNull)
    .addColumn('issued_at', 'text', notNull)
    .addColumn('issued_by', 'integer', (c) => c.references('users.id'))
    .execute();
  await db.schema.createIndex('issued_letters_letter').on('issued_letters').columns(['application_id', 'kind', 'ground']).unique().execute();
  // A serial is never given twice in an agency's year.
  await db.schema.createIndex('issued_letters_serial').on('issued_letters').columns(['agency_id', 'year', 'serial']).unique().execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('issued_letters').execute();
  await db.schema.dropTable('letter_numbers').execute();
  for (const column of ['court', 'review_body', 'doc_prefix']) {
    await db.schema.alterTable('agencies').dropColumn(column).execute();
  }
}
