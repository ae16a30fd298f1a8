import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  AndNode,
  BLOCK_MAX_BYTES,
  BLOCK_MAX_POSTINGS,
  buildBlocks,
  decodeBlock,
  decodeIds,
  encodeBlock,
  encodeIds,
  ListCursor,
  mergePostings,
  phraseNode,
  PostingsBuilder,
  UnionNode,
  walk,
  type Node,
  type Postings,
  type StoredBlock,
} from './postings.js';

interface Posting {
  rowid: number;
  positions: number[];
}

/** Objects → flat postings, and back. */
function flat(ps: readonly Posting[]): PostingsBuilder {
  const b = new PostingsBuilder();
  for (const p of ps) b.add(p.rowid, p.positions);
  return b;
}
function objects(p: Postings): Posting[] {
  return Array.from(p.rowids, (rowid, i) => ({ rowid, positions: Array.from(p.pos).slice(p.posStart[i]!, p.posStart[i + 1]!) }));
}

/** Distinct row ids, newest first, each with sorted distinct positions. */
const postingList = (maxLen = 300, maxId = 5000) =>
  fc
    .uniqueArray(fc.integer({ min: 1, max: maxId }), { maxLength: maxLen })
    .chain((ids) =>
      fc.tuple(
        fc.constant(ids.sort((a, b) => b - a)),
        fc.array(fc.uniqueArray(fc.nat({ max: 60 }), { maxLength: 5 }), { minLength: ids.length, maxLength: ids.length }),
      ),
    )
    .map(([ids, ps]) => ids.map((rowid, i) => ({ rowid, positions: ps[i]!.sort((a, b) => a - b) })));


describe('posting blocks', () => {
  test('encode/decode round trip, also for row ids near 2^53', () => {
    const big = 2 ** 53 - 1;
    const ps = [
      { rowid: big, positions: [0, 5, 100_000] },
      { rowid: big - 1, positions: [] },
      { rowid: 2 ** 20, positions: [3] },
      { rowid: 0, positions: [1] },
    ];
    assert.deepEqual(objects(decodeBlock(encodeBlock(flat(ps)))), ps);
    assert.deepEqual(decodeIds(encodeIds([0, 1, 300, big])), [0, 1, 300, big]);
    fc.assert(
      fc.property(postingList(), (ps) => ps.length === 0 || JSON.stringify(objects(decodeBlock(encodeBlock(flat(ps))))) === JSON.stringify(ps)),
    );
  });

  test('buildBlocks: disjoint blocks, newest first, within the limits, holding exactly the postings', () => {
    fc.assert(
      fc.property(postingList(2000, 100_000), (ps) => {
        const blocks = buildBlocks(flat(ps));
        const back = blocks.flatMap((b) => objects(decodeBlock(b)));
        assert.deepEqual(back, ps);
        for (let i = 0; i < blocks.length; i++) {
          const b = blocks[i]!;
          assert.ok(b.lo <= b.hi);
          if (i > 0) assert.ok(b.hi < blocks[i - 1]!.lo);
          assert.ok(b.n <= BLOCK_MAX_POSTINGS);
          assert.ok(b.n === 1 || b.data.length <= BLOCK_MAX_BYTES, `block of ${b.n} postings, ${b.data.length} bytes`);
        }
      }),
      { numRuns: 60 },
    );
  });

  test('blocks are filled from the oldest posting: a newer posting leaves the older blocks as they were', () => {
    const ps = Array.from({ length: 3000 }, (_, i) => ({ rowid: 3000 - i, positions: [i % 7] }));
    const before = buildBlocks(flat(ps));
    const after = buildBlocks(flat([{ rowid: 3001, positions: [1] }, ...ps]));
    assert.deepEqual(after.slice(1).map((b) => b.lo), before.slice(1).map((b) => b.lo));
    assert.deepEqual(after.slice(1), before.slice(1));
  });

  test('one posting larger than a block is a block of its own', () => {
    const huge = { rowid: 7, positions: Array.from({ length: 5000 }, (_, i) => i * 3) };
    const blocks = buildBlocks(flat([{ rowid: 9, positions: [1] }, huge, { rowid: 2, positions: [1] }]));
    assert.deepEqual(blocks.map((b) => b.n), [1, 1, 1]);
    assert.equal(decodeBlock(blocks[1]!).pos.length, 5000);
  });

  test('mergePostings removes, then adds (a document re-indexed under the same id)', () => {
    const blocks = [flat([{ rowid: 9, positions: [1] }, { rowid: 5, positions: [2] }]), flat([{ rowid: 1, positions: [3] }])];
    const add = flat([{ rowid: 5, positions: [8] }, { rowid: 7, positions: [4] }, { rowid: 12, positions: [] }]).sorted();
    const out = mergePostings(blocks, new Set([5, 9]), add);
    assert.deepEqual(objects(out), [{ rowid: 12, positions: [] }, { rowid: 7, positions: [4] }, { rowid: 5, positions: [8] }, { rowid: 1, positions: [3] }]);
  });

  test('mergePostings against a model (property)', () => {
    fc.assert(
      fc.property(postingList(300, 2000), fc.uniqueArray(fc.integer({ min: 1, max: 2000 })), postingList(50, 2000), (cur, rm, add) => {
        const remove = new Set(rm);
        const cut = Math.floor(cur.length / 2);
        const out = objects(mergePostings([flat(cur.slice(0, cut)), flat(cur.slice(cut))], remove, flat([...add].reverse()).sorted()));
        const byId = new Map(cur.filter((p) => !remove.has(p.rowid)).map((p) => [p.rowid, p]));
        for (const p of add) byId.set(p.rowid, p);
        assert.deepEqual(out, [...byId.values()].sort((a, b) => b.rowid - a.rowid));
      }),
    );
  });
});

