/**
 * The search index on SQLite (FTS5) or PostgreSQL (TEST_DATABASE_URL; our own posting lists):
 * the same suite, checked against a brute-force substring search.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sql, type KyselyPlugin } from 'kysely';
import { openTestDb, TEST_DATABASE_URL, testDialect } from '../../test/support/db.js';
import { rng } from '../../test/support/reports.js';
import { openDatabase, type Db } from '../db/database.js';
import { ValidationError } from '../validation.js';
import { indexDocument, indexDocuments, removeDocument, search, SEARCH_COUNT_CAP, type SearchDocument, type SearchFields, type SearchOptions } from './index.js';
import { fieldContainsWord, normalize, parseQuery } from './tokenize.js';

const SCOPE = 'test';

/** Every hit, page by page through the cursor. */
async function allHits(db: Db, opts: Omit<SearchOptions, 'scope' | 'limit' | 'cursor'>, scope = SCOPE): Promise<number[]> {
  const ids: number[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 100; page++) {
    const r = await search(db, { scope, limit: 100, ...opts, cursor });
    ids.push(...r.ids);
    cursor = r.nextCursor;
    if (!cursor) return ids;
  }
  throw new Error('too many pages');
}

const ids = async (db: Db, query: string, extra: Partial<SearchOptions> = {}) => (await search(db, { scope: SCOPE, query, limit: 100, ...extra })).ids;

/**
 * A model of the index: documents with their order (sort key, then the order in which they got
 * their place: a document re-indexed with the same sort key keeps it).
 */
class Model {
  docs = new Map<number, { fields: SearchFields; sortKey: number; seq: number; keys: string[] }>();
  put(d: SearchDocument): void {
    const old = this.docs.get(d.docId);
    let seq: number;
    if (old && old.sortKey === d.sortKey) seq = old.seq;
    else {
      const same = [...this.docs.values()].filter((x) => x.sortKey === d.sortKey).map((x) => x.seq);
      seq = same.length ? Math.max(...same) + 1 : 0;
    }
    this.docs.set(d.docId, { fields: d.fields, sortKey: d.sortKey, seq, keys: [...(d.keys ?? [])] });
  }
  remove(docId: number): void {
    this.docs.delete(docId);
  }
  /** Brute force: every word is in some field (substring, whole Latin words), every filter holds. */
  hits(query: string, filters: (string | string[])[] = []): number[] {
    const words = parseQuery(query).words.map((w) => w.text);
    if (!words.length) return [];
    return [...this.docs.entries()]
      .filter(([, d]) => {
        const fields = [d.fields.title, d.fields.summary, d.fields.body, d.fields.attachmentsText].filter((f): f is string => !!f).map(normalize);
        return words.every((w) => fields.some((f) => fieldContainsWord(f, w))) && filters.every((f) => (typeof f === 'string' ? [f] : f).some((k) => d.keys.includes(k)));
      })
      .sort(([, a], [, b]) => b.sortKey - a.sortKey || b.seq - a.seq)
      .map(([id]) => id);
  }
}

/** Text with many collisions between documents and queries. */
const ALPHABET = [...'政府信息公开年度报告通知安全', '𠮷', ...'abAB12', ...'ＡＢ１２', ...'，。/-、“”（）', ' ', ' ', '\u3000', '\u200b'];
function randomText(r: () => number, max: number): string {
  const n = Math.floor(r() * max);
  let s = '';
  for (let i = 0; i < n; i++) s += ALPHABET[Math.floor(r() * ALPHABET.length)];
  return s;
}
function randomDoc(r: () => number, docId: number): SearchDocument {
  const field = (max: number) => (r() < 0.15 ? null : randomText(r, max));
  return {
    scope: SCOPE,
    docId,
    sortKey: Math.floor(r() * 12),
    fields: { title: field(20), summary: field(40), body: field(120), attachmentsText: r() < 0.3 ? field(60) : null },
    keys: ['k1', 'k2', 'k3'].filter(() => r() < 0.5),
  };
}

