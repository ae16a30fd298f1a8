import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { openTestDb, TEST_DATABASE_URL } from '../../test/support/db.js';
import { openDatabase } from './database.js';
import { compiledOnce } from './compiled.js';
import type { Db } from './database.js';
import type { AgencyKind, Database } from './schema.js';

describe('compiledOnce', () => {
  let db: Db;
  before(async () => {
    db = await openTestDb();
    const at = new Date().toISOString();
    await db.kysely
      .insertInto('agencies')
      .values(['甲', '乙', '丙'].map((n) => ({ parent_id: null, name: `机关${n}`, kind: 'department' as const, created_at: at })))
      .execute();
  });
  after(() => db.close());

  const byName = compiledOnce(
    (k: Kysely<Database>, name: string, kind: AgencyKind) => k.selectFrom('agencies').select(['name', 'kind']).where('kind', '=', kind).where('name', '=', name).where('parent_id', 'is', null),
    ['\u0000name', '\u0000kind' as AgencyKind] as const,
  );

  test('runs the compiled query with each call’s arguments', async () => {
    assert.deepEqual(await byName(db.kysely, '机关甲', 'department'), [{ name: '机关甲', kind: 'department' }]);
    assert.deepEqual(await byName(db.kysely, '机关乙', 'department'), [{ name: '机关乙', kind: 'department' }]);
    assert.deepEqual(await byName(db.kysely, '机关乙', 'town'), []);
    // Arguments are parameters, never SQL.
    assert.deepEqual(await byName(db.kysely, "机关甲' or '1'='1", 'department'), []);
  });

  test('a sentinel that is missing or appears twice is a programming error', async () => {
    const missing = compiledOnce((k: Kysely<Database>, _name: string) => k.selectFrom('agencies').select('name'), ['\u0000unused'] as const);
    await assert.rejects(missing(db.kysely, 'x'), /appears 0 times/);
    const twice = compiledOnce((k: Kysely<Database>, name: string) => k.selectFrom('agencies').select('name').where('name', '=', name).where('short_name', '=', name), ['\u0000twice'] as const);
    await assert.rejects(twice(db.kysely, 'x'), /appears 2 times/);
  });

  test('keeps working when the table changes under it (PostgreSQL re-prepares a refused cached plan)', async () => {
    const all = compiledOnce((k: Kysely<Database>, name: string) => k.selectFrom('agencies').selectAll().where('name', '=', name), ['\u0000all'] as const);
    // One connection on PostgreSQL, so that the second call meets the statement the first prepared.
    const one = TEST_DATABASE_URL ? await openDatabase({ databaseUrl: TEST_DATABASE_URL, pgSchema: db.pgSchema!, poolSize: 1 }) : db;
    try {
      assert.equal((await all(one.kysely, '机关甲'))[0]?.name, '机关甲');
      await sql`alter table agencies add column extra_note text`.execute(one.kysely);
      const after = await all(one.kysely, '机关甲');
      assert.equal(after[0]?.name, '机关甲');
      assert.ok('extra_note' in after[0]!);
      await sql`alter table agencies drop column extra_note`.execute(one.kysely);
    } finally {
      if (one !== db) await one.close();
    }
  });

  test('on PostgreSQL the statement is prepared once per connection', { skip: !TEST_DATABASE_URL && 'PostgreSQL only' }, async () => {
    const one = await openDatabase({ databaseUrl: TEST_DATABASE_URL, pgSchema: db.pgSchema!, poolSize: 1 });
    try {
      for (let i = 0; i < 3; i++) await byName(one.kysely, '机关丙', 'department');
      const r = await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements`.execute(one.kysely);
      const ours = r.rows.filter((x) => x.name.startsWith('gk_'));
      assert.equal(ours.length, 1);
      assert.match(ours[0]!.statement, /^\/\* prepared \*\/ select/);
    } finally {
      await one.close();
    }
  });
});
