/**
 * Demo seeding on an empty database, on SQLite and PostgreSQL (TEST_DATABASE_URL): several nodes
 * started at once with GONGKAI_DEMO=1 must not seed twice (or fail on each other's rows).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Db } from '../db/database.js';
import { openTestDb, testDialect } from '../../test/support/db.js';
import { DEMO_USERS, isEmpty, seedDemo } from './seed.js';

describe(`demo seeding (${testDialect})`, () => {
  let db: Db;
  before(async () => {
    db = await openTestDb();
  });
  after(async () => {
    await db.close();
  });

  test('four seedings at once on an empty database: one seeds, the others find it done; nothing twice', async () => {
    assert.equal(await isEmpty(db.kysely), true);
    const results = await Promise.all([0, 1, 2, 3].map(() => seedDemo(db.kysely)));
    assert.deepEqual(results.filter(Boolean).length, 1, JSON.stringify(results));
    const users = await db.kysely.selectFrom('users').select('username').execute();
    assert.equal(users.length, DEMO_USERS.length);
    const agencies = await db.kysely.selectFrom('agencies').select('name').execute();
    assert.equal(new Set(agencies.map((a) => a.name)).size, agencies.length, 'each agency once');
    assert.equal(await seedDemo(db.kysely), false, 'a later start: nothing to do');
    assert.equal((await db.kysely.selectFrom('users').select('id').execute()).length, DEMO_USERS.length);
  });
});
