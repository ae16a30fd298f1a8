/**
 * The PostgreSQL engine: posting lists of our own (postings.ts) rather than tsvector and GIN.
 *
 * Why: a GIN index answers a query with every matching row, unordered; to give the newest 20 of
 * a term found in half a million documents PostgreSQL must fetch them all from the table and
 * sort them, and a phrase also rechecks each candidate's tsvector (read from TOAST). At 1,000,000
 * documents that took 35–320 ms per query (docs/architecture.md); the planner's other choice,
 * walking the documents newest first and testing each, is as slow for rare terms. Posting lists
 * kept in id order give the newest hits first, like FTS5 on SQLite.
 *
 * Tables (migration 2026112808):
 *   search_tokens     the token dictionary: id ↔ token (COLLATE "C": a character's bigrams are
 *                     one range, for queries of one character); scopes are tokens too
 *   search_postings   blocks of posting lists, key (scope_id, token_id, lo) (postings.ts)
 *   search_documents  token_ids: the ids of the tokens a document is listed under, to remove it
 *   search_forward    each document's token sequence (postings.ts encodeSequence, migration
 *                     2026112819): a phrase checks its frequent tokens on a few candidates there
 *                     rather than in their long lists (SequencePhrase)
 *
 * Writers take a transaction-level advisory lock (one writer at a time: ids are allocated from
 * the highest in use, and blocks are read, merged and written back); readers are never blocked
 * and read one snapshot (search runs in a repeatable-read transaction).
 */
import { sql } from 'kysely';
import { ALONE_MARK, PREPARED_MARK, SNAPSHOT_MARK } from '../db/database.js';
import {
  AndNode,
  FIRST_LOAD,
  WHOLE_LIST,
  buildBlocks,
  decodeBlock,
  decodeIds,
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
  type StoredBlock,
  type WindowAnswer,
} from './postings.js';
import { scopeToken } from './tokenize.js';
import { chunks, type EngineResult, type IndexedRow, type PreparedDocument, type Q, type SearchPlan } from './types.js';

/** The advisory lock of the index's writers ('gks' + 1). */
const WRITER_LOCK = 0x676b7301;

