/**
 * Migration 2026112815_supervision on a database that already holds users (SQLite or PostgreSQL,
 * TEST_DATABASE_URL): existing users get no address; a run key is claimed once; the messages'
 * record refuses UPDATE and DELETE; down and up again.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Migrator } from 'kysely';
import type { Db } from '../db/database.js';
import { MIGRATIONS } from '../db/migrate.js';
import { openTestDb, testDialect } from '../../test/support/db.js';

const NAME = '2026112815_supervision';

describe(`migration ${NAME} (${testDialect})`, () => {
  let db: Db;
  const migrator = () =>
    new Migrator({
      db: db.kysely,
      provider: { getMigrations: async () => MIGRATIONS },
      migrationTableName: 'schema_migrations',
      migrationLockTableName: 'schema_migrations_lock',
      ...(db.pgSchema ? { migrationTableSchema: db.pgSchema } : {}),
    });
  const run = (day: string, node: string) =>
    db.kysely
      .insertInto('reminder_runs')
      .values({ run_key: `daily:${day}`, run_on: day, trigger: 'cli', node, started_at: new Date().toISOString(), finished_at: null, status: 'running', error: null })
      .onConflict((oc) => oc.column('run_key').doNothing())
      .returning('id')
      .executeTakeFirst();

  before(async () => {
    db = await openTestDb({ migrate: false });
    const r = await migrator().migrateTo('2026112814_annual_reports');
    assert.equal(r.error, undefined);
    await db.kysely
      .insertInto('users')
      .values({ username: 'before-migration', display_name: '迁移前', password_hash: 'x', password_changed_at: '2026-11-01T00:00:00.000Z', created_at: '2026-11-01T00:00:00.000Z' })
      .execute();
  });
  after(async () => {
    await db?.close();
  });

  test('up: existing users without an address; one claim per run key; messages append-only', async () => {
    assert.equal((await migrator().migrateTo(NAME)).error, undefined);
    const u = await db.kysely.selectFrom('users').select(['id', 'email']).where('username', '=', 'before-migration').executeTakeFirstOrThrow();
    assert.equal(u.email, null);
    const first = await run('2026-11-16', 'a');
    assert.ok(first);
    assert.equal(await run('2026-11-16', 'b'), undefined, 'the key is taken');
    await db.kysely
      .insertInto('reminder_messages')
      .values({ run_id: first.id, user_id: u.id, address: 'a@b.cn', kind: 'staff', agency_ids: '[1]', subject: 's', status: 'sent', error: null, at: new Date().toISOString() })
      .execute();
    await assert.rejects(db.kysely.updateTable('reminder_messages').set({ status: 'failed' }).execute());
    await assert.rejects(db.kysely.deleteFrom('reminder_messages').execute());
  });

  test('down and up again', async () => {
    const down = await migrator().migrateDown();
    assert.equal(down.error, undefined);
    assert.deepEqual(
      down.results?.map((r) => r.migrationName),
      [NAME],
    );
    await assert.rejects(db.kysely.selectFrom('reminder_runs').select('id').execute());
    await assert.rejects(db.kysely.selectFrom('users').select('email').execute());
    assert.equal((await migrator().migrateTo(NAME)).error, undefined);
    assert.equal((await db.kysely.selectFrom('reminder_runs').select('id').execute()).length, 0);
  });
});
