import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Kysely } from 'kysely';
import { openTestDb } from '../../test/support/db.js';
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
});
