/** Hits on rate-limited public forms, in the database so that limits hold across app nodes. */
import type { Kysely } from 'kysely';
import { dialectOf, notNull, withId } from './util.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const d = await dialectOf(db);
  await withId(db.schema.createTable('rate_limit_hits'), d)
    .addColumn('bucket', 'text', notNull)
    .addColumn('key', 'text', notNull)
    .addColumn('at', 'text', notNull)
    .execute();
  await db.schema.createIndex('rate_limit_hits_bucket_key_at').on('rate_limit_hits').columns(['bucket', 'key', 'at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('rate_limit_hits').execute();
}
