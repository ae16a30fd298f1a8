/**
 * The search index: a generic full-text index of documents (catalogue items, and later the text
 * filter of the application queue), exact for Chinese, newest first.
 *
 *   indexDocument(db, {scope, docId, fields, sortKey, keys})   add or replace a document
 *   indexDocuments(db, docs)                                   the same for many, in one transaction
 *   removeDocument(db, {scope, docId})
 *   search(db, {scope, query, limit, offset | cursor, filters, sortKeyMin, sortKeyMax})
 *     → the caller's ids, newest first, and the number of hits counted up to SEARCH_COUNT_CAP
 *
 * A scope is an independent index ('catalogue', 'applications'): ids are unique per scope, and a
 * search sees one scope. Keys are opaque strings the caller filters on ('agency:12', 'public',
 * 'category:03'); `filters` asks for all of its entries, an entry being one key or a list of
 * alternatives. Which documents may be shown to whom stays the caller's decision: index only what
 * a scope's readers may find, or give every document the keys its readers filter on.
 *
 * What matches is defined in tokenize.ts (the normalized query words, ANDed, each found as a
 * substring; Latin words and numbers whole). Results are exact: both engines answer from an index
 * that holds every position, so no candidate needs checking against the text.
 *
 * Order: a document's internal id is sortKey × 2^20 + a sequence number within the sort key, so
 * the newest documents have the highest ids, and both engines read their posting lists in
 * descending id order and stop after the page and the count: the cost of a search depends on
 * how far down its hits lie, not on the size of the index. Engines: SQLite FTS5 (sqlite.ts) and,
 * on PostgreSQL, posting lists of our own (postgres.ts, postings.ts), because tsvector/GIN
 * returns every hit of a common term before it can sort them (measurements: docs/architecture.md).
 */
import { sql } from 'kysely';
import type { Dialect } from '../db/database.js';
import { ValidationError } from '../validation.js';
import * as pgEngine from './postgres.js';
import * as ftsEngine from './sqlite.js';
import { documentTokens, keyToken, parseQuery } from './tokenize.js';
import { chunks, type EngineResult, type IndexedRow, type PreparedDocument, type Q, type SearchPlan } from './types.js';

/** A database handle: a Db, or a Db's transaction with its dialect (`{kysely: trx, dialect}`). */
export interface SearchDb {
  kysely: Q;
  dialect: Dialect;
}

/** The indexed text of a document (every field optional; long bodies are fine). */
export interface SearchFields {
  title?: string | null;
  summary?: string | null;
  body?: string | null;
  attachmentsText?: string | null;
}

export interface SearchDocument {
  scope: string;
  /** The caller's id (a non-negative safe integer), unique within the scope. */
  docId: number;
  fields: SearchFields;
  /**
   * Newest first: an integer 0 ≤ sortKey < SORT_KEY_LIMIT, e.g. the publication day number, the
   * publication time in seconds, or an increasing number. Ties: the one indexed last first.
   */
  sortKey: number;
  /** Filter keys (see `filters` of search). */
  keys?: readonly string[];
}

/** Counting stops here: beyond it a search answers "more than SEARCH_COUNT_CAP". */
export const SEARCH_COUNT_CAP = 1000;
export const SEARCH_DEFAULT_LIMIT = 20;
export const SEARCH_MAX_LIMIT = 100;
/** Deeper pages go through `cursor`, which costs the same at any depth. */
export const SEARCH_MAX_OFFSET = 10_000;
/** Sort keys are below 2^33 (seconds since 1970 until the year 2242). */
export const SORT_KEY_LIMIT = 2 ** 33;
/** Documents with the same sort key: at most 2^20. */
const SEQ = 2 ** 20;
const MAX_KEYS = 64;
const MAX_KEY_LENGTH = 200;

/** Adds a document, or replaces the document with the same scope and docId. */
export async function indexDocument(db: SearchDb, doc: SearchDocument): Promise<void> {
  await indexDocuments(db, [doc]);
}

/**
 * Adds or replaces documents in one transaction (the caller's, when `db.kysely` is one). On
 * PostgreSQL, writers of the index take turns (a transaction-level advisory lock): keep bulk
 * batches to a few thousand documents.
 */
