/**
 * Migration 2026112810_search_sequences on an index that already holds documents (SQLite or
 * PostgreSQL, TEST_DATABASE_URL): the sequences continue after the ids in use, and on PostgreSQL
 * every stored block is rewritten from the old layout to the new one (and back, going down) with
 * the same search results.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Migrator, sql } from 'kysely';
import { openTestDb, testDialect } from '../../test/support/db.js';
import { rng } from '../../test/support/reports.js';
import type { Db } from '../db/database.js';
import { MIGRATIONS } from '../db/migrate.js';
import { toNewLayout, toOldLayout } from '../db/migrations/2026112810_search_sequences.js';
import { indexDocuments, removeDocument, search, type SearchDocument } from './index.js';
import { buildBlocks, PostingsBuilder } from './postings.js';

const SCOPE = 'migration';
const NAME = '2026112810_search_sequences';

describe('block layouts: old ↔ new', () => {
  test('random blocks survive the round trip, and the new layout is what the search code writes', () => {
    const next = rng(7);
    for (let round = 0; round < 200; round++) {
      const p = new PostingsBuilder();
      let rowid = 2 ** 40 + Math.floor(next() * 2 ** 30);
      const count = 1 + Math.floor(next() * 300);
      for (let k = 0; k < count; k++) {
        const positions: number[] = [];
        let at = 0;
        const n = Math.floor(next() * 6);
        for (let i = 0; i < n; i++) positions.push((at += 1 + Math.floor(next() * (next() < 0.1 ? 100_000 : 50))));
        p.add(rowid, positions);
        rowid -= 1 + Math.floor(next() * (next() < 0.05 ? 2 ** 28 : 200));
      }
      for (const b of buildBlocks(p)) {
        const old = toOldLayout(b.data, b.n);
        assert.deepEqual(toNewLayout(old, b.n), b.data);
      }
    }
  });

  test('a truncated block is an error, not a loop', () => {
    assert.throws(() => toNewLayout(Uint8Array.from([5, 1]), 3), /truncated/);
  });
});

describe(`migration ${NAME} on an index with documents (${testDialect})`, () => {
  let db: Db;
  const migrator = () =>
    new Migrator({
      db: db.kysely,
      provider: { getMigrations: async () => MIGRATIONS },
      migrationTableName: 'schema_migrations',
      migrationLockTableName: 'schema_migrations_lock',
      ...(db.pgSchema ? { migrationTableSchema: db.pgSchema } : {}),
    });
  const hits = async (query: string) => (await search(db, { scope: SCOPE, query, limit: 100 })).ids;
  const queries = ['公开', '政府信息', '年度报告', '水利', '公'];

  before(async () => {
    db = await openTestDb();
  });
  after(async () => {
    await db?.close();
  });

  test('down and up again: same results; new documents get ids after those in use', async () => {
    const words = ['政府信息公开', '年度报告', '农田水利', '公示', '村务', '预算', '决算', '公开指南'];
    const next = rng(11);
    const docs: SearchDocument[] = Array.from({ length: 300 }, (_, i) => ({
      scope: SCOPE,
      docId: i + 1,
      sortKey: i % 7,
      fields: { title: Array.from({ length: 3 }, () => words[Math.floor(next() * words.length)]).join('，'), body: '关于'.repeat(1 + (i % 40)) + words[i % words.length] },
    }));
    await indexDocuments(db, docs);
    // The newest document of sort key 6 is removed: its id is not given again.
    const newest = docs.filter((d) => d.sortKey === 6).at(-1)!;
    await removeDocument(db, { scope: SCOPE, docId: newest.docId });
    const before = await Promise.all(queries.map(hits));
    assert.ok(before.every((ids) => ids.length > 0));
    const maxId = async () => Number((await db.kysely.selectFrom('search_documents').select((e) => e.fn.max('id').as('m')).executeTakeFirstOrThrow()).m);
    const highest = await maxId();

    // Down: the sequences go, PostgreSQL's blocks are rewritten in the old layout.
    const down = await migrator().migrateTo('2026112809_catalogue');
    assert.equal(down.error, undefined);
    assert.ok(down.results?.some((r) => r.migrationName === NAME && r.direction === 'Down'));
    if (testDialect === 'postgres') {
      const { rows } = await sql<{ n: number; data: Uint8Array }>`SELECT n, data FROM search_postings`.execute(db.kysely);
      assert.ok(rows.length > 0);
      // Every block is now in the old layout: converting it forward is the new layout of the same postings.
      for (const r of rows) assert.deepEqual(toOldLayout(toNewLayout(r.data, r.n), r.n), Uint8Array.from(r.data));
    }

    const up = await migrator().migrateToLatest();
    assert.equal(up.error, undefined);
    assert.ok(up.results?.some((r) => r.migrationName === NAME));
    assert.deepEqual(await Promise.all(queries.map(hits)), before);

    // A new document of sort key 6 gets an id above every id in use; later ones follow it.
    await indexDocuments(db, [{ scope: SCOPE, docId: 1001, sortKey: 6, fields: { title: '新的公示' } }]);
    const first = await maxId();
    assert.ok(first > highest);
    await removeDocument(db, { scope: SCOPE, docId: 1001 });
    await indexDocuments(db, [{ scope: SCOPE, docId: 1002, sortKey: 6, fields: { title: '又一个公示' } }]);
    assert.equal(await maxId(), first + 1, 'the removed document’s id is not given again');
    assert.deepEqual((await search(db, { scope: SCOPE, query: '公示', limit: 1 })).ids, [1002]);
  });
});