describe(`search: queries of 1 to 10 characters, mixed text, width (${testDialect})`, () => {
  let db: Db;
  const docs: [number, SearchFields][] = [
    [1, { title: '关于做好2024年政府信息公开工作的通知', body: '各镇人民政府：现将政府信息公开年度报告编制要求通知如下。' }],
    [2, { title: '永安镇安全生产检查情况通报', summary: '参照GB/T 7714—2015著录参考文献。', body: '依据条例第20条。' }],
    [3, { title: '市政府信访局２０２４年度工作总结', body: '执行ＧＢ／Ｔ　７７１４。' }],
    [4, { title: '12024年项目', body: 'GB/T7714 与 report 与 第200条' }],
    [5, { title: '政', body: '府' }],
    [6, { title: '政府信息公开年度报告', attachmentsText: '附件：政府信息公开年度报告（全文）' }],
  ];
  before(async () => {
    db = await openTestDb();
    for (const [docId, fields] of docs) await indexDocument(db, { scope: SCOPE, docId, fields, sortKey: docId });
  });
  after(async () => {
    await db?.close();
  });

  test('one character: anywhere (start, middle or end of a run, or alone)', async () => {
    assert.deepEqual(await ids(db, '政'), [6, 5, 3, 1]);
    assert.deepEqual(await ids(db, '府'), [6, 5, 3, 1]);
    assert.deepEqual(await ids(db, '访'), [3]);
    assert.deepEqual(await ids(db, '鑫'), []);
  });

  test('2, 3, 4 and 10 characters: the exact string only', async () => {
    assert.deepEqual(await ids(db, '政府'), [6, 3, 1]);
    assert.deepEqual(await ids(db, '政府信'), [6, 3, 1]);
    assert.deepEqual(await ids(db, '政府信息'), [6, 1]);
    assert.deepEqual(await ids(db, '府信访'), [3]);
    assert.deepEqual(await ids(db, '政府信息公开年度报告'), [6, 1]);
    assert.deepEqual(await ids(db, '信息公开年度报告编制'), [1]);
    assert.deepEqual(await ids(db, '报告信息'), []);
  });

  test('mixed Chinese, Latin and digits: numbers and Latin words are whole', async () => {
    assert.deepEqual(await ids(db, '2024年'), [3, 1]);
    assert.deepEqual(await ids(db, '12024年'), [4]);
    assert.deepEqual(await ids(db, 'GB/T 7714'), [3, 2]);
    assert.deepEqual(await ids(db, 'gb/t7714'), [4]);
    assert.deepEqual(await ids(db, '第20条'), [2]);
    assert.deepEqual(await ids(db, 'port'), []);
    assert.deepEqual(await ids(db, 'report'), [4]);
  });

  test('full-width and half-width are the same, both ways', async () => {
    assert.deepEqual(await ids(db, '２０２４年度'), [3]);
    assert.deepEqual(await ids(db, '2024年度'), [3]);
    assert.deepEqual(await ids(db, 'ＧＢ／Ｔ'), await ids(db, 'GB/T'));
  });

  test('words are ANDed; punctuation and operators typed are harmless', async () => {
    assert.deepEqual(await ids(db, '政府 通知'), [1]);
    assert.deepEqual(await ids(db, '“政府信息” 《年度报告》'), [6, 1]);
    for (const q of ['"', '*', 'NEAR(', '政府 NEAR(信息)', ':', '政府:', '&', '|', '!', '<->', '政府 <-> 公开', '\\', "'", "政府' OR '1'='1", '"政府" OR "安全"', '政府*', 'tokens:政府', '{政府}', '^政府', '政府\\']) {
      const r = await search(db, { scope: SCOPE, query: q });
      const m = new Model();
      for (const [docId, fields] of docs) m.put({ scope: SCOPE, docId, fields, sortKey: docId });
      assert.deepEqual(r.ids, m.hits(q), q);
    }
  });

  test('bad queries: nothing searchable is an empty result; too long is a Chinese error', async () => {
    for (const q of ['', '   ', '！？。', '""', '()']) {
      const r = await search(db, { scope: SCOPE, query: q });
      assert.deepEqual([r.ids, r.total, r.words], [[], 0, []], JSON.stringify(q));
    }
    await assert.rejects(search(db, { scope: SCOPE, query: '政'.repeat(1000) }), (e: unknown) => e instanceof ValidationError && /检索词过长/.test(e.message));
    await assert.rejects(search(db, { scope: SCOPE, query: '政府 '.repeat(400) + '信息公开'.repeat(250) }), ValidationError);
    await assert.rejects(search(db, { scope: SCOPE, query: '政府', limit: 0 }), ValidationError);
    await assert.rejects(search(db, { scope: SCOPE, query: '政府', offset: 1e9 }), ValidationError);
    await assert.rejects(search(db, { scope: SCOPE, query: '政府', cursor: 'not a cursor!' }), (e: unknown) => e instanceof ValidationError && /翻页/.test(e.message));
  });

  test('scopes are separate indexes', async () => {
    await indexDocument(db, { scope: 'other', docId: 1, fields: { title: '其他范围的政府文件' }, sortKey: 1 });
    assert.deepEqual((await search(db, { scope: 'other', query: '政府' })).ids, [1]);
    assert.deepEqual((await search(db, { scope: 'other', query: '信息公开' })).ids, []);
    assert.deepEqual((await search(db, { scope: 'nobody', query: '政府' })).ids, []);
    assert.deepEqual(await ids(db, '其他范围'), []);
  });
});