export async function indexDocuments(db: SearchDb, docs: readonly SearchDocument[]): Promise<void> {
  const byKey = new Map<string, PreparedDocument>();
  for (const doc of docs) {
    checkDocument(doc);
    const f = doc.fields;
    byKey.set(docKey(doc.scope, doc.docId), {
      id: 0,
      scope: doc.scope,
      docId: doc.docId,
      sortKey: doc.sortKey,
      tokens: documentTokens([f.title, f.summary, f.body, f.attachmentsText]),
      keys: [...new Set((doc.keys ?? []).map(keyToken))],
    });
  }
  if (!byKey.size) return;
  await inTransaction(db, async (q) => {
    if (db.dialect === 'postgres') await pgEngine.lockWriters(q);
    const prepared = [...byKey.values()];
    const existing = await findExisting(q, prepared);
    const fresh: PreparedDocument[] = [];
    for (const doc of prepared) {
      const old = existing.get(docKey(doc.scope, doc.docId));
      if (old && old.sort_key === doc.sortKey) doc.id = old.id;
      else fresh.push(doc);
    }
    await allocateIds(q, fresh);
    const removed = [...existing.values()];
    const written = db.dialect === 'postgres' ? await pgEngine.write(q, removed, prepared) : await ftsEngine.write(q, removed, prepared);
    for (const ids of chunks(removed.map((r) => r.id), 500)) await q.deleteFrom('search_documents').where('id', 'in', ids).execute();
    for (const part of chunks(prepared, 500)) {
      await q
        .insertInto('search_documents')
        .values(part.map((d) => ({ id: d.id, scope: d.scope, doc_id: d.docId, sort_key: d.sortKey, token_ids: written.get(d.id) ?? null })))
        .execute();
    }
    if (db.dialect === 'postgres') await pgEngine.writeSequences(q, prepared);
  });
}

/** Removes a document; false when it was not indexed. */
export async function removeDocument(db: SearchDb, ref: { scope: string; docId: number }): Promise<boolean> {
  checkScope(ref.scope);
  checkDocId(ref.docId);
  return inTransaction(db, async (q) => {
    if (db.dialect === 'postgres') await pgEngine.lockWriters(q);
    const row = await q.selectFrom('search_documents').selectAll().where('scope', '=', ref.scope).where('doc_id', '=', ref.docId).executeTakeFirst();
    if (!row) return false;
    if (db.dialect === 'postgres') await pgEngine.write(q, [row], []);
    else await ftsEngine.write(q, [row], []);
    await q.deleteFrom('search_documents').where('id', '=', row.id).execute();
    return true;
  });
}

export interface SearchOptions {
  scope: string;
  /** What the user typed (any string: it is parsed, never passed to the database's syntax). */
  query: string;
  /** Page size, 1–SEARCH_MAX_LIMIT (default 20). */
  limit?: number;
  /** Hits to skip, 0–SEARCH_MAX_OFFSET (after `cursor` when both are given). */
  offset?: number;
  /** `nextCursor` of the previous page: the page after it. */
  cursor?: string | null;
  /**
   * Every entry must hold: a key the document has, or a list of keys of which it has one
   * (an empty list matches nothing). E.g. [['agency:3', 'agency:7'], 'public'].
   */
  filters?: readonly (string | readonly string[])[];
  /** Only documents with sortKeyMin ≤ sortKey ≤ sortKeyMax. */
  sortKeyMin?: number;
  sortKeyMax?: number;
}

export interface SearchResult {
  /** The documents' ids (docId), newest first. */
  ids: number[];
  /** Hits, counted up to SEARCH_COUNT_CAP. */
  total: number;
  /** There are more than SEARCH_COUNT_CAP hits ("1000+"). */
  totalCapped: boolean;
  /** The next page's cursor, null on the last page. */
  nextCursor: string | null;
  /** The normalized words searched (none: nothing searchable was typed, and no hits). */
  words: string[];
}

/**
 * Searches a scope. An empty query, or one of punctuation only, finds nothing (words: []); a
 * query too long, or bad paging, is a ValidationError with a Chinese message.
 */
