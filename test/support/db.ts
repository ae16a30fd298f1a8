/**
 * A fresh, migrated database for a test file: SQLite in memory by default, or PostgreSQL when
 * TEST_DATABASE_URL is set (each call gets its own schema, dropped on close). The same test suite
 * therefore runs on both databases: `npm test` and `TEST_DATABASE_URL=postgres://… npm test`.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Db } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { DataKeys } from '../../src/crypto/field-cipher.js';
import { installDataKeys } from '../../src/crypto/keys.js';

// Personal data is sealed with the process's data keys, as in a server (src/crypto/keys.ts): every
// test process gets a random key of its own.
installDataKeys(new DataKeys([{ id: 'test', key: randomBytes(32) }]));

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL?.trim() || undefined;
export const testDialect = TEST_DATABASE_URL ? 'postgres' : 'sqlite';

/** `migrate: false`: an empty database (for the migrations' own tests). */
export async function openTestDb(opts: { migrate?: boolean } = {}): Promise<Db> {
  const migrate = opts.migrate ?? true;
  if (!TEST_DATABASE_URL) {
    const db = await openDatabase({ sqlitePath: ':memory:' });
    if (migrate) await migrateToLatest(db);
    return db;
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const db = await openDatabase({ databaseUrl: TEST_DATABASE_URL, pgSchema: schema, poolSize: 4 });
  if (migrate) await migrateToLatest(db);
  const close = db.close;
  return {
    ...db,
    close: async () => {
      await close();
      const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      await c.query(`DROP SCHEMA ${schema} CASCADE`);
      await c.end();
    },
  };
}
