import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { registerByStaff } from '../applications/application.service.js';
import { fixedClock, inPerson, setupDesk, type Desk } from '../../test/support/application-fixtures.js';
import { openTestDb } from '../../test/support/db.js';
import { withStatementCache } from './database.js';
import type { Db } from './database.js';
import { applicationsVersion, catalogueVersion, catalogueVersions, globalVersion, VersionedCache } from './versions.js';

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

  describe('the public catalogue (migration 2026112812)', () => {
    const at = '2026-03-02T02:00:00.000Z';
    const counters = async () => {
      const m = await catalogueVersions(db.kysely, [desk.agencyA, desk.agencyB]);
      return { a: m.get(desk.agencyA)!, b: m.get(desk.agencyB)! };
    };
    /** A draft item with its first version, as the catalogue service makes it. */
    const draft = async (agencyId: number, title: string) => {
      const item = await db.kysely.insertInto('catalogue_items').values({ agency_id: agencyId, index_number: null, created_at: at, created_by: null, updated_at: at }).returning('id').executeTakeFirstOrThrow();
      const version = await db.kysely
        .insertInto('catalogue_versions')
        .values({
          item_id: item.id,
          number: 1,
          state: 'draft',
          title,
          summary: '概述',
          publisher: '发布机构',
          category: 'art20.1',
          subject: '综合政务',
          disclosure: 'active',
          validity: 'valid',
          body: '正文',
          formed_on: '2026-03-02',
          due_on: '2026-03-30',
          author_id: desk.clerkA.userId,
          created_at: at,
          updated_at: at,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return { itemId: item.id, versionId: version.id };
    };
    const file = (versionId: number) =>
      db.kysely.insertInto('catalogue_files').values({ version_id: versionId, filename: 'a.txt', media_type: 'text/plain', size: 1, sha256: '0'.repeat(64), text: null, created_at: at, created_by: null }).execute();

    test("what the public sees of an agency's catalogue moves its counter; drafts and staff bookkeeping do not", async () => {
      const c0 = await counters();
      const d = await draft(desk.agencyA, '草稿');
      await db.kysely.updateTable('catalogue_versions').set({ title: '草稿（改）', state: 'in_review' }).where('id', '=', d.versionId).execute();
      await db.kysely.updateTable('catalogue_items').set({ version: sql`version + 1`, updated_at: at }).where('id', '=', d.itemId).execute();
      await file(d.versionId);
      assert.deepEqual(await counters(), c0, 'a draft, its review and its files are not public');

      // Publication: the version, then the item's pointer (the service does both in one transaction).
      await db.kysely.transaction().execute(async (tx) => {
        await tx.updateTable('catalogue_versions').set({ state: 'published', published_on: '2026-03-02', published_at: at }).where('id', '=', d.versionId).execute();
        await tx.updateTable('catalogue_items').set({ published_version_id: d.versionId, first_published_on: '2026-03-02', index_number: 'A-01-2026-0001' }).where('id', '=', d.itemId).execute();
      });
      const c1 = await counters();
      assert.ok(c1.a > c0.a, `${c1.a} > ${c0.a}`);
      assert.equal(c1.b, c0.b, "another agency's counter stays");

      const steps: Array<[string, () => Promise<unknown>]> = [
        ['a published title corrected', () => db.kysely.updateTable('catalogue_versions').set({ title: '更正' }).where('id', '=', d.versionId).execute()],
        ['a file of the published version', () => file(d.versionId)],
        ['withdrawn', () => db.kysely.updateTable('catalogue_items').set({ withdrawn_at: at }).where('id', '=', d.itemId).execute()],
        ['back on the site', () => db.kysely.updateTable('catalogue_items').set({ withdrawn_at: null }).where('id', '=', d.itemId).execute()],
      ];
      let prev = c1;
      for (const [what, step] of steps) {
        await step();
        const now = await counters();
        assert.ok(now.a > prev.a && now.b === prev.b, what);
        prev = now;
      }
      // Moved to agency B: both columns change.
      await db.kysely.updateTable('catalogue_items').set({ agency_id: desk.agencyB }).where('id', '=', d.itemId).execute();
      const moved = await counters();
      assert.ok(moved.a > prev.a && moved.b > prev.b);
      // The 制度 list of a column.
      await db.kysely.insertInto('disclosure_rule_items').values({ agency_id: desk.agencyB, item_id: d.itemId, added_at: at, added_by: null }).execute();
      const listed = await counters();
      assert.ok(listed.b > moved.b && listed.a === moved.a);
      // One read: the agencies' counter and the sum of the agencies' catalogue counters.
      assert.deepEqual(await catalogueVersion(db.kysely, [desk.agencyA, desk.agencyB]), { agencies: await global('agencies'), catalogue: listed.a + listed.b });
      assert.deepEqual(await catalogueVersion(db.kysely, []), { agencies: await global('agencies'), catalogue: 0 });
    });

    test('a rolled-back publication leaves the counter; a bulk statement moves each agency it touched', async () => {
      const d = await draft(desk.agencyA, '回滚');
      const c0 = await counters();
      await assert.rejects(
        db.kysely.transaction().execute(async (tx) => {
          await tx.updateTable('catalogue_versions').set({ state: 'published', published_on: '2026-03-02' }).where('id', '=', d.versionId).execute();
          await tx.updateTable('catalogue_items').set({ published_version_id: d.versionId }).where('id', '=', d.itemId).execute();
          throw new Error('rolled back');
        }),
        /rolled back/,
      );
      assert.deepEqual(await counters(), c0);
      const e = await draft(desk.agencyB, '批量');
      await db.kysely.updateTable('catalogue_versions').set({ state: 'published', published_on: '2026-03-02' }).where('id', 'in', [d.versionId, e.versionId]).execute();
      const c1 = await counters();
      assert.ok(c1.a > c0.a && c1.b > c0.b);
    });
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