export async function search(db: SearchDb, opts: SearchOptions): Promise<SearchResult> {
  checkScope(opts.scope);
  const limit = opts.limit ?? SEARCH_DEFAULT_LIMIT;
  const offset = opts.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 1 || limit > SEARCH_MAX_LIMIT) throw new ValidationError({ limit: `每页条数应为 1 至 ${SEARCH_MAX_LIMIT}` });
  if (!Number.isInteger(offset) || offset < 0 || offset > SEARCH_MAX_OFFSET) throw new ValidationError({ offset: `翻页过深，请缩小检索范围（最多跳过 ${SEARCH_MAX_OFFSET} 条）` });
  const below = opts.cursor ? parseCursor(opts.cursor) : null;
  const parsed = parseQuery(opts.query);
  const words = parsed.words.map((w) => w.text);
  const empty: SearchResult = { ids: [], total: 0, totalCapped: false, nextCursor: null, words };
  if (!parsed.words.length) return empty;
  const sortMin = opts.sortKeyMin ?? 0;
  const sortMax = opts.sortKeyMax ?? SORT_KEY_LIMIT - 1;
  for (const [name, v] of [['sortKeyMin', sortMin], ['sortKeyMax', sortMax]] as const) {
    if (!Number.isInteger(v) || v < 0 || v >= SORT_KEY_LIMIT) throw new RangeError(`search: ${name} must be an integer in [0, 2^33)`);
  }
  const groups: string[][] = [];
  for (const f of opts.filters ?? []) {
    const keys = typeof f === 'string' ? [f] : [...f];
    keys.forEach(checkKey);
    if (!keys.length) return empty;
    groups.push([...new Set(keys.map(keyToken))]);
  }
  const maxId = Math.min((sortMax + 1) * SEQ - 1, below === null ? Number.MAX_SAFE_INTEGER : below - 1);
  const plan: SearchPlan = { scope: opts.scope, words: parsed.words, groups, minId: sortMin * SEQ, topId: (sortMax + 1) * SEQ - 1, startId: maxId, skip: offset, limit, cap: SEARCH_COUNT_CAP };
  if (plan.topId < plan.minId) return empty;
  const finish = async (q: Q, r: EngineResult): Promise<SearchResult> => {
    const page = r.page.slice(0, limit);
    const docIds = new Map<number, number>();
    const unknown = page.filter((id) => {
      const docId = r.docIds?.get(id);
      if (docId !== undefined) docIds.set(id, docId);
      return docId === undefined;
    });
    if (unknown.length) {
      const rows = db.dialect === 'postgres' ? await pgEngine.docIds(q, unknown) : await q.selectFrom('search_documents').select(['id', 'doc_id']).where('id', 'in', unknown).execute();
      for (const row of rows) docIds.set(Number(row.id), Number(row.doc_id));
    }
    return {
      ids: page.map((id) => docIds.get(id)).filter((id): id is number => id !== undefined),
      total: Math.min(r.count, SEARCH_COUNT_CAP),
      totalCapped: r.count > SEARCH_COUNT_CAP,
      nextCursor: r.page.length > limit ? formatCursor(page[page.length - 1]!) : null,
      words,
    };
  };
  const run = async (q: Q) => finish(q, (db.dialect === 'postgres' ? await pgEngine.search(q, plan) : await ftsEngine.search(q, plan))!);
  if (db.kysely.isTransaction) return run(db.kysely);
  if (db.dialect === 'sqlite') return db.kysely.transaction().execute(run);
  // PostgreSQL: most searches are answered by one statement (its own snapshot; ids are never
  // reused, so mapping them to the caller's ids afterwards is safe). The others read several
  // statements, in one repeatable-read snapshot; a search seen to need that recently goes there
  // directly rather than running its first statement twice (a guess: never changes the answer).
  const key = JSON.stringify(plan);
  if (!needsSnapshot.has(key)) {
    const quick = await pgEngine.search(db.kysely, plan, { firstStatementOnly: true });
    if (quick) return finish(db.kysely, quick);
    needsSnapshot.add(key);
  } else {
    // Most recently used last.
    needsSnapshot.delete(key);
    needsSnapshot.add(key);
  }
  if (needsSnapshot.size > NEEDS_SNAPSHOT_MEMO) needsSnapshot.delete(needsSnapshot.values().next().value!);
  // The first statement begins the transaction in its own round trip (SNAPSHOT_MARK). Ending a
  // read-only transaction changes nothing the search read: the COMMIT goes without waiting for
  // its answer, and the connection's next user queues behind it in the driver.
  return db.kysely.connection().execute(async (c) => {
    let result: SearchResult;
    try {
      result = await finish(c, (await pgEngine.search(c, plan, { beginSnapshot: true }))!);
    } catch (e) {
      await sql`ROLLBACK`.execute(c).catch(() => undefined);
      throw e;
    }
    void sql`COMMIT`.execute(c).catch(() => undefined);
    return result;
  });
}

/** Searches (their plans) that needed more than one statement lately, least recently used first. */
const needsSnapshot = new Set<string>();
const NEEDS_SNAPSHOT_MEMO = 2000;

