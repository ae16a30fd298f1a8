import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { registerByStaff } from '../applications/application.service.js';
import { fixedClock, inPerson, setupDesk, type Desk } from '../../test/support/application-fixtures.js';
import { openTestDb } from '../../test/support/db.js';
import { withStatementCache } from './database.js';
import type { Db } from './database.js';
import { applicationsVersion, globalVersion, VersionedCache } from './versions.js';

describe('data versions bumped by the database itself', () => {
  let db: Db;
  let desk: Desk;
  const { deps } = fixedClock('2026-03-02');
  const global = async (scope: 'agencies' | 'accounts') => Number((await sql<{ v: number }>`select ${globalVersion(scope)} as v`.execute(db.kysely)).rows[0]!.v);

  before(async () => {
    db = await openTestDb();
    desk = await setupDesk(db);
  });
  after(() => db.close());

  test('agencies: insert, update and delete each move the counter', async () => {
    const v0 = await global('agencies');
    await db.kysely.updateTable('agencies').set({ office_phone: '0531-1234567' }).where('id', '=', desk.agencyA).execute();
    const v1 = await global('agencies');
    assert.ok(v1 > v0, `${v1} > ${v0}`);
    const id = (
      await db.kysely
        .insertInto('agencies')
        .values({ parent_id: desk.gov, name: `临时机关${Date.now()}`, kind: 'department', created_at: new Date().toISOString() })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    const v2 = await global('agencies');
    assert.ok(v2 > v1);
    await db.kysely.deleteFrom('agencies').where('id', '=', id).execute();
    assert.ok((await global('agencies')) > v2);
  });

  test('accounts: a role granted or a user disabled moves the counter; agencies do not', async () => {
    const a0 = await global('accounts');
    const g0 = await global('agencies');
    await db.kysely.insertInto('user_roles').values({ user_id: desk.clerkB.userId, agency_id: desk.agencyA, role: 'reviewer' }).execute();
    const a1 = await global('accounts');
    assert.ok(a1 > a0);
    await db.kysely.updateTable('users').set({ disabled: 1 }).where('id', '=', desk.clerkB.userId).execute();
    assert.ok((await global('accounts')) > a1);
    assert.equal(await global('agencies'), g0);
  });

  test("applications: a change counts for its agency's queue, not for another agency's", async () => {
    const a0 = await applicationsVersion(db.kysely, [desk.agencyA]);
    const b0 = await applicationsVersion(db.kysely, [desk.agencyB]);
    const ab0 = await applicationsVersion(db.kysely, [desk.agencyA, desk.agencyB]);
    const r = await registerByStaff(db, deps, desk.clerkA, inPerson(desk.agencyA, '2026-03-02'));
    const a1 = await applicationsVersion(db.kysely, [desk.agencyA]);
    assert.ok(a1 > a0);
    assert.equal(await applicationsVersion(db.kysely, [desk.agencyB]), b0);
    assert.ok((await applicationsVersion(db.kysely, [desk.agencyA, desk.agencyB])) > ab0);
    // Moving the case to agency B moves both counters.
    await db.kysely.updateTable('applications').set({ agency_id: desk.agencyB }).where('id', '=', r.applicationId).execute();
    assert.ok((await applicationsVersion(db.kysely, [desk.agencyA])) > a1);
    assert.ok((await applicationsVersion(db.kysely, [desk.agencyB])) > b0);
  });

  test('a rolled-back change leaves the counter where it was', async () => {
    const v0 = await applicationsVersion(db.kysely, [desk.agencyA]);
    await assert.rejects(
      db.kysely.transaction().execute(async (tx) => {
        await tx.updateTable('applications').set({ version: sql`version + 1` }).where('agency_id', '=', desk.agencyA).execute();
        throw new Error('rolled back');
      }),
      /rolled back/,
    );
    assert.equal(await applicationsVersion(db.kysely, [desk.agencyA]), v0);
  });

  test('an empty agency list still reads the agencies counter', async () => {
    assert.equal(await applicationsVersion(db.kysely, []), await global('agencies'));
  });
});

describe('VersionedCache', () => {
  test('a value is returned only for the version it was stored with', () => {
    const c = new VersionedCache<string>(10);
    c.set('k', 1, 'one');
    assert.equal(c.get('k', 1), 'one');
    assert.equal(c.get('k', 2), undefined);
    c.set('k', 2, 'two');
    assert.equal(c.get('k', 1), undefined);
    assert.equal(c.get('k', 2), 'two');
    assert.deepEqual([c.hits, c.misses], [2, 2]);
  });

  test('beyond capacity the least recently used entry goes', () => {
    const c = new VersionedCache<number>(2);
    c.set('a', 0, 1);
    c.set('b', 0, 2);
    assert.equal(c.get('a', 0), 1); // a is now the most recent
    c.set('c', 0, 3);
    assert.equal(c.size, 2);
    assert.equal(c.get('b', 0), undefined);
    assert.equal(c.get('a', 0), 1);
    assert.equal(c.get('c', 0), 3);
  });
});

describe('SQLite statement cache', () => {
  test('reuses an idle statement, prepares a fresh one while it is busy, and stays bounded', () => {
    const raw = new SQLite(':memory:');
    raw.exec('create table t(x integer); insert into t values (1), (2), (3)');
    const db = withStatementCache(raw, 2);
    const s1 = db.prepare('select x from t');
    assert.equal(db.prepare('select x from t'), s1);
    // A statement still iterating is busy: the same SQL gets its own statement meanwhile.
    const it = (s1 as SQLite.Statement).iterate();
    it.next();
    const s2 = db.prepare('select x from t');
    assert.notEqual(s2, s1);
    assert.deepEqual(s2.all([]), [{ x: 1 }, { x: 2 }, { x: 3 }]);
    it.return?.();
    assert.equal(db.prepare('select x from t'), s1);
    // Capacity 2: a third text evicts the least recently used.
    db.prepare('select 1');
    db.prepare('select 2');
    assert.notEqual(db.prepare('select x from t'), s1);
    // Results stay right after a schema change (SQLite re-prepares by itself).
    const s3 = db.prepare('select * from t');
    raw.exec('alter table t add column y integer default 7');
    assert.deepEqual(db.prepare('select * from t').all([])[0], { x: 1, y: 7 });
    assert.equal(db.prepare('select * from t'), s3);
    db.close();
  });
});