describe(`search: order, pages, count cap, filters (${testDialect})`, () => {
  let db: Db;
  const N = SEARCH_COUNT_CAP + 5;
  before(async () => {
    db = await openTestDb();
    const batch: SearchDocument[] = [];
    for (let i = 1; i <= N; i++) {
      batch.push({
        scope: SCOPE,
        docId: i,
        fields: { title: `第${i}号 政府通知`, body: i % 100 === 0 ? '罕见词语' : '常见内容' },
        sortKey: 1000 + Math.floor(i / 10),
        keys: [`agency:${i % 3}`, i % 2 ? 'odd' : 'even'],
      });
    }
    await indexDocuments(db, batch.slice(0, 600));
    await indexDocuments(db, batch.slice(600));
  });
  after(async () => {
    await db?.close();
  });

  test('newest first (sort key, then the one indexed last); pages by offset and by cursor agree', async () => {
    const expected = Array.from({ length: N }, (_, i) => N - i); // ids grow with the sort key and the order of indexing
    const first = await search(db, { scope: SCOPE, query: '政府通知' });
    assert.deepEqual(first.ids, expected.slice(0, 20));
    const third = await search(db, { scope: SCOPE, query: '政府通知', offset: 40, limit: 20 });
    assert.deepEqual(third.ids, expected.slice(40, 60));
    assert.deepEqual(await allHits(db, { query: '政府通知' }), expected);
    const afterCursor = await search(db, { scope: SCOPE, query: '政府通知', cursor: first.nextCursor, offset: 20, limit: 5 });
    assert.deepEqual(afterCursor.ids, expected.slice(40, 45));
  });

  test('the count stops at the cap and says so; pages beyond it still work', async () => {
    const r = await search(db, { scope: SCOPE, query: '政府' });
    assert.deepEqual([r.total, r.totalCapped], [SEARCH_COUNT_CAP, true]);
    const late = await search(db, { scope: SCOPE, query: '政府', offset: SEARCH_COUNT_CAP, limit: 100 });
    assert.deepEqual(late.ids, [5, 4, 3, 2, 1]);
    assert.equal(late.nextCursor, null);
    const rare = await search(db, { scope: SCOPE, query: '罕见' });
    assert.deepEqual([rare.total, rare.totalCapped, rare.ids], [10, false, [1000, 900, 800, 700, 600, 500, 400, 300, 200, 100]]);
    assert.equal(rare.nextCursor, null);
    // Every page, the last one too, reached by cursor, says how many hits there are.
    let page = await search(db, { scope: SCOPE, query: '罕见', limit: 4 });
    const seen = [...page.ids];
    while (page.nextCursor) {
      page = await search(db, { scope: SCOPE, query: '罕见', limit: 4, cursor: page.nextCursor });
      assert.equal(page.total, 10);
      seen.push(...page.ids);
    }
    assert.deepEqual(seen, rare.ids);
  });

  test('filters: every entry holds, a list holds with any of its keys; sort key range', async () => {
    const r = await allHits(db, { query: '罕见', filters: ['even', ['agency:1', 'agency:2']] });
    assert.deepEqual(r, [1000, 800, 700, 500, 400, 200, 100]);
    assert.deepEqual(await allHits(db, { query: '罕见', filters: [[]] }), []);
    assert.deepEqual(await allHits(db, { query: '罕见', filters: ['no such key'] }), []);
    assert.deepEqual(await allHits(db, { query: '罕见', sortKeyMin: 1030, sortKeyMax: 1080 }), [800, 700, 600, 500, 400, 300]);
    const counted = await search(db, { scope: SCOPE, query: '政府', filters: ['odd'], sortKeyMax: 1010 });
    assert.deepEqual([counted.total, counted.totalCapped, counted.ids.slice(0, 3)], [55, false, [109, 107, 105]]);
  });
});