/** A store of lists in blocks, and a fetcher answering like the PostgreSQL engine; counts round trips. */
function store(lists: Posting[][]) {
  const blocks = lists.map((ps) => buildBlocks(flat(ps)));
  let trips = 0;
  const fetch = async (cursors: ListCursor[]) => {
    trips++;
    for (const c of cursors) {
      const rs = c.requests();
      c.receive(
        rs,
        rs.map((r) => blocks[c.tokenId]!.filter((b: StoredBlock) => b.lo <= r.target).slice(0, r.limit)),
      );
    }
  };
  return { fetch, trips: () => trips };
}

async function collect(root: Node, fetch: (c: ListCursor[]) => Promise<void>, from = Number.MAX_SAFE_INTEGER, downTo = 0): Promise<number[]> {
  const out: number[] = [];
  await walk(root, fetch, from, downTo, (id) => {
    out.push(id);
    return true;
  });
  return out;
}

describe('cursors walk matches newest first (property, against brute force)', () => {
  test('AND, OR and phrases of lists', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(postingList(400, 3000), { minLength: 3, maxLength: 3 }), fc.integer({ min: 0, max: 3000 }), async (lists, from) => {
        const { fetch } = store(lists);
        const ids = (ps: Posting[]) => new Set(ps.map((p) => p.rowid));
        const [a, b, c] = lists.map(ids) as [Set<number>, Set<number>, Set<number>];
        const desc = (s: Iterable<number>) => [...s].filter((x) => x <= from).sort((x, y) => y - x);
        const cur = (i: number) => new ListCursor(i);
        assert.deepEqual(await collect(new AndNode([cur(0), cur(1)]), fetch, from), desc([...a].filter((x) => b.has(x))));
        assert.deepEqual(await collect(new UnionNode([cur(0), cur(2)]), fetch, from), desc(new Set([...a, ...c])));
        assert.deepEqual(await collect(new AndNode([new UnionNode([cur(0), cur(1)]), cur(2)]), fetch, from), desc([...c].filter((x) => a.has(x) || b.has(x))));
        // phrase: token 0 at p, token 1 at p + 1
        const pos = (l: Posting[], id: number) => new Set(Array.from(l.find((p) => p.rowid === id)?.positions ?? []));
        const phrase = [...a].filter((id) => b.has(id) && [...pos(lists[0]!, id)].some((p) => pos(lists[1]!, id).has(p + 1)));
        assert.deepEqual(await collect(phraseNode([cur(0), cur(1)]), fetch, from), desc(phrase));
        // a repeated token: token 0 at p and p + 1
        const twice = [...a].filter((id) => [...pos(lists[0]!, id)].some((p) => pos(lists[0]!, id).has(p + 1)));
        const shared = cur(0);
        assert.deepEqual(await collect(phraseNode([shared, shared]), fetch, from), desc(twice));
      }),
      { numRuns: 80 },
    );
  });

  test('a walk stops early and needs few round trips for the newest hits of a long list', async () => {
    const long = Array.from({ length: 100_000 }, (_, i) => ({ rowid: 100_000 - i, positions: [0] }));
    const s = store([long]);
    const got: number[] = [];
    await walk(new ListCursor(0), s.fetch, Number.MAX_SAFE_INTEGER, 0, (id) => {
      got.push(id);
      return got.length < 1001;
    });
    assert.equal(got.length, 1001);
    assert.ok(s.trips() <= 4, `${s.trips()} round trips`);
  });

  test('a rare list drives the join: a common one is skipped block by block', async () => {
    const common = Array.from({ length: 100_000 }, (_, i) => ({ rowid: 100_000 - i, positions: [0] }));
    const rare = [90_000, 50_000, 10].map((rowid) => ({ rowid, positions: [1] }));
    const s = store([common, rare]);
    assert.deepEqual(await collect(new AndNode([new ListCursor(0), new ListCursor(1)]), s.fetch), [90_000, 50_000, 10]);
    assert.ok(s.trips() <= 5, `${s.trips()} round trips`);
  });

  test('hints: the common list loads the blocks under the rare one\'s next postings together', async () => {
    // A common token (12 positions a document, ~120 postings a block) and a rare one every 1,000 rows.
    const N = 300_000;
    const common = Array.from({ length: N }, (_, i) => ({ rowid: N - i, positions: Array.from({ length: 12 }, (_, k) => k * 10) }));
    const rare = Array.from({ length: 290 }, (_, i) => {
      const rowid = N - 500 - i * 1000;
      return { rowid, positions: [i % 2 ? 31 : 35] }; // right after the common token at 30, or not
    });
    const expected = rare.map((p) => p.rowid);
    const s = store([common, rare]);
    assert.deepEqual(await collect(new AndNode([new ListCursor(0), new ListCursor(1)]), s.fetch), expected);
    assert.ok(s.trips() <= 12, `${s.trips()} round trips for ${expected.length} hits`);
    const t = store([common, rare]);
    assert.deepEqual(await collect(phraseNode([new ListCursor(0), new ListCursor(1)]), t.fetch), expected.filter((_, i) => i % 2));
    assert.ok(t.trips() <= 12, `${t.trips()} round trips (phrase)`);
  });

  test('empty lists end a join at once', async () => {
    const s = store([[{ rowid: 3, positions: [0] }]]);
    assert.deepEqual(await collect(new AndNode([new ListCursor(0), ListCursor.empty()]), s.fetch), []);
    assert.deepEqual(await collect(new UnionNode([new ListCursor(0), ListCursor.empty()]), s.fetch), [3]);
  });
});
