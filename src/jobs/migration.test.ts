/**
 * Migration 2026112817_scheduled_jobs (SQLite or PostgreSQL, TEST_DATABASE_URL): one claim per
 * (job, slot, attempt); the housekeeping indexes exist; down and up again.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Migrator, sql } from 'kysely';
import type { Db } from '../db/database.js';
import { MIGRATIONS } from '../db/migrate.js';
import { openTestDb, testDialect } from '../../test/support/db.js';

const NAME = '2026112817_scheduled_jobs';

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
  const claim = (attempt: number, node: string) =>
    db.kysely
      .insertInto('job_runs')
      .values({ job: 'j', slot: '2026-11-24', attempt, node, started_at: 't', heartbeat_at: 't', lease_until: 't', finished_at: null, status: 'running', result: null, error: null, retakes: null })
      .onConflict((oc) => oc.columns(['job', 'slot', 'attempt']).doNothing())
      .returning('id')
      .executeTakeFirst();
  const indexes = async (): Promise<string[]> => {
    const q =
      db.dialect === 'sqlite'
        ? sql<{ name: string }>`select name from sqlite_master where type = 'index'`
        : sql<{ name: string }>`select indexname as name from pg_indexes where schemaname = ${db.pgSchema}`;
    return (await q.execute(db.kysely)).rows.map((r) => r.name);
  };

  before(async () => {
    db = await openTestDb({ migrate: false });
    assert.equal((await migrator().migrateTo('2026112816_report_uploads')).error, undefined);
  });
  after(async () => {
    await db?.close();
  });

  test('up: one claim per (job, slot, attempt); the indexes the purges and the metrics read', async () => {
    assert.equal((await migrator().migrateTo(NAME)).error, undefined);
    assert.ok(await claim(1, 'a'));
    assert.equal(await claim(1, 'b'), undefined, 'the slot is taken');
    assert.ok(await claim(2, 'b'), 'a takeover is a new attempt');
    const names = await indexes();
    for (const n of ['job_runs_slot', 'job_runs_started', 'job_runs_outcome', 'login_attempts_at', 'rate_limit_hits_at']) assert.ok(names.includes(n), n);
  });

  test('down and up again', async () => {
    const down = await migrator().migrateDown();
    assert.equal(down.error, undefined);
    assert.deepEqual(down.results?.map((r) => r.migrationName), [NAME]);
    await assert.rejects(db.kysely.selectFrom('job_runs').select('id').execute());
    assert.ok(!(await indexes()).includes('login_attempts_at'));
    assert.equal((await migrator().migrateTo(NAME)).error, undefined);
    assert.equal((await db.kysely.selectFrom('job_runs').select('id').execute()).length, 0);
  });
});