describe(`search: no false positives or negatives against brute force, with updates and removals (${testDialect})`, () => {
  let db: Db;
  const model = new Model();
  const r = rng(2026);
  before(async () => {
    db = await openTestDb();
    const docs = Array.from({ length: 300 }, (_, i) => randomDoc(r, i + 1));
    await indexDocuments(db, docs.slice(0, 150));
    for (const d of docs.slice(150)) await indexDocument(db, d);
    docs.forEach((d) => model.put(d));
  });
  after(async () => {
    await db?.close();
  });

  /** Queries: pieces of the documents (hits) and short random text (often none), 1–3 words. */
  const queryArb = fc
    .array(
      fc.oneof(
        fc.tuple(fc.integer({ min: 1, max: 300 }), fc.nat(), fc.integer({ min: 1, max: 10 })).map(([docId, start, len]) => {
          const d = model.docs.get(docId);
          const text = [...(d?.fields.body ?? d?.fields.title ?? '')];
          const s = text.length ? start % text.length : 0;
          return text.slice(s, s + len).join('');
        }),
        fc.array(fc.constantFrom(...ALPHABET), { minLength: 1, maxLength: 4 }).map((xs) => xs.join('')),
      ),
      { minLength: 1, maxLength: 3 },
    )
    .map((ws) => ws.join(' '));
  const filterArb = fc.constantFrom<(string | string[])[]>([], ['k1'], [['k2', 'k3']]);

  const check = () =>
    fc.assert(
      fc.asyncProperty(queryArb, filterArb, async (q, filters) => {
        const expected = model.hits(q, filters);
        const got = await allHits(db, { query: q, filters });
        assert.deepEqual(got, expected, `query ${JSON.stringify(q)}`);
        const first = await search(db, { scope: SCOPE, query: q, filters });
        assert.equal(first.total, Math.min(expected.length, SEARCH_COUNT_CAP));
      }),
      { numRuns: 150 },
    );

  test('random queries over 300 random documents', async () => {
    await check();
  });

  test('after updates (new text, new sort keys, new keys) and removals', async () => {
    for (let i = 0; i < 60; i++) {
      const docId = 1 + Math.floor(r() * 300);
      if (r() < 0.3) {
        const removed = await removeDocument(db, { scope: SCOPE, docId });
        assert.equal(removed, model.docs.has(docId));
        model.remove(docId);
      } else {
        const d = randomDoc(r, docId);
        if (r() < 0.5 && model.docs.has(docId)) d.sortKey = model.docs.get(docId)!.sortKey; // same place
        await indexDocument(db, d);
        model.put(d);
      }
    }
    await check();
    assert.equal(await removeDocument(db, { scope: SCOPE, docId: 9999 }), false);
  });
});

