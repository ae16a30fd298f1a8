import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { openTestDb, testDialect } from '../../test/support/db.js';
import { openDatabase, DatabaseConfigError } from './database.js';
import { migrateToLatest } from './migrate.js';
import type { Db } from './database.js';

describe(`database (${testDialect})`, () => {
  let db: Db;
  before(async () => {
    db = await openTestDb();
  });
  after(async () => {
    await db.close();
  });

  test('migrations are applied once; running again applies nothing', async () => {
    assert.deepEqual(await migrateToLatest(db), []);
    const tables = ['agencies', 'users', 'user_roles', 'sessions', 'login_attempts', 'audit_log'];
    for (const t of tables) await sql`select count(*) from ${sql.table(t)}`.execute(db.kysely);
  });

  test('the audit log is append-only inside the database', async () => {
    const now = new Date().toISOString();
    await db.kysely.insertInto('audit_log').values({ at: now, action: 'test', user_id: null, agency_id: null, subject_type: null, subject_id: null, details: null, ip: null }).execute();
    await assert.rejects(db.kysely.updateTable('audit_log').set({ action: 'forged' }).execute(), /append-only/);
    await assert.rejects(db.kysely.deleteFrom('audit_log').execute(), /append-only/);
    const rows = await db.kysely.selectFrom('audit_log').select('action').execute();
    assert.deepEqual(rows.map((r) => r.action), ['test']);
  });
});

describe('database configuration errors', () => {
  test('a DATABASE_URL that is not PostgreSQL is refused with a reason', async () => {
    await assert.rejects(openDatabase({ databaseUrl: 'mysql://root:secret@localhost/x' }), (e: unknown) => {
      assert.ok(e instanceof DatabaseConfigError);
      assert.match(e.message, /只支持 PostgreSQL/);
      assert.doesNotMatch(e.message, /secret/);
      return true;
    });
  });

  test('an unreachable PostgreSQL is a clear error, password hidden', async () => {
    await assert.rejects(openDatabase({ databaseUrl: 'postgres://u:secret@127.0.0.1:1/x' }), (e: unknown) => {
      assert.ok(e instanceof DatabaseConfigError);
      assert.match(e.message, /无法连接 PostgreSQL/);
      assert.doesNotMatch(e.message, /secret/);
      return true;
    });
  });
});
