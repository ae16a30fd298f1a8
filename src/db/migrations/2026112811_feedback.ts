/**
 * The public column's own records (issue 4, src/portal):
 *
 * - feedback: 社会评议 left by the public — a rating of a catalogue item (有用 / 没用, with an
 *   optional comment) or a complaint about a column (投诉, with an optional name and phone that
 *   only staff see) — and the staff's reply (text, who, when). No address, no cookie, nothing
 *   that identifies the visitor is stored with it.
 * - disclosure_rule_items: the published catalogue items an agency's administrator lists under
 *   政府信息公开制度 in its column (the items themselves went through review like any other).
 */
import type { Kysely } from 'kysely';
import { dialectOf, notNull, withId } from './util.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const d = await dialectOf(db);
  await withId(db.schema.createTable('feedback'), d)
    .addColumn('kind', 'text', notNull)
    .addColumn('agency_id', 'integer', (c) => c.notNull().references('agencies.id'))
    .addColumn('item_id', 'integer', (c) => c.references('catalogue_items.id'))
    .addColumn('item_version', 'integer')
    .addColumn('useful', 'integer')
    .addColumn('body', 'text', notNull)
    .addColumn('contact_name', 'text')
    .addColumn('contact_phone', 'text')
    .addColumn('created_at', 'text', notNull)
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('new'))
    .addColumn('reply', 'text')
    .addColumn('replied_by', 'integer', (c) => c.references('users.id'))
    .addColumn('replied_at', 'text')
    .execute();
  await db.schema.createIndex('feedback_agency_state').on('feedback').columns(['agency_id', 'state', 'id']).execute();
  await db.schema.createIndex('feedback_item').on('feedback').columns(['item_id']).execute();

  await db.schema
    .createTable('disclosure_rule_items')
    .addColumn('agency_id', 'integer', (c) => c.notNull().references('agencies.id'))
    .addColumn('item_id', 'integer', (c) => c.notNull().references('catalogue_items.id'))
    .addColumn('added_at', 'text', notNull)
    .addColumn('added_by', 'integer', (c) => c.references('users.id'))
    .addPrimaryKeyConstraint('disclosure_rule_items_pk', ['agency_id', 'item_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('disclosure_rule_items').execute();
  await db.schema.dropTable('feedback').execute();
}