describe(`search: long posting lists, a rare phrase across a common token (${testDialect})`, () => {
  let db: Db;
  before(async () => {
    db = await openTestDb();
    // 常见 40 times in every document: its list spans about a hundred blocks; 独有常见 in every 97th.
    const docs: SearchDocument[] = Array.from({ length: 2000 }, (_, i) => ({
      scope: SCOPE,
      docId: i + 1,
      sortKey: i,
      fields: { body: `${'常见，'.repeat(40)}${(i + 1) % 97 === 0 ? '独有常见' : '独有'}` },
    }));
    for (let i = 0; i < docs.length; i += 500) await indexDocuments(db, docs.slice(i, i + 500));
  });
  after(async () => {
    await db?.close();
  });

  test('every hit, newest first, whatever the number of blocks between them', async () => {
    const expected = Array.from({ length: 20 }, (_, k) => (20 - k) * 97);
    const r = await search(db, { scope: SCOPE, query: '独有常见', limit: 100 });
    assert.deepEqual([r.ids, r.total], [expected, 20]);
    assert.deepEqual(await allHits(db, { query: '独有常见' }), expected);
    const page = await search(db, { scope: SCOPE, query: '常见', limit: 5, offset: 1500 });
    assert.deepEqual([page.ids, page.total, page.totalCapped], [[500, 499, 498, 497, 496], SEARCH_COUNT_CAP, true]);
    const deep = await search(db, { scope: SCOPE, query: '常见 独有', limit: 3, cursor: (await search(db, { scope: SCOPE, query: '常见 独有', limit: 100 })).nextCursor });
    assert.deepEqual(deep.ids, [1900, 1899, 1898]);
  });

  test('asked again (on PostgreSQL straight in one snapshot, the first statement having not sufficed), the same answer; after a change, the new one', async () => {
    const expected = Array.from({ length: 20 }, (_, k) => (20 - k) * 97);
    for (let i = 0; i < 3; i++) assert.deepEqual((await search(db, { scope: SCOPE, query: '独有常见', limit: 100 })).ids, expected);
    await indexDocuments(db, [{ scope: SCOPE, docId: 5000, sortKey: 5000, fields: { body: `${'常见，'.repeat(40)}独有常见` } }]);
    const r = await search(db, { scope: SCOPE, query: '独有常见', limit: 100 });
    assert.deepEqual([r.ids, r.total], [[5000, ...expected], 21]);
  });

  test('PostgreSQL: a search in one snapshot leaves its connection out of any transaction (its COMMIT is not waited for)', { skip: testDialect !== 'postgres' }, async () => {
    const one = await openDatabase({ databaseUrl: TEST_DATABASE_URL, pgSchema: db.pgSchema!, poolSize: 1 });
    try {
      const expected = Array.from({ length: 20 }, (_, k) => (20 - k) * 97);
      // The second and third go straight to the snapshot; the write after them needs a connection out of it.
      for (let i = 0; i < 3; i++) assert.deepEqual((await search(one, { scope: SCOPE, query: '独有常见', limit: 100 })).ids.slice(-20), expected);
      await indexDocuments(one, [{ scope: SCOPE, docId: 5001, sortKey: 5001, fields: { body: '独有常见' } }]);
      assert.equal((await search(one, { scope: SCOPE, query: '独有常见', limit: 1 })).ids[0], 5001);
      assert.equal((await sql<{ s: string }>`SELECT current_setting('transaction_read_only') AS s`.execute(one.kysely)).rows[0]!.s, 'off');
      await removeDocument(one, { scope: SCOPE, docId: 5001 });
    } finally {
      await one.close();
    }
  });

  test('PostgreSQL: every document has its token sequence, replaced and removed with it; without them (an index built before) the same answers', { skip: testDialect !== 'postgres' }, async () => {
    const forward = async () => Number((await sql<{ n: number }>`SELECT count(*) AS n FROM search_forward`.execute(db.kysely)).rows[0]!.n);
    const documents = async () => Number((await sql<{ n: number }>`SELECT count(*) AS n FROM search_documents`.execute(db.kysely)).rows[0]!.n);
    assert.equal(await forward(), await documents());
    const mismatched = await sql<{ n: number }>`SELECT count(*) AS n FROM search_forward f JOIN search_documents d ON d.id = f.id WHERE f.doc_id <> d.doc_id`.execute(db.kysely);
    assert.equal(Number(mismatched.rows[0]!.n), 0, 'doc_id repeats the document row\'s');
    // Its sequence is the document's tokens in order: a window of it is the phrase.
    await indexDocuments(db, [{ scope: SCOPE, docId: 6000, sortKey: 6000, fields: { body: '常见宇宝建设' } }]);
    const row = (await sql<{ width: number; seq: Uint8Array }>`
      SELECT f.width, f.seq FROM search_forward f JOIN search_documents d ON d.id = f.id WHERE d.doc_id = 6000`.execute(db.kysely)).rows[0]!;
    assert.equal(row.seq.length % row.width, 0);
    assert.equal(row.seq.length / row.width, 7, '^常 常见 见宇 宇宝 宝建 建设 设$');
    assert.deepEqual(await ids(db, '宇宝建设'), [6000]);
    await indexDocuments(db, [{ scope: SCOPE, docId: 6000, sortKey: 6000, fields: { body: '常见宇宝建材' } }]);
    assert.deepEqual(await ids(db, '宇宝建设'), []);
    assert.deepEqual(await ids(db, '宇宝建材'), [6000]);
    // An older gongkai (a rolling upgrade) replaces the row the way it always did, without a sequence:
    // the sequence of the old text goes with the old row.
    await db.kysely.transaction().execute(async (trx) => {
      const old = await trx.selectFrom('search_documents').selectAll().where('doc_id', '=', 6000).executeTakeFirstOrThrow();
      await trx.deleteFrom('search_documents').where('id', '=', old.id).execute();
      await trx.insertInto('search_documents').values(old).execute();
    });
    assert.equal(await forward(), (await documents()) - 1);
    assert.deepEqual(await ids(db, '宇宝建材'), [6000]);
    assert.ok(await removeDocument(db, { scope: SCOPE, docId: 6000 }));
    assert.equal(await forward(), await documents());
    const expected = [5000, ...Array.from({ length: 20 }, (_, k) => (20 - k) * 97)];
    const before = await allHits(db, { query: '独有常见' });
    assert.deepEqual(before, expected);
    await sql`DELETE FROM search_forward WHERE id IN (SELECT id FROM search_documents WHERE doc_id % 2 = 0)`.execute(db.kysely);
    assert.deepEqual(await allHits(db, { query: '独有常见' }), expected);
    assert.deepEqual(await allHits(db, { query: '有常见' }), expected);
    assert.equal((await search(db, { scope: SCOPE, query: '独有常见' })).total, 21);
  });
});

