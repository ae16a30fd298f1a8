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
  decodeWindow,
  encodeBlock,
  encodeIds,
  encodeSequence,
  ListCursor,
  mergePostings,
  phraseNode,
  PostingsBuilder,
  SequencePhrase,
  UnionNode,
  walk,
  WindowLoader,
  type Loadable,
  type Node,
  type Postings,
  type StoredBlock,
} from './postings.js';
import { rng } from '../../test/support/reports.js';

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

/**
 * A store of lists in blocks (and of documents' token sequences, when given), and a fetcher
 * answering like the PostgreSQL engine; counts round trips, blocks and windows loaded.
 */
function store(lists: Posting[][], sequences: ReadonlyMap<number, readonly number[]> = new Map()) {
  const blocks = lists.map((ps) => buildBlocks(flat(ps)));
  let trips = 0;
  let blocksRead = 0;
  let windowsRead = 0;
  const fetch = async (pending: Loadable[]) => {
    trips++;
    for (const c of pending) {
      if (c instanceof WindowLoader) {
        const rs = c.requests();
        windowsRead += rs.length;
        c.receive(
          rs,
          rs.map((r) => {
            const seq = sequences.get(r.rowid);
            if (!seq) return null;
            const { width, seq: bytes } = encodeSequence(seq);
            return { width, bytes: bytes.slice(r.start * width, (r.start + r.length) * width) };
          }),
        );
        continue;
      }
      const rs = c.requests();
      const answers = rs.map((r) => blocks[c.tokenId]!.filter((b: StoredBlock) => b.lo <= r.target).slice(0, r.limit));
      blocksRead += answers.reduce((n, a) => n + a.length, 0);
      c.receive(rs, answers);
    }
  };
  return { fetch, trips: () => trips, blocks: () => blocksRead, windows: () => windowsRead };
}