// --- helpers ----------------------------------------------------------------------------------

async function inTransaction<T>(db: SearchDb, fn: (q: Q) => Promise<T>): Promise<T> {
  return db.kysely.isTransaction ? fn(db.kysely) : db.kysely.transaction().execute(fn);
}

const docKey = (scope: string, docId: number) => `${docId}\u0000${scope}`;

async function findExisting(q: Q, docs: readonly PreparedDocument[]): Promise<Map<string, IndexedRow & { sort_key: number }>> {
  const out = new Map<string, IndexedRow & { sort_key: number }>();
  const byScope = new Map<string, number[]>();
  for (const d of docs) {
    const ids = byScope.get(d.scope);
    if (ids) ids.push(d.docId);
    else byScope.set(d.scope, [d.docId]);
  }
  for (const [scope, docIds] of byScope) {
    for (const part of chunks(docIds, 500)) {
      const rows = await q.selectFrom('search_documents').select(['id', 'scope', 'doc_id', 'sort_key', 'token_ids']).where('scope', '=', scope).where('doc_id', 'in', part).execute();
      for (const r of rows) out.set(docKey(r.scope, Number(r.doc_id)), { id: Number(r.id), scope: r.scope, sort_key: Number(r.sort_key), token_ids: r.token_ids });
    }
  }
  return out;
}

/**
 * Gives documents new ids: sortKey × 2^20 + the next sequence numbers of their sort key, in
 * order (search_sequences; an id is never given twice, so an id read in one statement still
 * names the same document, or none, in the next).
 */
async function allocateIds(q: Q, docs: readonly PreparedDocument[]): Promise<void> {
  const bySortKey = new Map<number, PreparedDocument[]>();
  for (const d of docs) {
    const list = bySortKey.get(d.sortKey);
    if (list) list.push(d);
    else bySortKey.set(d.sortKey, [d]);
  }
  for (const [sortKey, list] of bySortKey) {
    const row = await q
      .insertInto('search_sequences')
      .values({ sort_key: sortKey, next_seq: list.length })
      .onConflict((oc) => oc.column('sort_key').doUpdateSet((eb) => ({ next_seq: eb('search_sequences.next_seq', '+', eb.ref('excluded.next_seq')) })))
      .returning('next_seq')
      .executeTakeFirstOrThrow();
    const first = Number(row.next_seq) - list.length;
    if (first + list.length > SEQ) throw new RangeError(`search index: more than ${SEQ} documents with sort key ${sortKey}`);
    list.forEach((d, i) => (d.id = sortKey * SEQ + first + i));
  }
}

function checkScope(scope: unknown): void {
  if (typeof scope !== 'string' || !scope || scope.length > 64) throw new TypeError('search index: scope must be a non-empty string of at most 64 characters');
}

function checkDocId(docId: unknown): void {
  if (typeof docId !== 'number' || !Number.isSafeInteger(docId) || docId < 0) throw new TypeError('search index: docId must be a non-negative safe integer');
}

function checkKey(key: unknown): void {
  if (typeof key !== 'string' || !key || key.length > MAX_KEY_LENGTH) throw new TypeError(`search index: a key must be a non-empty string of at most ${MAX_KEY_LENGTH} characters`);
}

function checkDocument(doc: SearchDocument): void {
  checkScope(doc.scope);
  checkDocId(doc.docId);
  if (!Number.isInteger(doc.sortKey) || doc.sortKey < 0 || doc.sortKey >= SORT_KEY_LIMIT) throw new RangeError('search index: sortKey must be an integer in [0, 2^33)');
  for (const [name, v] of Object.entries(doc.fields ?? {})) {
    if (v !== null && v !== undefined && typeof v !== 'string') throw new TypeError(`search index: field ${name} must be a string`);
  }
  const keys = doc.keys ?? [];
  if (keys.length > MAX_KEYS) throw new RangeError(`search index: at most ${MAX_KEYS} keys per document`);
  keys.forEach(checkKey);
}

function formatCursor(id: number): string {
  return id.toString(36);
}

function parseCursor(cursor: string): number {
  const id = typeof cursor === 'string' && /^[0-9a-z]{1,11}$/.test(cursor) ? Number.parseInt(cursor, 36) : Number.NaN;
  if (!Number.isSafeInteger(id) || id < 1) throw new ValidationError({ cursor: '翻页参数无效，请重新检索' });
  return id;
}