describe(`search: lists of every length in one phrase: a few postings, a dozen blocks, a hundred blocks (${testDialect})`, () => {
  let db: Db;
  const bodies = new Map<number, string>();
  before(async () => {
    db = await openTestDb();
    // 常见 in every document (about a hundred blocks), 中等 30 times in every 4th (about a dozen:
    // on PostgreSQL such a list comes whole with the first statement), 独有 in every 89th.
    const docs: SearchDocument[] = Array.from({ length: 2000 }, (_, i) => {
      const body = `${'常见，'.repeat(40)}${i % 4 === 0 ? '中等，'.repeat(30) : ''}${i % 89 === 0 ? '独有中等常见' : i % 89 === 1 ? '独有中等' : ''}${i % 7 === 0 ? '中等常见' : ''}`;
      bodies.set(i + 1, body);
      return { scope: SCOPE, docId: i + 1, sortKey: i, fields: { body } };
    });
    for (let i = 0; i < docs.length; i += 500) await indexDocuments(db, docs.slice(i, i + 500));
  });
  after(async () => {
    await db?.close();
  });

  test('every hit and only hits, newest first, whichever lists drive and whichever are checked', async () => {
    for (const query of ['独有中等常见', '有中等常', '中等常见', '独有中等', '等常见', '等常', '有中', '常见中等']) {
      const expected = [...bodies].filter(([, body]) => body.includes(query)).map(([id]) => id).sort((a, b) => b - a);
      assert.deepEqual(await allHits(db, { query }), expected, query);
      const r = await search(db, { scope: SCOPE, query });
      assert.equal(r.total, Math.min(expected.length, SEARCH_COUNT_CAP), query);
    }
  });
});