export async function lockWriters(q: Q): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(${WRITER_LOCK}::bigint)`.execute(q);
}

/** Ids of tokens in the dictionary; `create`: adds the missing ones. */
async function tokenIds(q: Q, tokens: readonly string[], create: boolean): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const read = async (list: readonly string[]) => {
    for (const part of chunks(list, 10_000)) {
      const r = await sql<{ id: number; token: string }>`SELECT id, token FROM search_tokens WHERE token = ANY(${part}::text[])`.execute(q);
      for (const row of r.rows) out.set(row.token, Number(row.id));
    }
  };
  await read(tokens);
  if (!create) return out;
  const missing = tokens.filter((t) => !out.has(t));
  for (const part of chunks(missing, 10_000)) {
    await sql`INSERT INTO search_tokens (token) SELECT unnest(${part}::text[]) ON CONFLICT (token) DO NOTHING`.execute(q);
  }
  if (missing.length) await read(missing);
  return out;
}

interface Change {
  remove: Set<number>;
  add: PostingsBuilder;
  low: number;
  high: number;
}

/**
 * Removes the postings of `removed` (old versions) and adds those of `added`, in one pass over
 * the blocks concerned. Returns each added document's token ids (for search_documents).
 * The caller holds the writers' lock.
 */
export async function write(q: Q, removed: readonly IndexedRow[], added: readonly PreparedDocument[]): Promise<Map<number, Uint8Array>> {
  const all = new Set<string>();
  for (const r of removed) all.add(scopeToken(r.scope));
  for (const d of added) {
    all.add(scopeToken(d.scope));
    for (const t of d.tokens) all.add(t);
    for (const k of d.keys) all.add(k);
  }
  const ids = await tokenIds(q, [...all], true);
  const changes = new Map<number, Map<number, Change>>();
  const change = (scopeId: number, tokenId: number, rowid: number): Change => {
    let byToken = changes.get(scopeId);
    if (!byToken) changes.set(scopeId, (byToken = new Map()));
    let c = byToken.get(tokenId);
    if (!c) byToken.set(tokenId, (c = { remove: new Set(), add: new PostingsBuilder(), low: rowid, high: rowid }));
    c.low = Math.min(c.low, rowid);
    c.high = Math.max(c.high, rowid);
    return c;
  };
  for (const r of removed) {
    const scopeId = ids.get(scopeToken(r.scope))!;
    for (const t of decodeIds(r.token_ids ?? new Uint8Array())) change(scopeId, t, r.id).remove.add(r.id);
  }
  // Newest document first: each list's new postings then come in order.
  const tokenLists = new Map<number, Uint8Array>();
  for (const d of [...added].sort((a, b) => b.id - a.id)) {
    const scopeId = ids.get(scopeToken(d.scope))!;
    // Positions grouped by token: sort the positions by (token id, position).
    const n = d.tokens.length;
    const tid = new Int32Array(n);
    for (let i = 0; i < n; i++) tid[i] = ids.get(d.tokens[i]!)!;
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => tid[a]! - tid[b]! || a - b);
    const listed: number[] = [];
    for (let start = 0; start < n; ) {
      const t = tid[order[start]!]!;
      let end = start + 1;
      while (end < n && tid[order[end]!] === t) end++;
      change(scopeId, t, d.id).add.add(d.id, order, start, end);
      listed.push(t);
      start = end;
    }
    for (const k of d.keys) {
      const t = ids.get(k)!;
      change(scopeId, t, d.id).add.add(d.id, []);
      listed.push(t);
    }
    tokenLists.set(d.id, encodeIds(listed.sort((a, b) => a - b)));
    d.sequence = encodeSequence(tid);
  }
  for (const [scopeId, byToken] of changes) {
    for (const part of chunks([...byToken.keys()], 2000)) await applyChanges(q, scopeId, part, byToken);
  }
  return tokenLists;
}

/**
 * Stores the token sequences of documents just written (write() set them), after their rows in
 * search_documents: a sequence belongs to its row (foreign key, ON DELETE CASCADE), so that
 * whatever removes or replaces the row — an older version of gongkai during a rolling upgrade
 * too — never leaves a sequence of other text behind.
 */
export async function writeSequences(q: Q, docs: readonly Pick<PreparedDocument, 'id' | 'docId' | 'sequence'>[]): Promise<void> {
  const withSeq = docs.filter((d) => d.sequence);
  // Statements of a few megabytes at most (a sequence is 2–4 bytes a token).
  for (let i = 0; i < withSeq.length; ) {
    let bytes = 0;
    let j = i;
    while (j < withSeq.length && (j === i || bytes + withSeq[j]!.sequence!.seq.length < 4e6)) bytes += withSeq[j++]!.sequence!.seq.length;
    const part = withSeq.slice(i, j);
    await sql`INSERT INTO search_forward (id, doc_id, width, seq)
      SELECT * FROM unnest(${part.map((d) => d.id)}::bigint[], ${part.map((d) => d.docId)}::bigint[], ${part.map((d) => d.sequence!.width)}::smallint[], ${part.map((d) => Buffer.from(d.sequence!.seq.buffer, d.sequence!.seq.byteOffset, d.sequence!.seq.length))}::bytea[])`.execute(q);
    i = j;
  }
}

/**
 * Rewrites the blocks of the given token lists that the changes touch: the blocks overlapping
 * [low, high], with the block just below (or, with none below, just above) to absorb new
 * postings; the merged postings are cut into blocks again and only blocks that differ are written.
 */
async function applyChanges(q: Q, scopeId: number, tokens: number[], byToken: Map<number, Change>): Promise<void> {
  const lows = tokens.map((t) => byToken.get(t)!.low);
  const highs = tokens.map((t) => byToken.get(t)!.high);
  const r = await sql<{ token_id: number; lo: number; hi: number; n: number; data: Uint8Array }>`
    SELECT u.t AS token_id, p.lo, p.hi, p.n, p.data
    FROM unnest(${tokens}::int[], ${lows}::bigint[], ${highs}::bigint[]) AS u(t, a, b)
    CROSS JOIN LATERAL (SELECT coalesce(
      (SELECT x.lo FROM search_postings x WHERE x.scope_id = ${scopeId} AND x.token_id = u.t AND x.lo <= u.a ORDER BY x.lo DESC LIMIT 1),
      (SELECT x.lo FROM search_postings x WHERE x.scope_id = ${scopeId} AND x.token_id = u.t AND x.lo > u.a ORDER BY x.lo LIMIT 1)) AS c) s
    JOIN search_postings p ON p.scope_id = ${scopeId} AND p.token_id = u.t AND p.lo BETWEEN s.c AND greatest(u.b, s.c)
    ORDER BY u.t, p.lo DESC`.execute(q);
  const old = new Map<number, StoredBlock[]>();
  for (const row of r.rows) {
    const b: StoredBlock = { lo: Number(row.lo), hi: Number(row.hi), n: Number(row.n), data: row.data };
    const list = old.get(Number(row.token_id));
    if (list) list.push(b);
    else old.set(Number(row.token_id), [b]);
  }
  const del: { t: number[]; lo: number[] } = { t: [], lo: [] };
  const put: { t: number[]; lo: number[]; hi: number[]; n: number[]; data: Uint8Array[] } = { t: [], lo: [], hi: [], n: [], data: [] };
  for (const t of tokens) {
    const c = byToken.get(t)!;
    const blocks = old.get(t) ?? [];
    const next = buildBlocks(mergePostings(blocks.map(decodeBlock), c.remove, c.add.sorted()));
    const before = new Map(blocks.map((b) => [b.lo, b]));
    for (const b of next) {
      const was = before.get(b.lo);
      before.delete(b.lo);
      if (was && was.hi === b.hi && was.n === b.n && Buffer.compare(was.data, b.data) === 0) continue;
      put.t.push(t);
      put.lo.push(b.lo);
      put.hi.push(b.hi);
      put.n.push(b.n);
      put.data.push(b.data);
    }
    for (const lo of before.keys()) {
      del.t.push(t);
      del.lo.push(lo);
    }
  }
  if (del.t.length) {
    await sql`DELETE FROM search_postings p USING unnest(${del.t}::int[], ${del.lo}::bigint[]) AS d(t, lo)
      WHERE p.scope_id = ${scopeId} AND p.token_id = d.t AND p.lo = d.lo`.execute(q);
  }
  for (let i = 0; i < put.t.length; i += 2000) {
    const s = (xs: unknown[]) => xs.slice(i, i + 2000);
    await sql`INSERT INTO search_postings (scope_id, token_id, lo, hi, n, data)
      SELECT ${scopeId}, * FROM unnest(${s(put.t)}::int[], ${s(put.lo)}::bigint[], ${s(put.hi)}::bigint[], ${s(put.n)}::int[], ${s(put.data)}::bytea[])
      ON CONFLICT (scope_id, token_id, lo) DO UPDATE SET hi = excluded.hi, n = excluded.n, data = excluded.data`.execute(q);
  }
}

/** The callers' ids of a page of internal ids (one prepared statement whatever the page's length). */
export async function docIds(q: Q, ids: readonly number[]): Promise<{ id: number; doc_id: number }[]> {
  return (await sql<{ id: number; doc_id: number }>`${PREPARED}SELECT id, doc_id FROM search_documents WHERE id = ANY(${intArray(ids)}::bigint[])`.execute(q)).rows;
}

/** The code point after a character's: [c, next) is the range of tokens starting with c. */
function nextChar(c: string): string {
  return String.fromCodePoint(c.codePointAt(0)! + 1);
}

/**
 * The statements of a search are prepared once per connection (src/db/database.ts): planning the
 * first one costs more than running it.
 */
const PREPARED = sql.raw(PREPARED_MARK);
const SNAPSHOT = sql.raw(SNAPSHOT_MARK);
const ALONE = sql.raw(ALONE_MARK);
const NO_MARK = sql.raw('');

/**
 * An array of integers as PostgreSQL's array literal ({1,2,3}): the driver's own conversion
 * quotes and escapes every element, which is most of what a search allocates for its parameters.
 */
function intArray(xs: readonly number[]): string {
  return `{${xs.join(',')}}`;
}

/** Blocks of a long list a search's first statement reads at most to reach the depth of its sparsest partner. */
const DEEP_LOAD = 32;

/** A list that ends within its first blocks with at most this many postings drives a phrase (its candidates are few). */
const FEW_POSTINGS = 256;

/** Thrown by a walk of `search(…, {firstStatementOnly: true})` that needs a second statement. */
class NeedsSnapshot extends Error {}

/**
 * Searches. `firstStatementOnly`: answer from the first statement alone (a snapshot of its own),
 * or return null when the walk needs more blocks; the caller then searches again inside one
 * repeatable-read transaction. Most searches (the count reached, or the lists ended, within the
 * first blocks of each list) need only that statement. `beginSnapshot`: the first statement
 * begins that transaction (SNAPSHOT_MARK: in the same round trip); the caller ends it. Outside a
 * caller's transaction the first statement runs with its generic plan (SNAPSHOT_MARK, ALONE_MARK):
 * planned for each search, it took longer to plan (0.3–1.9 ms) than to run.
 */
export async function search(q: Q, plan: SearchPlan, opts: { firstStatementOnly?: boolean; beginSnapshot?: boolean } = {}): Promise<EngineResult | null> {
  const none: EngineResult = { page: [], count: 0 };
  const scope = scopeToken(plan.scope);
  const exact = new Set<string>([scope]);
  for (const w of plan.words) {
    if (w.kind === 'phrase') w.tokens.forEach((t) => exact.add(t));
    else exact.add(w.tail);
  }
  for (const g of plan.groups) g.forEach((k) => exact.add(k));
  const chars = plan.words.flatMap((w) => (w.kind === 'char' ? [w.prefix] : []));
  // Tokens every hit holds: a phrase's, and a filter of one key (a one-character word, or a
  // filter of several keys, is a union).
  const required = [...plan.words.flatMap((w) => (w.kind === 'phrase' ? w.tokens : [])), ...plan.groups.flatMap((g) => (g.length === 1 ? g : []))];
  // Hits the walk from the top visits at most: the count's and the page's.
  const need = Math.max(plan.cap, plan.skip + plan.limit) + 1;
  // One statement: the ids of the tokens (and of every bigram starting with a one-character word)
  // and the first blocks of each list (the newest ones, from the top of the count's walk): a
  // list of at most WHOLE_LIST blocks comes whole (the second token of a rare phrase often has
  // ten or so); a longer one down to the depth the walk can reach with the first blocks of the
  // required tokens — where the sparsest of them holds `need` postings, or its first blocks end
  // (no hit lies deeper than either) — with the block across that depth: at least FIRST_LOAD
  // blocks, and FIRST_LOAD when that depth is DEEP_LOAD blocks away or more (the walk then reads
  // the dense list's blocks under the sparse list's candidates, or checks it on sequences); a
  // bigram of a one-character word its newest. (A medium phrase such as 婚姻登记, counted up to
  // the cap, read 登记 in a second statement when every long list came with FIRST_LOAD blocks.)
  const first = await sql<{ id: number; token: string; lim: number; lo: number | null; hi: number; n: number; data: Uint8Array }>`${opts.beginSnapshot ? SNAPSHOT : opts.firstStatementOnly && !q.isTransaction ? ALONE : NO_MARK}${PREPARED}
    WITH s AS MATERIALIZED (SELECT id FROM search_tokens WHERE token = ${scope})
    , t AS (SELECT DISTINCT ON (id) id, token, exact FROM (
      SELECT id, token, true AS exact FROM search_tokens WHERE token = ANY(${[...exact]}::text[])
      UNION ALL
      SELECT k.id, k.token, false FROM unnest(${chars}::text[], ${chars.map(nextChar)}::text[]) AS r(a, b)
        JOIN search_tokens k ON k.token >= r.a AND k.token < r.b
    ) x ORDER BY id, exact DESC)
    , l AS (SELECT t.*, t.exact AND (SELECT count(*) FROM (SELECT 1 FROM search_postings WHERE scope_id = (SELECT id FROM s)
        AND token_id = t.id AND lo <= ${plan.topId} LIMIT ${WHOLE_LIST + 1}) c) > ${WHOLE_LIST} AS long FROM t)
    , d AS (SELECT min((SELECT min(y.lo) FROM (SELECT lo, sum(n) OVER (ORDER BY lo DESC ROWS UNBOUNDED PRECEDING) - n AS above
          FROM (SELECT lo, n FROM search_postings WHERE scope_id = (SELECT id FROM s) AND token_id = l.id AND lo <= ${plan.topId}
            ORDER BY lo DESC LIMIT CASE WHEN l.long THEN ${FIRST_LOAD}::int ELSE ${WHOLE_LIST}::int END) z) y WHERE y.above < ${need})) AS lo
        FROM l WHERE l.exact AND l.token = ANY(${required}::text[]))
    , w AS (SELECT l.id, l.token, CASE WHEN NOT l.exact THEN 1 WHEN NOT l.long THEN ${WHOLE_LIST}
        ELSE coalesce((SELECT CASE WHEN count(*) < ${DEEP_LOAD} THEN greatest(count(*) + 1, ${FIRST_LOAD}) END FROM (SELECT 1 FROM search_postings
          WHERE scope_id = (SELECT id FROM s) AND token_id = l.id AND lo <= ${plan.topId} AND lo >= (SELECT lo FROM d) LIMIT ${DEEP_LOAD}) c), ${FIRST_LOAD}) END AS lim FROM l)
    SELECT w.id, w.token, w.lim, b.lo, b.hi, b.n, b.data FROM w
    LEFT JOIN LATERAL (SELECT lo, hi, n, data FROM search_postings
      WHERE scope_id = (SELECT id FROM s) AND token_id = w.id AND lo <= ${plan.topId}
      ORDER BY lo DESC LIMIT w.lim) b ON true
    ORDER BY w.id, b.lo DESC`.execute(q);
  const ids = new Map<string, number>();
  const initial = new Map<number, StoredBlock[]>();
  /** How many blocks the first statement asked for, per list (fewer came: the list ended). */
  const firstLimit = new Map<number, number>();
  for (const row of first.rows) {
    const id = Number(row.id);
    ids.set(row.token, id);
    firstLimit.set(id, Number(row.lim));
    const blocks = initial.get(id) ?? [];
    if (row.lo !== null) blocks.push({ lo: Number(row.lo), hi: Number(row.hi), n: Number(row.n), data: row.data });
    initial.set(id, blocks);
  }
  const scopeId = ids.get(scope);
  if (scopeId === undefined) return none;
  // A word of one character: every bigram starting with it, and its tail token.
  const expansions = plan.words.flatMap((w) => {
    if (w.kind !== 'char') return [];
    const out: number[] = [];
    for (const [token, id] of ids) if (token.startsWith(w.prefix) || token === w.tail) out.push(id);
    return [out];
  });
  /**
   * The tokens of a phrase that drive its walk (sparsest first); the others are checked on the
   * candidates' token sequences (SequencePhrase). From the first statement's blocks (a short list
   * whole, a long one its newest): the sparsest list drives; a list is checked on sequences when the drivers'
   * candidates lie further apart than half its blocks span (a block read per candidate, or
   * nearly), or when the sparsest list ended within its first blocks with few postings.
   */
  const sparseTokens = (tokenIds: number[]): Set<number> => {
    const stats = [...new Set(tokenIds)].map((id) => {
      const blocks = initial.get(id) ?? [];
      const postings = blocks.reduce((n, b) => n + b.n, 0);
      const range = blocks.length ? blocks[0]!.hi - blocks[blocks.length - 1]!.lo + 1 : 0;
      const complete = blocks.length < firstLimit.get(id)!;
      const gap = complete && postings <= FEW_POSTINGS ? Number.POSITIVE_INFINITY : postings ? range / postings : Number.POSITIVE_INFINITY;
      return { id, complete, gap, span: blocks.length ? range / blocks.length : 0 };
    });
    stats.sort((a, b) => b.gap - a.gap);
    const driver = stats[0]!;
    return new Set(stats.filter((t) => t === driver || t.complete || t.span / 2 >= driver.gap).map((t) => t.id));
  };
  // The query as a tree of cursors (a new tree per walk; a token's cursor is shared in a tree).
  const build = (preload: boolean): Node | null => {
    const cursors = new Map<number, ListCursor>();
    /** A new cursor, holding the first statement's answer as if it had asked for it. */
    const cursor = (id: number, firstLoad: number) => {
      const c = new ListCursor(id, firstLoad);
      const blocks = preload ? initial.get(id) : undefined;
      if (blocks) {
        c.pending = plan.topId;
        c.receive([{ target: plan.topId, limit: firstLimit.get(id)! }], [blocks]);
      }
      return c;
    };
    const list = (id: number, firstLoad = FIRST_LOAD) => {
      let c = cursors.get(id);
      if (!c) cursors.set(id, (c = cursor(id, firstLoad)));
      return c;
    };
    // A token checked on sequences gets a cursor of its own (moved only by its phrase, and only
    // for documents without a sequence).
    const own = (id: number) => cursor(id, 1);
    const any = (tokenIds: number[]): Node | null =>
      tokenIds.length === 0 ? null : tokenIds.length === 1 ? list(tokenIds[0]!) : new UnionNode(tokenIds.map((id) => list(id, 1)));
    const nodes: Node[] = [];
    let e = 0;
    for (const w of plan.words) {
      if (w.kind === 'phrase') {
        const tokenIds = w.tokens.map((t) => ids.get(t));
        if (tokenIds.some((id) => id === undefined)) return null;
        const phrase = tokenIds as number[];
        const sparse = sparseTokens(phrase);
        if (sparse.size === new Set(phrase).size) nodes.push(phraseNode(phrase.map((id) => list(id))));
        else {
          const cursors = new Map(phrase.map((id) => [id, sparse.has(id) ? list(id) : own(id)]));
          nodes.push(new SequencePhrase(phrase.map((id) => cursors.get(id)!), new Set([...sparse].map((id) => cursors.get(id)!)), new WindowLoader(phrase.length)));
        }
      } else {
        const n = any(expansions[e++]!);
        if (!n) return null;
        nodes.push(n);
      }
    }
    for (const g of plan.groups) {
      const n = any(g.map((k) => ids.get(k)).filter((id): id is number => id !== undefined));
      if (!n) return null;
      nodes.push(n);
    }
    return nodes.length === 1 ? nodes[0]! : new AndNode(nodes);
  };
  const fetch = async (pending: Loadable[]) => {
    if (opts.firstStatementOnly) throw new NeedsSnapshot();
    const lists = pending.filter((l): l is ListCursor => l instanceof ListCursor);
    const windows = pending.filter((l): l is WindowLoader => l instanceof WindowLoader);
    if (lists.length) await fetchBlocks(lists);
    if (windows.length) await fetchWindows(windows);
  };
  /** The callers' ids of the documents whose windows were read (a page of them needs no docIds statement). */
  const docIds = new Map<number, number>();
  const fetchWindows = async (loaders: WindowLoader[]) => {
    const requests = loaders.map((l) => l.requests());
    const all = requests.flat();
    const r = await sql<{ i: number; doc_id: number; width: number; w: Uint8Array }>`${PREPARED}
      SELECT u.i, f.doc_id, f.width, substring(f.seq FROM u.s * f.width + 1 FOR u.k * f.width) AS w
      FROM unnest(${intArray(all.map((x) => x.rowid))}::bigint[], ${intArray(all.map((x) => x.start))}::int[], ${intArray(all.map((x) => x.length))}::int[]) WITH ORDINALITY AS u(r, s, k, i)
      JOIN search_forward f ON f.id = u.r`.execute(q);
    const answers: WindowAnswer[] = all.map(() => null);
    for (const row of r.rows) {
      const i = Number(row.i) - 1;
      answers[i] = { width: Number(row.width), bytes: row.w };
      docIds.set(all[i]!.rowid, Number(row.doc_id));
    }
    let k = 0;
    loaders.forEach((l, i) => {
      l.receive(requests[i]!, answers.slice(k, k + requests[i]!.length));
      k += requests[i]!.length;
    });
  };
  const fetchBlocks = async (lists: ListCursor[]) => {
    // One row per request: (list, request) → blocks with lo ≤ target, newest first, up to limit.
    const requests = lists.map((c) => c.requests());
    const tokens: number[] = [];
    const targets: number[] = [];
    const limits: number[] = [];
    requests.forEach((rs, i) =>
      rs.forEach((r) => {
        tokens.push(lists[i]!.tokenId);
        targets.push(r.target);
        limits.push(r.limit);
      }),
    );
    const r = await sql<{ i: number; lo: number; hi: number; n: number; data: Uint8Array }>`${PREPARED}
      SELECT u.i, b.lo, b.hi, b.n, b.data
      FROM unnest(${intArray(tokens)}::int[], ${intArray(targets)}::bigint[], ${intArray(limits)}::int[]) WITH ORDINALITY AS u(t, target, lim, i)
      CROSS JOIN LATERAL (SELECT lo, hi, n, data FROM search_postings
        WHERE scope_id = ${scopeId} AND token_id = u.t AND lo <= u.target ORDER BY lo DESC LIMIT u.lim) b
      ORDER BY u.i, b.lo DESC`.execute(q);
    const answers: StoredBlock[][] = tokens.map(() => []);
    for (const row of r.rows) answers[Number(row.i) - 1]!.push({ lo: Number(row.lo), hi: Number(row.hi), n: Number(row.n), data: row.data });
    let k = 0;
    requests.forEach((rs, i) => {
      lists[i]!.receive(rs, answers.slice(k, k + rs.length));
      k += rs.length;
    });
  };

  const root = build(true);
  if (!root) return none;
  let count = 0;
  let page: number[] = [];
  const fromTop = plan.startId >= plan.topId;
  if (!fromTop && opts.firstStatementOnly && plan.startId >= plan.minId) return null;
  try {
    await walk(root, fetch, plan.topId, plan.minId, (id) => {
      count++;
      if (fromTop && count > plan.skip && page.length <= plan.limit) page.push(id);
      return count <= plan.cap || (fromTop && page.length <= plan.limit);
    });
  } catch (e) {
    if (e instanceof NeedsSnapshot) return null;
    throw e;
  }
  if (!fromTop) {
    page = [];
    let seen = 0;
    if (plan.startId < plan.minId) return { page, count, docIds };
    await walk(build(false)!, fetch, plan.startId, plan.minId, (id) => {
      if (++seen > plan.skip) page.push(id);
      return page.length <= plan.limit;
    });
  }
  return { page, count, docIds };
}
