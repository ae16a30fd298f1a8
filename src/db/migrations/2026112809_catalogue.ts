/**
 * The catalogue of proactively disclosed information (主动公开, issue 4):
 *
 * - catalogue_items: one per piece of information, with its 索引号 (allocated at first
 *   publication unless entered by hand, unique) and a pointer to the version the public sees.
 * - catalogue_versions: every version of an item — its metadata, body, the date the information
 *   was formed or changed (the 20-working-day clock, 条例第26条) and where it stands in review.
 *   Published items change only through a new version that goes through review again.
 * - catalogue_reviews: each review step (条例第17条: who, when, conclusion, basis); append-only.
 * - catalogue_files: attachments of a version (stored in the content-addressed file store).
 * - catalogue_serials: the serial part of the 索引号 per agency, year and category.
 * - sensitive_words: the administrator's list checked before submission (sensitive words block;
 *   mistyped words with their correction must be confirmed).
 * - agencies: the review chain (JSON) and the 索引号 pattern of each agency.
 */
import type { Kysely } from 'kysely';
import { appendOnly, dialectOf, notNull, withId } from './util.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const d = await dialectOf(db);
  await db.schema.alterTable('agencies').addColumn('review_chain', 'text').execute();
  await db.schema.alterTable('agencies').addColumn('index_pattern', 'text').execute();

  await withId(db.schema.createTable('catalogue_items'), d)
    .addColumn('agency_id', 'integer', (c) => c.notNull().references('agencies.id'))
    .addColumn('index_number', 'text', (c) => c.unique())
    .addColumn('published_version_id', 'integer')
    .addColumn('first_published_on', 'text')
    .addColumn('withdrawn_at', 'text')
    .addColumn('withdrawn_reason', 'text')
    .addColumn('created_at', 'text', notNull)
    .addColumn('created_by', 'integer', (c) => c.references('users.id'))
    .addColumn('updated_at', 'text', notNull)
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.createIndex('catalogue_items_agency').on('catalogue_items').columns(['agency_id', 'id']).execute();

  await withId(db.schema.createTable('catalogue_versions'), d)
    .addColumn('item_id', 'integer', (c) => c.notNull().references('catalogue_items.id'))
    .addColumn('number', 'integer', notNull)
    .addColumn('state', 'text', notNull)
    .addColumn('title', 'text', notNull)
    .addColumn('summary', 'text', notNull)
    .addColumn('publisher', 'text', notNull)
    .addColumn('doc_number', 'text')
    .addColumn('written_on', 'text')
    .addColumn('category', 'text', notNull)
    .addColumn('subject', 'text', notNull)
    .addColumn('disclosure', 'text', notNull)
    .addColumn('validity', 'text', notNull)
    .addColumn('validity_on', 'text')
    .addColumn('repealed_by', 'text')
    .addColumn('body', 'text', notNull)
    .addColumn('change_note', 'text')
    .addColumn('formed_on', 'text', notNull)
    .addColumn('due_on', 'text', notNull)
    .addColumn('due_provisional', 'integer', (c) => c.notNull().defaultTo(0))
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
    .addUniqueConstraint('catalogue_versions_number', ['item_id', 'number'])
    .execute();
  await db.schema.createIndex('catalogue_versions_state').on('catalogue_versions').columns(['state', 'due_on']).execute();
  await db.schema.createIndex('catalogue_versions_item').on('catalogue_versions').columns(['item_id', 'number']).execute();
  await db.schema.createIndex('catalogue_versions_review').on('catalogue_versions').columns(['review_agency_id', 'review_role', 'state']).execute();

  await withId(db.schema.createTable('catalogue_reviews'), d)
    .addColumn('version_id', 'integer', (c) => c.notNull().references('catalogue_versions.id'))
    .addColumn('round', 'integer', notNull)
    .addColumn('level', 'integer', notNull)
    .addColumn('level_label', 'text', notNull)
    .addColumn('reviewer_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('at', 'text', notNull)
    .addColumn('conclusion', 'text', notNull)
    .addColumn('basis', 'text', notNull)
    .addColumn('comment', 'text')
    .execute();
  await db.schema.createIndex('catalogue_reviews_version').on('catalogue_reviews').columns(['version_id', 'id']).execute();
  await appendOnly(db, d, 'catalogue_reviews');

  await withId(db.schema.createTable('catalogue_files'), d)
    .addColumn('version_id', 'integer', (c) => c.notNull().references('catalogue_versions.id'))
    .addColumn('filename', 'text', notNull)
    .addColumn('media_type', 'text', notNull)
    .addColumn('size', 'integer', notNull)
    .addColumn('sha256', 'text', notNull)
    .addColumn('text', 'text')
    .addColumn('created_at', 'text', notNull)
    .addColumn('created_by', 'integer', (c) => c.references('users.id'))
    .execute();
  await db.schema.createIndex('catalogue_files_version').on('catalogue_files').column('version_id').execute();

  await db.schema
    .createTable('catalogue_serials')
    .addColumn('agency_id', 'integer', (c) => c.notNull().references('agencies.id'))
    .addColumn('year', 'integer', notNull)
    .addColumn('category', 'text', notNull)
    .addColumn('last_serial', 'integer', notNull)
    .addPrimaryKeyConstraint('catalogue_serials_pk', ['agency_id', 'year', 'category'])
    .execute();

  await withId(db.schema.createTable('sensitive_words'), d)
    .addColumn('word', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', notNull)
    .addColumn('suggestion', 'text')
    .addColumn('created_at', 'text', notNull)
    .addColumn('created_by', 'integer', (c) => c.references('users.id'))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['sensitive_words', 'catalogue_serials', 'catalogue_files', 'catalogue_reviews', 'catalogue_versions', 'catalogue_items']) {
    await db.schema.dropTable(t).execute();
  }
  await db.schema.alterTable('agencies').dropColumn('index_pattern').execute();
  await db.schema.alterTable('agencies').dropColumn('review_chain').execute();
}