describe(`search: a count up to the cap across a sparse long list and a denser one (${testDialect})`, () => {
  let db: Db;
  const bodies = new Map<number, string>();
  before(async () => {
    db = await openTestDb();
    // 甲乙 (6 times in every other document) is a list of at most 16 blocks (on PostgreSQL the
    // first statement reads it whole); 乙丙 is in every document, a longer list: to count 甲乙丙
    // up to the cap, the walk reads it down to where 甲乙 holds the thousandth posting, deeper
    // than its first 8 blocks.
    const docs: SearchDocument[] = Array.from({ length: 4400 }, (_, i) => {
      const body = i % 2 === 0 ? '甲乙丙，'.repeat(6) : `${'乙丙，'.repeat(6)}${i % 301 === 0 ? '甲乙' : ''}`;
      bodies.set(i + 1, body);
      return { scope: SCOPE, docId: i + 1, sortKey: i, fields: { body } };
    });
    for (let i = 0; i < docs.length; i += 1100) await indexDocuments(db, docs.slice(i, i + 1100));
  });
  after(async () => {
    await db?.close();
  });

  test('the count, the page and every hit', async () => {
    for (const query of ['甲乙丙', '乙丙', '甲乙']) {
      const expected = [...bodies].filter(([, body]) => body.includes(query)).map(([id]) => id).sort((a, b) => b - a);
      const r = await search(db, { scope: SCOPE, query, limit: 20 });
      assert.deepEqual([r.ids, r.total, r.totalCapped], [expected.slice(0, 20), SEARCH_COUNT_CAP, true], query);
      const deep = await search(db, { scope: SCOPE, query, limit: 20, offset: 1200 });
      assert.deepEqual(deep.ids, expected.slice(1200, 1220), query);
    }
  });

  test('PostgreSQL: the first statement reads the denser list deep enough: the search takes two statements (blocks, then the ids of the page)', { skip: testDialect !== 'postgres' }, async () => {
    const blocks = async (token: string) =>
      Number((await sql<{ n: number }>`SELECT count(*) AS n FROM search_postings p JOIN search_tokens t ON t.id = p.token_id WHERE t.token = ${token}`.execute(db.kysely)).rows[0]!.n);
    // The premise: 甲乙 at most WHOLE_LIST (16) blocks; 乙丙 longer, the thousandth hit beyond its 8th block.
    const [sparse, dense] = [await blocks('甲乙'), await blocks('乙丙')];
    assert.ok(sparse <= 16 && dense > 16 && dense * (1000 / 2200) > 8, `甲乙 ${sparse} blocks, 乙丙 ${dense}`);
    let statements = 0;
    const counting: KyselyPlugin = {
      transformQuery: (a) => {
        statements++;
        return a.node;
      },
      transformResult: async (a) => a.result,
    };
    const counted = { kysely: db.kysely.withPlugin(counting), dialect: db.dialect };
    for (let i = 0; i < 3; i++) {
      statements = 0;
      const r = await search(counted, { scope: SCOPE, query: '甲乙丙', limit: 20 });
      assert.equal(r.total, SEARCH_COUNT_CAP);
      assert.equal(statements, 2, `search ${i + 1}`);
    }
  });
});