async function collect(root: Node, fetch: (c: Loadable[]) => Promise<void>, from = Number.MAX_SAFE_INTEGER, downTo = 0): Promise<number[]> {
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

/** Documents as token sequences (row id → token ids), and the posting lists they make. */
function corpusOf(docs: ReadonlyMap<number, readonly number[]>, vocabulary: number): Posting[][] {
  const lists: Posting[][] = Array.from({ length: vocabulary }, () => []);
  for (const rowid of [...docs.keys()].sort((a, b) => b - a)) {
    const seq = docs.get(rowid)!;
    const at = new Map<number, number[]>();
    seq.forEach((t, p) => at.set(t, [...(at.get(t) ?? []), p]));
    for (const [t, positions] of at) lists[t]!.push({ rowid, positions });
  }
  return lists;
}

/** Rows where the phrase `tokens` occurs (brute force on the sequences), newest first. */
function phraseHits(docs: ReadonlyMap<number, readonly number[]>, tokens: readonly number[], from: number): number[] {
  const out: number[] = [];
  for (const [rowid, seq] of docs) {
    if (rowid > from) continue;
    for (let s = 0; s + tokens.length <= seq.length; s++) {
      if (tokens.every((t, k) => seq[s + k] === t)) {
        out.push(rowid);
        break;
      }
    }
  }
  return out.sort((a, b) => b - a);
}

describe('token sequences', () => {
  test('a window is a byte slice of the sequence, in the fewest bytes that hold the largest id', () => {
    for (const [ids, width] of [
      [[0, 1, 65_535], 2],
      [[65_536, 3], 3],
      [[2 ** 24 - 1], 3],
      [[2 ** 24, 7, 2 ** 31 - 1], 4],
    ] as const) {
      const e = encodeSequence(ids);
      assert.equal(e.width, width);
      assert.equal(e.seq.length, ids.length * width);
      assert.deepEqual(decodeWindow(e.seq, e.width), [...ids]);
      assert.deepEqual(decodeWindow(e.seq.slice(width, 2 * width), e.width), ids.slice(1, 2));
    }
  });

  test('a damaged window is an error, not a wrong answer', () => {
    assert.throws(() => decodeWindow(Uint8Array.from([1, 2, 3]), 2), /damaged/);
    assert.throws(() => decodeWindow(Uint8Array.from([1, 2]), 5), /damaged/);
  });
});

describe('phrases checked on token sequences (SequencePhrase)', () => {
  /** Documents of Zipf-distributed tokens: token 0 is in most documents, the last ones in few. */
  const documents = (next: () => number, n: number, vocabulary: number, gapMax: number) => {
    const docs = new Map<number, number[]>();
    let rowid = 1;
    for (let i = 0; i < n; i++) {
      rowid += 1 + Math.floor(next() * gapMax);
      const len = 1 + Math.floor(next() * 30);
      docs.set(rowid, Array.from({ length: len }, () => Math.min(vocabulary - 1, Math.floor(vocabulary * next() ** 3))));
    }
    return docs;
  };

  test('same hits as brute force, whichever tokens drive, with or without stored sequences (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 2 ** 30 }),
        fc.array(fc.integer({ min: 0, max: 11 }), { minLength: 2, maxLength: 4 }),
        fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
        fc.integer({ min: 0, max: 3 }),
        async (seed, phrase, driving, missingEvery) => {
          const next = rng(seed);
          const docs = documents(next, 400, 12, 40);
          const lists = corpusOf(docs, 12);
          // Every fourth (or other) document has no stored sequence (indexed before they existed).
          const sequences = new Map([...docs].filter(([rowid]) => !missingEvery || rowid % (missingEvery + 1)));
          const distinct = [...new Set(phrase)];
          const sparseTokens = new Set(distinct.filter((_, i) => driving[i]));
          if (!sparseTokens.size) sparseTokens.add(distinct[0]!);
          const from = [...docs.keys()].sort((a, b) => b - a)[Math.floor(next() * 50)]!;
          const expected = phraseHits(docs, phrase, from);
          const { fetch } = store(lists, sequences);
          if (sparseTokens.size === distinct.length) {
            const shared = new Map(distinct.map((t) => [t, new ListCursor(t)]));
            assert.deepEqual(await collect(phraseNode(phrase.map((t) => shared.get(t)!)), fetch, from), expected);
            return;
          }
          const cursors = new Map(distinct.map((t) => [t, new ListCursor(t, sparseTokens.has(t) ? 8 : 1)]));
          const node = new SequencePhrase(
            phrase.map((t) => cursors.get(t)!),
            new Set([...sparseTokens].map((t) => cursors.get(t)!)),
            new WindowLoader(phrase.length),
          );
          assert.deepEqual(await collect(node, fetch, from), expected);
        },
      ),
      { numRuns: 150 },
    );
  });

  test('a rare token with a common one: windows instead of the common list\'s blocks, in few round trips', async () => {
    // 300,000 documents of 12 tokens; token 0 ("建设") in every one; token 1 ("宇宝") in one in a thousand,
    // followed by token 0 in every other one of those.
    const N = 300_000;
    const docs = new Map<number, number[]>();
    for (let i = 0; i < N; i++) {
      const rowid = N - i;
      const seq = Array.from({ length: 12 }, (_, k) => (k === 5 ? 0 : 2 + ((rowid + k) % 7)));
      if (i % 1000 === 500) {
        seq[4] = 1;
        seq[5] = Math.floor(i / 1000) % 2 === 0 ? 0 : 3;
      }
      docs.set(rowid, seq);
    }
    const lists = corpusOf(docs, 9);
    const expected = phraseHits(docs, [1, 0], N);
    assert.ok(expected.length > 100 && expected.length < 200, `${expected.length} hits`);
    const s = store(lists, docs);
    const rare = new ListCursor(1);
    const node = new SequencePhrase([rare, new ListCursor(0, 1)], new Set([rare]), new WindowLoader(2));
    assert.deepEqual(await collect(node, s.fetch), expected);
    assert.ok(s.trips() <= 4, `${s.trips()} round trips`);
    assert.equal(s.blocks(), 1, 'only the rare list\'s block');
    assert.equal(s.windows(), 300);
    // The same phrase by the lists alone reads a block of the common list per candidate.
    const t = store(lists);
    assert.deepEqual(await collect(phraseNode([new ListCursor(1), new ListCursor(0)]), t.fetch), expected);
    assert.ok(t.blocks() > 250, `${t.blocks()} blocks`);
  });
});