describe(`search: updates, removals, transactions, long documents (${testDialect})`, () => {
  let db: Db;
  before(async () => {
    db = await openTestDb();
  });
  after(async () => {
    await db?.close();
  });

  test('re-indexing replaces the text; a new sort key moves the document; removal removes it', async () => {
    await indexDocument(db, { scope: SCOPE, docId: 1, fields: { title: '旧标题：农村土地承包' }, sortKey: 10 });
    await indexDocument(db, { scope: SCOPE, docId: 2, fields: { title: '土地征收公告' }, sortKey: 20 });
    assert.deepEqual(await ids(db, '土地'), [2, 1]);
    await indexDocument(db, { scope: SCOPE, docId: 1, fields: { title: '新标题：土地流转' }, sortKey: 30 });
    assert.deepEqual(await ids(db, '土地'), [1, 2]);
    assert.deepEqual(await ids(db, '农村'), []);
    assert.deepEqual(await ids(db, '土地流转'), [1]);
    assert.equal(await removeDocument(db, { scope: SCOPE, docId: 1 }), true);
    assert.deepEqual(await ids(db, '土地'), [2]);
    assert.equal(await removeDocument(db, { scope: SCOPE, docId: 1 }), false);
  });

  test("the caller's transaction: indexing is undone with it", async () => {
    await assert.rejects(
      db.kysely.transaction().execute(async (trx) => {
        await indexDocument({ kysely: trx, dialect: db.dialect }, { scope: SCOPE, docId: 50, fields: { title: '回滚的文件' }, sortKey: 1 });
        assert.deepEqual((await search({ kysely: trx, dialect: db.dialect }, { scope: SCOPE, query: '回滚' })).ids, [50]);
        throw new Error('rollback');
      }),
      /rollback/,
    );
    assert.deepEqual(await ids(db, '回滚'), []);
  });

  test('a body of 100,000 characters: phrases anywhere, also far beyond 16,383 tokens', async () => {
    const filler = '本机关依法依规做好各项工作，';
    let body = '';
    while (body.length < 100_000) body += filler;
    body = `开头的独特短语${body.slice(0, 50_000)}中间的特别词汇${body.slice(50_000)}结尾的罕有名称`;
    await indexDocument(db, { scope: SCOPE, docId: 100, fields: { title: '长文档', body }, sortKey: 5 });
    await indexDocument(db, { scope: SCOPE, docId: 101, fields: { body: '结尾的' }, sortKey: 6 });
    assert.deepEqual(await ids(db, '开头的独特短语'), [100]);
    assert.deepEqual(await ids(db, '中间的特别词汇'), [100]);
    assert.deepEqual(await ids(db, '罕有名称'), [100]);
    assert.deepEqual(await ids(db, '结尾的'), [101, 100]);
    assert.deepEqual(await ids(db, '依规做好各项'), [100]);
    assert.deepEqual(await ids(db, '工作本机关'), []);
    assert.deepEqual(await ids(db, '独特短语 罕有名称'), [100]);
    await indexDocument(db, { scope: SCOPE, docId: 100, fields: { title: '长文档', body: 'x' }, sortKey: 5 });
    assert.deepEqual(await ids(db, '罕有名称'), []);
  });

  test('documents with the same sort key: the one indexed last comes first', async () => {
    for (const docId of [201, 202, 203]) await indexDocument(db, { scope: SCOPE, docId, fields: { title: '同日发布' }, sortKey: 7 });
    assert.deepEqual(await ids(db, '同日发布'), [203, 202, 201]);
    await indexDocument(db, { scope: SCOPE, docId: 201, fields: { title: '同日发布（修订）' }, sortKey: 7 });
    assert.deepEqual(await ids(db, '同日发布'), [203, 202, 201], 're-indexing keeps the place');
  });

  test('programming errors are refused before the database', async () => {
    await assert.rejects(indexDocument(db, { scope: SCOPE, docId: -1, fields: {}, sortKey: 1 }), TypeError);
    await assert.rejects(indexDocument(db, { scope: SCOPE, docId: 1, fields: {}, sortKey: 2 ** 40 }), RangeError);
    await assert.rejects(indexDocument(db, { scope: '', docId: 1, fields: {}, sortKey: 1 }), TypeError);
  });
});
